"""Headers, CSRF on every POST route, sessions that end, login rate limit."""
import pytest
from flask import url_for

from tests.authz import merged_table
from tests.conftest import login
from tests.factories import PASSWORD
from tests.proofs.support import CSRF_EXEMPT, csrf_exempt_endpoints


def _post_rules(app, *, exempt=False):
    """The POST routes, without (or only) those declared exempt from CSRF in tests.proofs.support:
    the bank's live feed, called by a payment gateway and signed with the account's HMAC key instead."""
    return sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods
                   and (r.endpoint in CSRF_EXEMPT) == exempt), key=lambda r: r.endpoint)


def test_only_the_declared_routes_skip_csrf(app):
    assert csrf_exempt_endpoints(app) == set(CSRF_EXEMPT)


def test_the_csrf_exempt_routes_refuse_an_unsigned_post_and_write_nothing(app, world):
    from sqlalchemy import func, select

    from app.banking.models import BankLine
    from app.extensions import db
    from tests.factories_banking import make_account

    account = make_account(world.commune)
    account.webhook_secret = "k" * 64
    db.session.commit()
    client = app.test_client()
    rules = _post_rules(app, exempt=True)
    assert [r.endpoint for r in rules] == ["bank_hook.notify"]
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, account_id=account.id)
        body = b'{"id": 1, "accountNumber": "0071000123456", "transferType": "in", "transferAmount": 100000}'
        for headers in ({}, {"X-Signature": "sha256=" + "0" * 64}):
            resp = client.post(url, data=body, headers=headers, content_type="application/json")
            assert resp.status_code == CSRF_EXEMPT[rule.endpoint][1], (rule.endpoint, headers, resp.status_code)
    assert db.session.scalar(select(func.count()).select_from(BankLine)) == 0


def _sample_url(app, rule, world):
    table = merged_table()
    entry = table[rule.endpoint]
    args = entry.args(world, True) if entry.args else {}
    query = entry.query(world, True) if entry.query else {}
    with app.test_request_context():
        return url_for(rule.endpoint, **args, **query)


def test_every_post_route_without_csrf_token_is_refused_with_400_and_writes_nothing(app, world):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.units.models import Unit
    from app.users.models import User

    client = app.test_client()
    login(client, world.users["admin"])
    rules = _post_rules(app)
    assert len(rules) >= 8
    # The sample records first: some routes name a record made for them (a merge's draft and its units).
    urls = []
    for rule in rules:
        urls.append((rule, _sample_url(app, rule, world)))
        db.session.commit()  # each record made and its lock let go before the next is made
    before = (db.session.scalar(select(func.count()).select_from(Unit)),
              db.session.scalar(select(func.count()).select_from(User)))
    for rule, url in urls:
        resp = client.post(url, data={"name": "Chi hội mới", "username": "ke_gian", "kind": "village",
                                      "parent_id": world.commune.id}, csrf=False)
        assert resp.status_code == 400, (rule.endpoint, resp.status_code)
        assert "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
        forged = client.post(url, data={"csrf_token": "gia-mao"}, csrf=False)
        assert forged.status_code == 400, rule.endpoint
    db.session.expire_all()
    after = (db.session.scalar(select(func.count()).select_from(Unit)),
             db.session.scalar(select(func.count()).select_from(User)))
    assert before == after


@pytest.mark.parametrize("path", ["/dang-nhap", "/", "/don-vi/", "/nguoi-dung/", "/nhat-ky/", "/khong-co"])
def test_security_headers_on_html_responses(as_user, world, path):
    client = as_user(world.users["admin"])
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["Cache-Control"] == "no-store"


def test_static_files_are_cacheable_and_not_no_store(client):
    resp = client.get("/static/css/app.css")
    assert resp.status_code == 200
    assert "no-store" not in resp.headers.get("Cache-Control", "")


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    resp = login(client, world.users["clerk"])
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _cookie(client):
    return client.get_cookie("session").value


def _replay(app, cookie_value):
    other = app.test_client()
    other.set_cookie("session", cookie_value)
    return other.get("/")


