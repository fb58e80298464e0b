"""Proof: text people type is shown as text everywhere; SQL metacharacters in search boxes change nothing.

Our own 64 payloads (tests/proofs/payloads.py: tags, attributes, javascript:/data: URLs, SVG, broken
markup, template syntax, spreadsheet formulas, Vietnamese in NFC and NFD) go into every text box of
every form the app serves (read from the pages themselves, see catalog.py), each box cut to its
maxlength as a browser would. A refused submission's 422 page shows them back (checked); the boxes
it marks wrong are then given valid values and the rest is sent again until it is stored. Then
every GET route is visited for the records the payloads went into (plain and htmx; list pages;
every .xlsx and CSV export; every PDF) and every template the app rendered, pages and the HTML each
PDF is made from, is checked: no element, attribute or event handler a payload brought, no
javascript:/data: URL, no payload shown unescaped; no spreadsheet cell that would run as a formula;
no Content-Disposition a file name could break.

Full size (PROVE_FULL=1): 64 submissions per form, so every payload goes into every box; the 20
newest records of each detail page are visited (each submission's own page is visited as it is
answered). Reduced size: min(8, ceil(64 / its text boxes)) submissions per form: a form with 8
boxes or more still gets every payload, smaller ones 8 payloads per box, from a different place in
the list for each form; the 3 newest records of each detail page, one file of each export or PDF.
"""
import math
import re

import flask.templating

from tests.proofs import injection as I
from tests.proofs import support as S
from tests.proofs.catalog import Catalog, ordered
from tests.proofs.payloads import PAYLOADS, SQL_META
from tests.proofs.report import full_size, report
from tests.proofs.world import proof_world

ROLES = ("treasurer", "admin", "clerk", "viewer")
NO_TEXT = {"auth.logout"}
REPEATABLE = {"campaigns.create", "campaigns.edit", "commendations.create", "commendations.edit", "commendations.add",
              "commendations.edit_honoree", "commendations.paste", "commendations.criteria_create",
              "commendations.criteria_edit", "commendations.assessment_create", "commendations.settings",
              "donations.entry", "donations.batch_entry", "donations.donor_edit", "funds.create", "funds.payment",
              "funds.transfer", "piggybanks.issue", "pupils.create", "pupils.edit", "pupils.add_result",
              "pupils.add_achievement", "pupils.add_sponsorship", "pupils.school_create", "pupils.school_edit",
              "scholarships.round_create", "scholarships.round_edit", "scholarships.category_create",
              "scholarships.category_edit", "units.create", "units.edit", "users.create", "users.detail"}
REDUCED_ROUNDS = 8


def _spy_templates(monkeypatch, checker):
    real = flask.templating._render

    def render(app, template, context):
        out = real(app, template, context)
        checker.template(template.name or "?", out)
        return out

    monkeypatch.setattr(flask.templating, "_render", render)


def _submit(catalog, checker, endpoint, offset):
    """All rounds of one form; returns (text boxes, stored (box, payload) pairs, 422 reflections)."""
    fields, carry, reflected, resp, client, sub = I.store(catalog, endpoint, 0, offset, checker)
    if not fields:
        return [], set(), 0
    rounds = len(PAYLOADS) if full_size() else min(REDUCED_ROUNDS, math.ceil(len(PAYLOADS) / len(fields)))
    stored = set()
    for r in range(rounds):
        if r:
            # A route that creates or edits takes the same form again (new unique values); one that
            # uses its record up (a void, a payout) gets a fresh record and page.
            again = sub.again(catalog.world) if endpoint in REPEATABLE else None
            _, carry, more, resp, client, _ = I.store(catalog, endpoint, r, offset, checker, htmx=r % 2 == 1,
                                                     sub=again)
            reflected += more
        stored.update(carry.items())
        target = S.location(resp) if carry else None
        if target:
            for hx in (False, True):
                checker.response(client.get(target, htmx=hx), f"{endpoint} → {target}{' htmx' if hx else ''}")
    return fields, stored, reflected


def _visit_everything(catalog, checker, marks):
    """Every GET route for the newest records the payloads went into, as a role allowed to see it."""
    app, world, table = catalog.app, catalog.world, catalog.table
    per_route = 20 if full_size() else 3
    binaries = 8 if full_size() else 1
    visited = 0
    for endpoint in S.endpoints(app, "GET"):
        rule = table.get(endpoint)
        if rule is None:
            continue
        role = next((r for r in ROLES if r in rule.roles), None)
        user = world.users[role] if role else None
        client = catalog.client(user)
        args = next(iter(app.url_map.iter_rules(endpoint))).arguments
        if not args:
            urls = [S.url(app, endpoint)] + [S.url(app, endpoint, trang=p) for p in range(2, 20 if full_size() else 4)]
        elif len(args) == 1 and I.model(I.model_key(next(iter(args)), endpoint)) is not None:
            arg = next(iter(args))
            key = I.model_key(arg, endpoint)
            m = I.model(key)
            from sqlalchemy import select

            from app.extensions import db

            ids = db.session.scalars(select(m.id).where(m.id > marks.get(key, 0)).order_by(m.id.desc())).all()
            db.session.commit()
            urls = [S.url(app, endpoint, **{arg: i}) for i in ids]
        else:
            own_args = rule.args(world, True) if rule.args else {}
            urls = [S.url(app, endpoint, **own_args)]
        seen_binary = 0
        for n, target in enumerate(urls):
            if n >= per_route:
                break
            resp = client.get(target)
            if resp.status_code != 200:
                continue
            visited += 1
            checker.response(resp, f"GET {target}")
            if S.is_html(resp):
                checker.response(client.get(target, htmx=True), f"GET {target} htmx")
                visited += 1
            else:
                if "spreadsheet" in (resp.mimetype or ""):
                    sep = "&" if "?" in target else "?"
                    checker.response(client.get(f"{target}{sep}format=csv"), f"GET {target} csv")
                    visited += 1
                seen_binary += 1
                if seen_binary >= binaries:
                    break
    return visited


