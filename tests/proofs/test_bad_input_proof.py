"""Proof: bad input gets a clear Vietnamese message, writes nothing and never a 500.

Each state-changing route's working submission (see catalog.py; its control is sent last and must
be accepted) is spoiled one field at a time with values of the wrong kind for that field: money
that is negative, 20 digits long or in words; 31 February in both date spellings; numbers in
words or 20 digits long; choices that were never offered; ids in words, negative or 20 digits;
text one character longer than allowed, 256 KB of text (1 MB at full size); empty required fields; a forged
double-submit key. Every route also gets a 10 MB body. Every upload gets a text file named .xlsx,
a zip that is not a spreadsheet, a zip bomb, a 100,000-row spreadsheet, an empty file and a PDF.
NUL bytes and control characters may be accepted but must never break a request. GET pages get
the same treatment in every query value their links and filter forms use.

Each refused answer must be 400/413/422 (or a redirect to a page with the message) showing a
Vietnamese message and no English or raw error text; the database is dumped before and after.
Full size (PROVE_FULL=1) tries every value on every field; the reduced size one value per field
in turn, so every value is still tried somewhere.
"""
import re

from tests.proofs import badinput as B
from tests.proofs import support as S
from tests.proofs.catalog import Catalog, ordered
from tests.proofs.report import full_size, report
from tests.proofs.world import proof_world

_INT = re.compile(r"^\d+$")
BAD_QUERY = ["mot", B.TWENTY, "-1", "2026-02-31", "%00", "<b>"]
HUGE = b"ghi_chu=" + b"A" * B.HUGE_BODY


def _refused(catalog, sub, client, cases, tally, messages, files=None):
    """Send each spoiled submission; each must be refused clearly. Returns nothing; fills the tallies."""
    before = S.dump()
    for what, overrides in cases:
        resp = sub.post(client, overrides, files=files(what) if files else None)
        problem = B.message_problem(client, resp)
        tally.check(resp.status_code < 500, f"{sub.endpoint} {what}: {resp.status_code}")
        messages.check(not problem, f"{sub.endpoint} {what}: {problem}")
    after = S.dump()
    changed = S.diff(before, after)
    tally.check(not changed, f"{sub.endpoint}: a refused submission wrote {changed}")
    if changed:  # say which one
        for what, overrides in cases:
            before = S.dump()
            sub.post(client, overrides, files=files(what) if files else None)
            now = S.diff(before, S.dump())
            tally.check(not now, f"{sub.endpoint} {what}: wrote {now}")
        after = S.dump()
    return after


def test_bad_input_is_refused_in_vietnamese_with_nothing_written(app):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    every = full_size()
    refused, messages, tolerated, controls = S.Tally(), S.Tally(), S.Tally(), S.Tally()
    upload_files = B.file_cases()
    sent = 0
    for endpoint in ordered(S.form_posts(app)):
        sub = catalog.submission(endpoint)
        client = catalog.client(sub.user)
        cases = B.field_cases(sub, every) + B.big_text_cases(sub, every)
        if any(f.required for f in sub.form.fields if f.name in sub.data):
            cases.append(("every field empty", {k: "" for k in sub.data if k != "idem_key"}))
        state = _refused(catalog, sub, client, cases, refused, messages)
        # A 10 MB body: refused by the size limit before the view runs.
        resp = client.post(sub.url, data=HUGE, content_type="application/x-www-form-urlencoded")
        refused.check(resp.status_code == 413, f"{endpoint} 10 MB body: {resp.status_code}")
        messages.check(not B.message_problem(client, resp), f"{endpoint} 10 MB body: no Vietnamese message")
        sent += len(cases) + 1
        if sub.files:
            name = next(iter(sub.files))
            by_label = dict(upload_files)
            file_cases = [(label, {}) for label, _ in upload_files]
            state = _refused(catalog, sub, client, file_cases, refused, messages,
                             files=lambda what: {name: by_label[what]})
            sent += len(file_cases)
        # Tolerated: may be stored (cleaned), never a 500, never a NUL or control character stored.
        resp = sub.again(world).post(client)
        changed = S.diff(state, S.dump())
        controls.check(sub.worked(resp, changed), f"{endpoint}: control {resp.status_code} {changed}")
        # Tolerated values may be stored (cleaned): each on a fresh record, so they use up nothing.
        for what, overrides in B.tolerated_cases(sub, every):
            fresh = catalog.submission(endpoint)
            resp = fresh.post(catalog.client(fresh.user), overrides)
            tolerated.check(resp.status_code < 500, f"{endpoint} {what}: {resp.status_code}")
            sent += 1
    stored_controls = _stored_control_characters()
    tolerated.check(not stored_controls, f"control characters stored: {stored_controls[:5]}")
    gets = _bad_query_values(catalog, refused)

    report(f"Bad input ({S.db_label()})",
           f"{sent} bad form submissions and {gets} bad query values: {refused.failed} answered 500, were "
           f"accepted or wrote; {messages.failed} without a clear Vietnamese message; {tolerated.failed} NUL/"
           f"control-character problems; {controls.checks - controls.failed}/{controls.checks} controls accepted",
           not (refused.failed or messages.failed or tolerated.failed or controls.failed),
           "0 × 500, 0 written, every refusal in Vietnamese")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not refused.failed, refused.summary()
    assert not messages.failed, messages.summary()
    assert not tolerated.failed, tolerated.summary()
    assert not controls.failed, controls.summary()


def _stored_control_characters() -> list[str]:
    """Text columns holding a NUL or another control character (line breaks and tabs excepted)."""
    bad = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    found = []
    for table, rows in S.dump().items():
        for row in rows:
            for value in row:
                if isinstance(value, str) and bad.search(value):
                    found.append(f"{table}: {value[:40]!r}")
    return found


def _bad_query_values(catalog, tally) -> int:
    """Every GET route's id-like and date-like query values (from its links and filter forms) spoiled."""
    app, world = catalog.app, catalog.world
    user = world.users["treasurer"]
    client = catalog.client(user)
    names = {}
    for endpoint in S.endpoints(app, "GET"):
        rule = catalog.table.get(endpoint)
        if rule is None or rule.public or "treasurer" not in rule.roles:
            continue
        args = rule.args(world, True) if rule.args else {}
        target = S.url(app, endpoint, **args)
        resp = client.get(target)
        if resp.status_code != 200 or not S.is_html(resp):
            continue
        html = resp.get_data(as_text=True)
        for form in S.forms_of(html):
            if form.method == "get":
                for f in form.fields:
                    names.setdefault((form.action or target).split("?")[0], set()).add(f.name)
        for link in S.links_of(html):
            for name, value in S.query_params(link):
                if name != "v":
                    names.setdefault(link.split("?")[0], set()).add(name)
    count = 0
    for path, params in sorted(names.items()):
        linked, _ = S.match(app, path)
        if linked is None or linked == "static":
            continue
        if not full_size() and path.endswith((".pdf", ".xlsx", ".csv")):
            continue  # the same filters as their pages, which are checked; rendering each takes time
        for name in sorted(params):
            for value in BAD_QUERY if full_size() else BAD_QUERY[:2]:
                resp = client.get(f"{path}?{name}={value}")
                count += 1
                tally.check(resp.status_code < 500, f"GET {path}?{name}={value}: {resp.status_code}")
    return count