def test_copied_cookie_is_refused_after_logout(app, client, world):
    login(client, world.users["clerk"])
    stolen = _cookie(client)
    assert _replay(app, stolen).status_code == 200
    client.post("/dang-xuat")
    resp = _replay(app, stolen)
    assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_copied_cookie_is_refused_after_password_change(app, client, world):
    login(client, world.users["clerk"])
    stolen = _cookie(client)
    resp = client.post("/doi-mat-khau", data={"current": PASSWORD, "password": "Mua-thu-Ha-Noi-2026",
                                              "confirm": "Mua-thu-Ha-Noi-2026"})
    assert resp.status_code == 303
    assert client.get("/").status_code == 200  # the session that changed it stays signed in
    assert _replay(app, stolen).status_code == 302


def test_copied_cookie_is_refused_after_deactivation(app, world):
    victim = app.test_client()
    login(victim, world.users["clerk"])
    stolen = _cookie(victim)
    admin = app.test_client()
    login(admin, world.users["admin"])
    assert admin.post(f"/nguoi-dung/{world.users['clerk'].id}/trang-thai").status_code == 303
    assert _replay(app, stolen).status_code == 302


def test_sixth_login_attempt_in_a_minute_gets_429_in_vietnamese(app, world):
    app.config["RATELIMIT_ENABLED"] = True
    from app.extensions import limiter

    limiter.init_app(app)  # re-read the flag; fresh in-memory counters
    client = app.test_client()
    codes = [client.post("/dang-nhap", data={"username": "clerk_a", "password": "sai-mat-khau"}).status_code
             for _ in range(6)]
    assert codes[:5] == [422] * 5
    assert codes[5] == 429
    last = client.post("/dang-nhap", data={"username": "clerk_a", "password": PASSWORD})
    assert last.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in last.get_data(as_text=True)


def test_failures_from_other_addresses_never_add_up_against_a_username(app, world):
    # Per address and per address + username only (app/auth/throttle.py, issue 15 finding 4): a
    # per-username limit would let anyone lock a named user out. tests/auth/test_login_throttle.py.
    app.config["RATELIMIT_ENABLED"] = True
    from app.extensions import limiter

    limiter.init_app(app)
    codes = []
    for i in range(6):
        client = app.test_client()
        resp = client.post("/dang-nhap", data={"username": "clerk_a", "password": "sai"},
                           environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
        codes.append(resp.status_code)
    assert codes == [422] * 6


def test_login_next_parameter_never_redirects_off_site(client, world):
    resp = client.post("/dang-nhap?next=//evil.example/x", data={"username": "clerk_a", "password": PASSWORD})
    assert resp.headers["Location"] in ("/", "http://localhost/")


def test_failed_login_is_audited_without_the_password(client, world):
    from sqlalchemy import select

    from app.audit.models import AuditEntry
    from app.extensions import db

    client.post("/dang-nhap", data={"username": "clerk_a", "password": "mat-khau-bi-mat"})
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
    assert len(entries) == 1 and entries[0].username == "clerk_a"
    assert "mat-khau-bi-mat" not in repr((entries[0].before, entries[0].after))


def test_production_config_hashes_with_scrypt(app):
    from app.users.models import User

    app.config["PASSWORD_HASH_METHOD"] = None
    user = User(username="x")
    user.set_password("Mot-mat-khau-dai")
    assert user.password_hash.startswith("scrypt:")


def test_hsts_only_when_the_site_is_served_over_https(app, client, monkeypatch):
    # Off by default (an intranet box often serves plain HTTP; HSTS there would lock browsers out).
    assert "Strict-Transport-Security" not in client.get("/dang-nhap").headers
    monkeypatch.setitem(app.config, "HSTS", True)
    assert client.get("/dang-nhap").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_https_setting_turns_on_hsts_and_secure_cookies(monkeypatch, tmp_path):
    from app.config import build_config

    monkeypatch.setenv("HTTPS", "1")
    on = build_config(str(tmp_path))
    assert on["HSTS"] and on["SESSION_COOKIE_SECURE"] and on["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("HTTPS", "0")
    assert not build_config(str(tmp_path))["HSTS"]
