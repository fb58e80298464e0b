"""The live feed: signed notifications become waiting bank lines, once; the key page shows the secret once."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.banking import webhook
from app.banking.identity import file_identities
from app.banking.models import WAITING, WEBHOOK, BankLine
from app.banking.statements.base import ParsedLine
from app.extensions import db
from tests.factories_banking import make_account

SECRET = "a" * 64


def _account(world, **kw):
    account = make_account(world.commune, commit=False, **kw)
    account.webhook_secret = SECRET
    db.session.commit()
    return account


def _payload(account, **over):
    data = {"id": 92704, "gateway": "Vietcombank", "transactionDate": "2024-07-25 14:02:37",
            "accountNumber": account.account_number, "code": None,
            "content": "MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien KH24D123X",
            "transferType": "in", "transferAmount": 500000, "accumulated": 19077000,
            "referenceCode": "FT24207000123", "description": "BankAPINotify MBVCB.4530998360 NGUYEN VAN AN"}
    data.update(over)
    return json.dumps(data).encode()


def _post(client, account, body, secret=SECRET, headers=None):
    sent = {"Content-Type": "application/json"}
    if secret is not None:
        sent[webhook.SIGNATURE_HEADER] = webhook.signature(secret, body)
    sent.update(headers or {})
    return client.post(f"/api/ngan-hang/{account.id}/bao-co", data=body, headers=sent, csrf=False)


def _lines(account):
    return db.session.scalars(select(BankLine).where(BankLine.bank_account_id == account.id)).all()


def test_a_signed_notification_queues_one_waiting_line(world, client):
    account = _account(world)
    resp = _post(client, account, _payload(account))
    assert resp.status_code == 200 and resp.get_json() == {"success": True}
    [line] = _lines(account)
    assert (line.status, line.source, line.amount, line.direction, line.txn_date) == \
        (WAITING, WEBHOOK, 500_000, "in", date(2024, 7, 25))
    assert line.identity == "ref:FT24207000123" and line.reference == "FT24207000123"
    assert line.balance == 19_077_000 and line.donation_id is None and line.entry_id is None
    assert line.description.startswith("MBVCB.4530998360") and line.payer_name
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "bank_line"))
    assert audit.action == "create" and audit.user_id is None and audit.object_id == line.id


def test_the_same_id_twice_makes_one_line_and_both_answers_succeed(world, client):
    account = _account(world)
    body = _payload(account, referenceCode=None)
    assert _post(client, account, body).get_json() == {"success": True}
    assert _post(client, account, body).get_json() == {"success": True}
    [line] = _lines(account)
    assert line.identity == "hook:92704"


def test_a_code_in_the_note_is_kept_on_the_line(world, client):
    from app.banking.codes import drive_code
    from tests.factories_donations import make_campaign

    account = _account(world)
    code = drive_code(make_campaign(world.commune))
    assert _post(client, account, _payload(account, content=f"NGUYEN VAN AN ung ho {code.lower()}")).status_code == 200
    assert _lines(account)[0].code == code


def test_bad_or_missing_signature_is_401_and_writes_nothing(world, client):
    account = _account(world)
    body = _payload(account)
    assert _post(client, account, body, secret="b" * 64).status_code == 401
    assert _post(client, account, body, secret=None).status_code == 401
    assert _post(client, account, body, secret=None, headers={"Authorization": f"Apikey {SECRET}"}).status_code == 401
    tampered = _post(client, account, _payload(account, transferAmount=9_000_000),
                     headers={webhook.SIGNATURE_HEADER: webhook.signature(SECRET, body)})
    assert tampered.status_code == 401 and tampered.get_json()["success"] is False
    assert _lines(account) == []
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_type == "bank_line")) == 0


def test_an_account_without_a_key_or_set_aside_refuses(world, client):
    account = _account(world)
    account.active = False
    db.session.commit()
    assert _post(client, account, _payload(account)).status_code == 401
    account.active, account.webhook_secret = True, None
    db.session.commit()
    assert _post(client, account, _payload(account)).status_code == 401
    assert _lines(account) == []


def test_another_accounts_number_and_bad_bodies_are_400(world, client):
    account = _account(world)
    assert _post(client, account, _payload(account, accountNumber="999999999")).status_code == 400
    for bad in (b"not json", b"[1, 2]", _payload(account, transferAmount=-5), _payload(account, transferAmount="x"),
                _payload(account, transferType="sideways"), _payload(account, transactionDate="25/07/2024"),
                _payload(account, id=None)):
        resp = _post(client, account, bad)
        assert resp.status_code == 400 and resp.get_json()["error"], bad
    assert _lines(account) == []


def test_an_oversized_body_is_413_unread(world, client):
    account = _account(world)
    body = _payload(account, description="x" * (webhook.MAX_BODY + 10))
    resp = _post(client, account, body)
    assert resp.status_code == 413 and resp.get_json() == {"success": False, "error": "body too large"}
    assert _lines(account) == []


def _statement_line():
    return ParsedLine(row=5, txn_date=date(2024, 7, 25), amount=500_000, direction="in",
                      description="MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien KH24D123X",
                      reference="FT24207000123", balance=19_077_000)


def test_a_notification_and_the_statement_line_share_an_identity(world, client):
    account = _account(world)
    assert _post(client, account, _payload(account)).status_code == 200
    assert file_identities([_statement_line()]) == [_lines(account)[0].identity]


def test_the_same_transaction_in_a_statement_later_adds_no_line(world, client):
    services = pytest.importorskip("app.banking.services")
    from app.banking.statements.base import ParsedStatement

    account = _account(world)
    assert _post(client, account, _payload(account)).status_code == 200
    services.save_statement(account, ParsedStatement(layout="generic", account_number=account.account_number,
                                                     lines=[_statement_line()]), filename="sk.csv", digest="d1")
    db.session.commit()
    [line] = _lines(account)
    assert line.source == WEBHOOK


def _key_page(client, account, **data):
    return client.post(f"/ngan-hang/{account.id}/khoa-bao-co", data=data)


def test_the_secret_is_shown_once_works_and_is_not_in_the_audit(world, as_user, client):
    account = make_account(world.commune)
    treasurer = as_user(world.users["treasurer"])
    page = treasurer.get(f"/ngan-hang/{account.id}/khoa-bao-co")
    assert page.status_code == 200 and "đang tắt" in page.get_data(as_text=True)
    assert f"/api/ngan-hang/{account.id}/bao-co" in page.get_data(as_text=True)
    made = _key_page(treasurer, account, make="1")
    db.session.refresh(account)
    secret = account.webhook_secret
    assert made.status_code == 200 and len(secret) == 64 and secret in made.get_data(as_text=True)
    again = treasurer.get(f"/ngan-hang/{account.id}/khoa-bao-co").get_data(as_text=True)
    assert secret not in again and "đang bật" in again
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "webhook_key")).all()
    assert audits and all(secret not in json.dumps([a.before, a.after]) for a in audits)
    assert _post(client, account, _payload(account), secret=secret).status_code == 200
    # Turned off: the old key no longer works.
    off = _key_page(treasurer, account, turn_off="1")
    db.session.refresh(account)
    assert off.status_code == 200 and account.webhook_secret is None and "Đã tắt" in off.get_data(as_text=True)
    assert _post(client, account, _payload(account, id=1, referenceCode="FT2"), secret=secret).status_code == 401


def test_key_page_as_htmx_is_a_fragment(world, as_user):
    account = make_account(world.commune)
    treasurer = as_user(world.users["treasurer"])
    frag = treasurer.get(f"/ngan-hang/{account.id}/khoa-bao-co", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="webhook-key"' in frag
    made = treasurer.post(f"/ngan-hang/{account.id}/khoa-bao-co", data={"make": "1"}, htmx=True).get_data(as_text=True)
    db.session.refresh(account)
    assert "<html" not in made and account.webhook_secret in made


def test_viewer_cannot_make_a_key_and_other_commune_gets_404(world, as_user, app):
    account = make_account(world.commune)
    viewer = as_user(world.users["viewer"])
    assert viewer.get(f"/ngan-hang/{account.id}/khoa-bao-co").status_code == 403
    assert _key_page(viewer, account, make="1").status_code == 403
    other = app.test_client()
    from tests.conftest import login

    login(other, world.other_user)
    assert other.post(f"/ngan-hang/{account.id}/khoa-bao-co", data={"make": "1"}).status_code == 404
    db.session.refresh(account)
    assert account.webhook_secret is None


def test_the_feed_is_rate_limited(world, app, client):
    from app.extensions import limiter

    app.config.update(RATELIMIT_ENABLED=True, BANK_HOOK_RATE_LIMIT="3 per minute")
    limiter.init_app(app)
    account = _account(world)
    codes = [_post(client, account, _payload(account, id=i, referenceCode=f"R{i}")).status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    assert client.post(f"/api/ngan-hang/{account.id}/bao-co", data=b"{}", csrf=False).get_json()["success"] is False
