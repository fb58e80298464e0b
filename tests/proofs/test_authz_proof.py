"""Proof: nobody reaches what is not theirs.

Every route in the URL map (tests/authz lists what each role may do) is requested

- with no login, as each of the four roles, on a record of the user's own commune and of another
  commune; POST routes with a submission that works (its control, sent last, must be accepted),
  so a refusal is the authorisation's doing and not a missing field;
- with another commune's ids swapped into the form fields (…_id, ids, keep_id, upload tokens, the
  act button's id, an opening-day sheet's pig rows) and into two-id URLs;
- GET pages with another commune's ids swapped into every id-like query value their links, htmx
  attributes and filter forms use.

An unexpected success is a request that should have been refused and was answered 2xx/3xx, wrote
anything (database dumped before and after each route's attacks), or showed another commune's data
(its records carry markers, see tests/proofs/world.py). Full size (PROVE_FULL=1) also checks every
permitted role's GET and htmx variants, and swaps every other-commune id into every query value.

The role sweep (nobody and every role on every route, own and other commune) is
tests/test_authz_matrix.py's, run once in `make test`: at the reduced size this proof only reads
each GET page as one permitted role (for leaks, and the links whose query values it swaps) and
attacks each POST route with swapped ids; at full size (`make prove`) it sweeps every role again,
so the scoreboard's figure stands on its own.
"""
import re

from tests.authz import ALL
from tests.proofs import support as S
from tests.proofs import swaps
from tests.proofs.catalog import Catalog, ordered
from tests.proofs.report import full_size, report
from tests.proofs.world import proof_world

ROLES = sorted(ALL)


def _table_url(catalog, endpoint, rule, own):
    args = rule.args(catalog.world, own) if rule.args else {}
    query = rule.query(catalog.world, own) if rule.query else {}
    return S.url(catalog.app, endpoint, **args, **query)


def _to_login(resp):
    return resp.status_code == 302 and "/dang-nhap" in resp.headers.get("Location", "")


def _check_gets(catalog, clients, anon, tally, pages):
    """Every GET route: anonymous, each role on own and other commune's records (reduced: one permitted role)."""
    app, table = catalog.app, catalog.table
    for endpoint in S.endpoints(app, "GET"):
        rule = table.get(endpoint)
        if not tally.check(rule is not None, f"{endpoint}: no entry in tests/authz"):
            continue
        own_url = _table_url(catalog, endpoint, rule, True)
        sweep = full_size()  # reduced: the role sweep is tests/test_authz_matrix.py's
        other_url = _table_url(catalog, endpoint, rule, False) if (rule.args or rule.query) and sweep else None
        for htmx in (False, True) if sweep else ():
            resp = anon.get(own_url, htmx=htmx)
            ok = resp.status_code in (200, 422) if rule.public else _to_login(resp)
            tally.check(ok, f"anonymous GET {own_url}{' htmx' if htmx else ''}: {resp.status_code}")
        if rule.public:
            continue
        first_allowed = next((r for r in ("treasurer", "admin", "clerk", "viewer") if r in rule.roles), None)
        for n, role in enumerate(ROLES):
            for own, target in ((True, own_url), (False, other_url)):
                if target is None:
                    continue
                allowed = own and role in rule.roles
                if role != first_allowed and not sweep:
                    continue
                # Full size: every role, every request plain and through htmx; reduced: the first
                # permitted role's page, plain.
                variants = (False, True) if full_size() else ((n + own) % 2 == 1,)
                for htmx in variants if not allowed or full_size() else (False,):
                    resp = clients[role].get(target, htmx=htmx)
                    code, what = resp.status_code, f"{role} GET {target}{' htmx' if htmx else ''}"
                    if not own:
                        tally.check(code == 404, f"{what} (other commune): {code}, expected 404")
                    elif not allowed:
                        tally.check(code == 403, f"{what}: {code}, expected 403")
                    else:
                        tally.check(code in rule.ok_get, f"{what}: {code}, expected one of {rule.ok_get}")
                        if code == 200 and not htmx:
                            pages.append((endpoint, role, target, resp))
                    if resp.status_code < 400:
                        tally.check(not swaps.leaks(S.text_of(resp)), f"{what}: shows another commune's data")


