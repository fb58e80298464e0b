"""Proof: no GET changes anything, and every HTML response carries the security headers.

Every GET route in the URL map is requested with realistic ids (a record of the user's own
commune, from tests/authz) by each role, by a province admin and by nobody, plainly or as an htmx
request (at full size, PROVE_FULL=1, both). At the reduced size of `make test` each URL is requested
once, by a user who may see it (the roles take turns) or, every third URL, by nobody or the province
admin: tests/test_authz_matrix.py already requests every route as every role and checks the headers
of every HTML answer it gets, so the role sweep is not walked twice. The database is dumped
(every row of every table) before and after: the only rows allowed to appear are the audit log's
records of refused requests (403/404 are logged by design). Every HTML response of the crawl
(pages, fragments, error pages, redirects to the login page) must carry the Content-Security-Policy
without inline code, nosniff, Referrer-Policy, X-Frame-Options and Cache-Control: no-store.
"""
from tests.authz import ALL
from tests.proofs import support as S
from tests.proofs.catalog import Catalog
from tests.proofs.report import full_size, report
from tests.proofs.world import proof_world


def _reader(u: int, readers: list[str]) -> str:
    """The reduced size's one user for the u-th URL: a permitted one in turn (a GET that writes does
    so past the refusal), every third URL nobody or the province admin (the login and 404 pages)."""
    if u % 3 == 2:
        return ("nobody", "province")[u // 3 % 2]
    return readers[u // 3 % len(readers)]


def test_no_get_changes_anything_and_every_html_response_has_the_headers(app):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    table = catalog.table
    users = {role: world.users[role] for role in sorted(ALL)} | {"nobody": None, "province": world.province_admin}
    clients = {who: (catalog.client(u) if u is not None else app.test_client()) for who, u in users.items()}
    # URLs first: the tests/authz helpers make their records now, before the "before" dump.
    urls = []
    for endpoint in S.endpoints(app, "GET"):
        rule = table.get(endpoint)
        if rule is None:
            continue
        args = rule.args(world, True) if rule.args else {}
        query = rule.query(world, True) if rule.query else {}
        readers = ["nobody"] if rule.public else (sorted(rule.roles) or ["province"])
        urls.append((S.url(app, endpoint, **args, **query), readers))
    post_only = [S.url(app, e, **catalog.url_args(e)) for e in S.endpoints(app, "POST")
                 if "GET" not in catalog.methods(e)]
    # 404 and 405 pages are HTML too
    urls += [(u, ["treasurer"]) for u in ["/khong-co-trang-nay", "/quy/999999"] + post_only]

    before = S.dump()
    requests, headers = 0, S.Tally()
    statuses = {}
    for w, (who, client) in enumerate(clients.items()):
        for u, (target, readers) in enumerate(urls):
            if not full_size() and who != _reader(u, readers):
                continue
            # Full size: every URL plain and through htmx for everyone; reduced: one user, in turn.
            for htmx in (False, True) if full_size() else ((w + u) % 2 == 1,):
                resp = client.get(target, htmx=htmx)
                requests += 1
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
                if S.is_html(resp):
                    problems = S.header_problems(resp)
                    headers.check(not problems, f"{who} GET {target}{' htmx' if htmx else ''} "
                                                f"({resp.status_code}): missing {problems}")
                elif resp.status_code == 200:
                    break  # a PDF or a spreadsheet: htmx gets the same file, no need to render it twice
    # The public verification page counts its lookups on purpose (papers.verify, a system table that
    # no user changes and the audit log never sees), and a published snapshot's public PDF is printed
    # on its first download and kept in the blob store (app.disclosure.documents.public_pdf: a render
    # of a record that never changes, a file on the local disk before issue 20); only the print store
    # may gain rows that way. Every other table must stay as it was.
    after = S.dump()
    changed = [c for c in S.diff(before, after)
               if not c.startswith("paper_lookup:")
               and not (c.startswith("stored_blob:") and _only_prints_added(before, after))]

    label = S.db_label()
    report(f"GET changes nothing ({label})",
           f"{requests} GET requests ({len(urls)} URLs × {len(clients) if full_size() else 1} users, plain or htmx; "
           f"statuses "
           f"{dict(sorted(statuses.items()))}): {len(changed)} tables changed",
           not changed, "0 rows changed (audit rows of refusals excepted)")
    report(f"Security headers on HTML responses ({label})",
           f"{headers.checks - headers.failed}/{headers.checks} HTML responses carry CSP, nosniff, "
           f"Referrer-Policy, X-Frame-Options, no-store", not headers.failed, "100%")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not changed, changed
    assert not headers.failed, headers.summary()
    assert statuses.get(500, 0) == 0


def _only_prints_added(before, after) -> bool:
    """stored_blob only gained rows, each a print render (key print/..., the row's first column):
    no row was removed or changed."""
    old, new = set(before.get("stored_blob", [])), set(after.get("stored_blob", []))
    return not (old - new) and all(row[0].startswith("print/") for row in new - old)
