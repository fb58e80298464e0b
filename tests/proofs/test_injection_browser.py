"""Proof: in Chromium, with the app's own Content-Security-Policy, no payload ever runs.

The payloads go in through the forms (tests/proofs/injection.py: every form with a text box, the
same way as the server-side proof) on a live server with CSRF on; then Chromium (JavaScript on)
opens every list page and the newest record of every detail page as the roles that may see them,
and also uses htmx on them: the donor suggestions while typing a payload, a search typed into each
list's search box, a donation saved through htmx with a payload for a name. Every dialog (alert,
confirm, prompt), uncaught script error and console error (CSP violations included) is counted:
there must be none.
"""
import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import Browse, login_ok, start_live, stop_live
from tests.conftest import AppClient
from tests.factories import PASSWORD
from tests.proofs import injection as I
from tests.proofs import support as S
from tests.proofs.catalog import Catalog, ordered
from tests.proofs.payloads import PAYLOADS
from tests.proofs.report import full_size, report
from tests.proofs.world import proof_world

pytestmark = pytest.mark.browser
ROLES = ("treasurer", "admin")


@pytest.fixture(scope="module")
def live(database, tmp_path_factory):
    server = start_live(database, tmp_path_factory)
    yield server
    stop_live(server)


def _seed(live):
    """The proof world on the live server's database, with payloads sent through every form."""
    app = live.app
    app.test_client_class = AppClient
    with app.app_context():
        world = proof_world()
        catalog = Catalog(app, world)
        stored = 0
        for i, endpoint in enumerate(ordered(S.form_posts(app))):
            if endpoint in ("auth.logout", "auth.change_password", "auth.login"):
                continue
            for r in range(2 if full_size() else 1):
                fields, carry, *_ = I.store(catalog, endpoint, r, i * 7)
                stored += len(carry)
        pages = _pages(catalog)
        names = {role: world.users[role].username for role in ROLES}
        label = S.db_label()
        from app.extensions import db

        db.session.remove()
    return names, pages, stored, label


def _pages(catalog):
    """(role, path) of every HTML page: lists, and the newest record of each detail page."""
    from sqlalchemy import select

    from app.extensions import db

    app, table, world = catalog.app, catalog.table, catalog.world
    out = []
    for endpoint in S.endpoints(app, "GET"):
        rule = table.get(endpoint)
        role = next((r for r in ROLES if rule is not None and r in rule.roles), None)
        if role is None or endpoint.endswith(("_pdf", "export", "_template", "download")):
            continue
        args = next(iter(app.url_map.iter_rules(endpoint))).arguments
        if not args:
            out.append((role, S.url(app, endpoint)))
        elif len(args) == 1 and I.model(I.model_key(next(iter(args)), endpoint)) is not None:
            arg = next(iter(args))
            m = I.model(I.model_key(arg, endpoint))
            newest = db.session.scalars(select(m.id).order_by(m.id.desc()).limit(3 if full_size() else 1)).all()
            out += [(role, S.url(app, endpoint, **{arg: i})) for i in newest]
    db.session.commit()
    return out


def test_no_payload_runs_in_chromium_under_the_apps_csp(chromium, live):
    names, pages, stored, label = _seed(live)
    browse = Browse(chromium, live, True)
    console_errors = []
    visited = 0
    try:
        # The watch works: a page without the app's CSP that runs a script is seen (then forgotten).
        canary = browse.page()
        canary.set_content("<p>thử</p><script>alert('canary')</script>")
        assert browse.dialogs == [("alert", "canary")], browse.dialogs
        browse.dialogs.clear()
        browse.unexpected_dialogs.clear()
        contexts = {}
        for role in ROLES:
            page = browse.page()
            # A page answered 404 (the newest record of a kind may be another commune's) logs "Failed
            # to load resource": that is no script; every other console error counts.
            page.on("console", lambda msg: console_errors.append(msg.text)
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
            login_ok(page, browse.base, names[role], PASSWORD)
            contexts[role] = page
        for role, path in pages:
            page = contexts[role]
            try:
                resp = page.goto(browse.base + path)
            except PlaywrightError:  # a file (PDF, spreadsheet) is downloaded, not shown
                continue
            if resp is None or resp.status >= 400 or "text/html" not in (resp.headers.get("content-type") or ""):
                continue
            visited += 1
            # htmx on the page: type a payload into its search box, as a person would.
            box = page.locator("form[method=get] input[type=search], form[method=get] input[name=q]").first
            if box.count():
                name = box.get_attribute("name")
                box.fill(PAYLOADS[visited % len(PAYLOADS)])
                with page.expect_response(lambda r: f"{name}=" in r.url, timeout=10_000):
                    box.press("Enter")
                page.wait_for_load_state()
        page = contexts["treasurer"]
        page.goto(browse.base + "/quyen-gop/nhap")
        for payload in PAYLOADS[:4] if not full_size() else PAYLOADS:
            # The suggestions come back through htmx as you type.
            with page.expect_response(lambda r: "goi-y" in r.url, timeout=10_000):
                page.fill("#donor_name", payload)
        page.fill("#amount", "100.000")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.click("#donation-form button.primary")
        page.wait_for_load_state("networkidle")
        visited += 1
    finally:
        browse.close()
    scripts = len(browse.dialogs) + len(browse.page_errors)
    report(f"Injection in Chromium with the app's CSP ({label})",
           f"{stored} payloads stored through the forms, {visited} pages opened with JavaScript on (searches and "
           f"suggestions through htmx): {len(browse.dialogs)} dialogs, {len(browse.page_errors)} script errors, "
           f"{len(browse.csp_errors)} CSP violations, {len(console_errors)} console errors",
           scripts == 0 and not browse.csp_errors and not console_errors, "0 scripts run")
    assert not browse.dialogs, browse.dialogs
    assert not browse.page_errors, browse.page_errors
    assert not browse.csp_errors, browse.csp_errors
    assert not console_errors, console_errors[:10]