def _check_posts(catalog, clients, anon, tally, controls, form_values):
    """Every POST route with a working submission: refused for nobody, other roles, other communes;
    swapped ids refused; nothing written; then the controls go through."""
    app, table, world = catalog.app, catalog.table, catalog.world
    for endpoint in ordered(S.form_posts(app)):
        rule = table.get(endpoint)
        if not tally.check(rule is not None, f"{endpoint}: no entry in tests/authz"):
            continue
        sub = catalog.submission(endpoint)
        tally.check(not (odd := swaps.unclassified(sub.form)),
                    f"{endpoint}: id-like form fields {odd} not classified in tests/proofs/swaps.py")
        cases = swaps.cases(catalog, sub)
        if "GET" in catalog.methods(endpoint):
            # The form's own page may take its values from the query string (a picked record, htmx).
            for name in sub.form.names:
                if name in swaps.FIELDS or name == "keep_id":
                    form_values.setdefault((endpoint, name), (sub.role, sub.url.split("?")[0]))
        other_url = _table_url(catalog, endpoint, rule, False) if rule.args else None
        mixed = [m for m in swaps.mixed_urls(catalog) if m[0] == endpoint]
        before = S.dump()
        if not rule.public and full_size():  # reduced: the role sweep is tests/test_authz_matrix.py's
            resp = sub.post(anon)
            tally.check(_to_login(resp), f"anonymous POST {sub.url}: {resp.status_code}")
            for role in ROLES:
                if role not in rule.roles:
                    resp = sub.post(clients[role])
                    tally.check(resp.status_code == 403, f"{role} POST {sub.url}: {resp.status_code}, expected 403")
                if other_url:
                    resp = sub.post(clients[role], url=other_url)
                    tally.check(resp.status_code == 404,
                                f"{role} POST {other_url} (other commune): {resp.status_code}, expected 404")
        client = catalog.client(sub.user)
        for what, attack, _ in cases:
            for htmx in (False, True):
                resp = sub.post(client, attack, htmx=htmx)
                seen = S.text_of(resp)
                if S.location(resp) and resp.status_code in (200, 302, 303):
                    seen += S.text_of(client.get(S.location(resp)))
                tally.check(resp.status_code < 500 and not swaps.leaks(seen),
                            f"{endpoint} {what}{' htmx' if htmx else ''}: {resp.status_code} {swaps.leaks(seen)}")
        for _, target, what in mixed:
            resp = sub.post(client, url=target)
            tally.check(resp.status_code == 404, f"{endpoint} {what}: {resp.status_code}, expected 404")
        state = S.dump()
        tally.check(not (changed := S.diff(before, state)), f"{endpoint}: a refused request wrote {changed}")
        for i, (label, overrides) in enumerate([("as sent", {})] + [(what, c) for what, _, c in cases if c]):
            again = sub if i == 0 else sub.again(world)
            resp = again.post(client, overrides)
            changed = S.diff(state, state := S.dump())
            controls.check(sub.worked(resp, changed), f"{endpoint} control {label}: {resp.status_code} {changed}")


_INT = re.compile(r"^\d+$")


def _check_query_values(catalog, clients, tally, pages, form_values):
    """Another commune's ids in every id-like query value the pages link to or filter by."""
    app, world = catalog.app, catalog.world
    targets = {}
    for endpoint, role, page_url, resp in pages:
        if not S.is_html(resp):
            continue
        html = resp.get_data(as_text=True)
        links = S.links_of(html)
        for form in S.forms_of(html):
            if form.method == "get":
                for f in form.fields:
                    if f.tag == "select" and any(_INT.match(v or "") and v != "0" for v, _ in f.options):
                        links.append(f"{form.action or page_url}?{f.name}=1")
        for link in links:
            linked, _ = S.match(app, link.split("?")[0])
            if linked is None or linked == "static":
                continue
            for name, value in S.query_params(link):
                if _INT.match(value) and name not in ("trang", "nam", "khoi", "v"):
                    targets.setdefault((linked, name), (role, link.split("?")[0]))
    for key, (role, path) in form_values.items():
        if role in clients:
            targets.setdefault(key, (role, path))
    for (endpoint, name), (role, path) in sorted(targets.items()):
        for other in swaps.query_ids(world, name, full_size()):
            target = f"{path}?{name}={other}"
            resp = clients[role].get(target)
            tally.check(resp.status_code < 500 and not swaps.leaks(S.text_of(resp)),
                        f"{role} GET {target}: {resp.status_code} {swaps.leaks(S.text_of(resp))}")
    return len(targets)


def test_nobody_reaches_what_is_not_theirs(app):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    clients = {role: catalog.client(world.users[role]) for role in ROLES}
    anon = app.test_client()
    gets, posts, queries, controls = S.Tally(), S.Tally(), S.Tally(), S.Tally()
    pages = []
    _check_gets(catalog, clients, anon, gets, pages)
    form_values = {}
    _check_posts(catalog, clients, anon, posts, controls, form_values)
    params = _check_query_values(catalog, clients, queries, pages, form_values)

    checks = gets.checks + posts.checks + queries.checks
    unexpected = gets.failed + posts.failed + queries.failed
    report(f"Authorisation matrix ({S.db_label()})",
           f"{unexpected} unexpected successes of {checks} checks (GET {gets.checks}, POST and swapped form ids "
           f"{posts.checks}, {params} id query values × other commune's ids {queries.checks}); "
           f"{controls.checks - controls.failed}/{controls.checks} controls accepted",
           not unexpected and not controls.failed, "0 unexpected successes, every control accepted")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not gets.failed, gets.summary()
    assert not posts.failed, posts.summary()
    assert not queries.failed, queries.summary()
    assert not controls.failed, controls.summary()