def _search_boxes(catalog):
    """(role, page URL, query parameter name) of every text box of every GET form (search and filters)."""
    app, table, world = catalog.app, catalog.table, catalog.world
    boxes = []
    for endpoint in S.endpoints(app, "GET"):
        rule = table.get(endpoint)
        if rule is None or rule.public or rule.args:
            continue
        role = next((r for r in ROLES if r in rule.roles), None)
        if role is None:
            continue
        page = S.url(app, endpoint, **(rule.query(world, True) if rule.query else {}))
        resp = catalog.client(world.users[role]).get(page)
        if resp.status_code != 200 or not S.is_html(resp):
            continue
        for form in S.forms_of(resp.get_data(as_text=True)):
            if form.method == "get":
                for f in form.fields:
                    if f.is_text:
                        boxes.append((role, (form.action or page).split("?")[0], f.name))
    return sorted(set(boxes))


def test_payloads_are_shown_as_text_on_every_page_export_and_pdf(app, monkeypatch):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    checker = I.Checker()
    _spy_templates(monkeypatch, checker)
    from sqlalchemy import func, select

    from app.extensions import db

    marks = {arg: db.session.scalar(select(func.coalesce(func.max(I.model(arg).id), 0)))
             for arg in I.MODELS if I.model(arg) is not None}
    db.session.commit()

    forms = fields = reflected = 0
    stored = set()
    for endpoint in ordered(S.form_posts(app)):
        if endpoint in NO_TEXT:
            continue
        done_fields, done_stored, done_reflected = _submit(catalog, checker, endpoint, forms * 7)
        if done_fields:
            forms += 1
            fields += len(done_fields)
            stored |= {(endpoint, name, value) for name, value in done_stored}
            reflected += done_reflected
    # Query strings are input too: every search and filter box gets every payload.
    boxes = _search_boxes(catalog)
    for i, (role, page, name) in enumerate(boxes):
        client = catalog.client(world.users[role])
        for j, payload in enumerate(PAYLOADS if full_size() else PAYLOADS[i % 8::8]):
            checker.remember({name: payload}, {})
            checker.response(client.get(page, query_string={name: payload}, htmx=j % 2 == 1), f"GET {page}?{name}")
    visited = _visit_everything(catalog, checker, marks)

    failures = checker.html.failed + checker.templates.failed + checker.sheets.failed + checker.headers.failed
    label = S.db_label()
    report(f"Injection and escaping ({label})",
           f"{len(PAYLOADS)} payloads × {fields} text boxes of {forms} forms: {len(stored)} stored, {reflected} shown "
           f"back on 422 pages, {len(boxes)} search boxes; {checker.html.checks} pages and fragments, "
           f"{checker.templates.checks} rendered templates (pages and PDF sources, {checker.pdfs} PDFs), "
           f"{checker.sheets.checks} spreadsheets/CSV checked ({visited} GETs of the records): "
           f"{failures} unescaped reflections",
           not failures and not errors, "0 unescaped reflections")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not checker.html.failed, checker.html.summary()
    assert not checker.templates.failed, checker.templates.summary()
    assert not checker.sheets.failed, checker.sheets.summary()
    assert not checker.headers.failed, checker.headers.summary()


def _rows(html: str) -> int:
    return len(re.findall(r"<tr[\s>]", html))


def test_sql_metacharacters_in_search_boxes_change_nothing(app):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    boxes = _search_boxes(catalog)
    tally = S.Tally()
    before = S.dump()
    for role, page, name in boxes:
        client = catalog.client(world.users[role])
        # A word nobody has: the page as it looks with nothing found.
        empty = _rows(client.get(page, query_string={name: "khongaicotenay"}).get_data(as_text=True))
        for meta in SQL_META:
            resp = client.get(page, query_string={name: meta})
            rows = _rows(resp.get_data(as_text=True))
            tally.check(resp.status_code == 200 and rows == empty,
                        f"GET {page}?{name}={meta!r}: {resp.status_code}, {rows} table rows (nothing found: {empty})")
    changed = S.diff(before, S.dump())
    report(f"SQL metacharacters in search boxes ({S.db_label()})",
           f"{len(SQL_META)} metacharacter strings × {len(boxes)} search boxes: {tally.failed} answered other than "
           f"an empty result, {len(changed)} tables changed", not tally.failed and not changed and not errors,
           "0 errors, nothing found, nothing changed")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not changed, changed
    assert not tally.failed, tally.summary()
