"""Every PDF is shown inline, never as an attachment: Zalo's in-app browser swallows downloads.

The walk requests every GET route of the URL map once, as a role the authorisation table
(tests/authz) allows, with the ids of a record of the user's own commune; every PDF that comes
back must say `inline` with a file name. Spreadsheets and backups stay attachments.
"""
import inspect
import re
from pathlib import Path

from flask import url_for

from tests.authz import merged_table
from tests.conftest import login

APP = Path(__file__).resolve().parents[2] / "app"
ROLE_ORDER = ("admin", "treasurer", "clerk", "viewer")
INLINE = re.compile(r"""^inline; filename="[^"\\\r\n]+\.pdf"; filename\*=UTF-8''\S+\.pdf$""")


def pdf_endpoints(app) -> set[str]:
    """Endpoints whose view answers with pdf_response (the only way the app makes a PDF response),
    itself or through print_or_offer (app.printing.offer: short documents answered inline)."""
    return {name for name, view in app.view_functions.items()
            if any(call in inspect.getsource(inspect.unwrap(view)) for call in ("pdf_response(", "print_or_offer("))}


def test_every_pdf_route_answers_inline_with_a_file_name(app, world):
    table = merged_table()
    wanted = pdf_endpoints(app)
    assert len(wanted) >= 12, sorted(wanted)  # decisions, lists, certificates, vouchers, reports, ...
    clients, seen, wrong = {}, {}, []
    for rule in app.url_map.iter_rules():
        entry = table.get(rule.endpoint)
        if "GET" not in rule.methods or entry is None or rule.endpoint in seen:
            continue
        role = next((r for r in ROLE_ORDER if r in entry.roles), None)
        if role is None and not entry.public:
            continue
        if role not in clients:
            clients[role] = app.test_client()
            if role:
                login(clients[role], world.users[role])
        args = entry.args(world, True) if entry.args else {}
        query = entry.query(world, True) if entry.query else {}
        with app.test_request_context():
            url = url_for(rule.endpoint, **args, **query)
        resp = clients[role].get(url)
        seen[rule.endpoint] = resp.status_code
        if resp.mimetype == "application/pdf":
            seen[rule.endpoint] = "pdf"
            if not INLINE.match(resp.headers.get("Content-Disposition", "")):
                wrong.append(f"{url}: {resp.headers.get('Content-Disposition')}")
        else:
            assert not resp.headers.get("Content-Disposition", "").startswith("inline"), url
    assert not wrong, wrong
    served = {e for e, status in seen.items() if status == "pdf"}
    # The walk reaches every PDF route for real (decisions, lists, certificates, receipts, vouchers,
    # reports, the print job's file, the honour rolls): a walk that found none would prove nothing.
    assert wanted <= served, {e: seen.get(e) for e in wanted - served}
    assert len(served) >= 15, sorted(served)
