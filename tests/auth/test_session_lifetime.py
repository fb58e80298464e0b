"""Signed-in sessions end (issue 15, findings 7 and 9): a new CSRF secret at login and logout, an idle
timeout, an absolute lifetime, and cookie flags."""
import pytest

from app.auth import sessions
from app.config import build_config
from tests.conftest import login

HOUR, DAY = 3600, 86400
EXPIRED = "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."


# ---- CSRF secret ----------------------------------------------------------------------------------

def test_a_csrf_token_from_before_login_is_refused_after_it(client, world):
    assert client.get("/dang-nhap").status_code == 200
    before = client.csrf_token()
    login(client, world.users["clerk"])
    stale = client.post("/dang-xuat", csrf=False, headers={"X-CSRFToken": before})
    assert stale.status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the stale token did nothing
    assert client.post("/dang-xuat").status_code in (302, 303)  # a token from this session works


def test_a_csrf_token_from_the_signed_in_session_is_refused_after_logout(client, world):
    login(client, world.users["clerk"])
    signed_in = client.csrf_token()
    client.post("/dang-xuat")
    stale = client.post("/dang-nhap", csrf=False, headers={"X-CSRFToken": signed_in},
                        data={"username": "clerk_a", "password": "x"})
    assert stale.status_code == 400


# ---- idle timeout and absolute lifetime ------------------------------------------------------------

def _expired_on_next_request(client):
    resp = client.get("/")
    if resp.status_code != 302 or "/dang-nhap" not in resp.headers["Location"]:
        return False
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert EXPIRED in page and "Vui lòng đăng nhập để tiếp tục." not in page
    return True


def test_a_session_idle_longer_than_the_setting_ends_with_a_vietnamese_note(app, client, world, clock):
    assert app.config["SESSION_IDLE_HOURS"] == 8
    login(client, world.users["clerk"])
    clock.advance(7 * HOUR + 55 * 60)
    assert client.get("/").status_code == 200  # used just in time: the idle clock starts again
    clock.advance(7 * HOUR + 55 * 60)
    assert client.get("/").status_code == 200
    clock.advance(8 * HOUR + 60)
    assert _expired_on_next_request(client)
    assert client.get("/").status_code == 302  # the session is gone, not just refused once


def test_the_idle_timeout_is_a_setting(app, client, world, clock):
    app.config["SESSION_IDLE_HOURS"] = 1
    login(client, world.users["clerk"])
    clock.advance(HOUR + 60)
    assert _expired_on_next_request(client)


def test_a_session_in_daily_use_still_ends_after_its_absolute_lifetime(app, client, world, clock):
    assert app.config["SESSION_MAX_DAYS"] == 7
    login(client, world.users["clerk"])
    for _ in range(27):  # every 6 hours for 6¾ days
        clock.advance(6 * HOUR)
        assert client.get("/").status_code == 200
    clock.advance(6 * HOUR + 60)  # 7 days and a minute after the login
    assert _expired_on_next_request(client)
    login(client, world.users["clerk"])  # a new login starts a new lifetime
    assert client.get("/").status_code == 200


def test_a_signed_in_cookie_without_a_login_time_counts_as_expired(client, world):
    login(client, world.users["clerk"])
    with client.session_transaction() as sess:  # a cookie signed before sessions carried their times
        sess.pop("login_at")
    assert _expired_on_next_request(client)


def test_last_seen_is_rewritten_only_every_few_minutes(app, client, world, clock):
    login(client, world.users["clerk"])
    client.get("/")
    clock.advance(60)
    assert "session=" not in client.get("/").headers.get("Set-Cookie", "")
    clock.advance(app.config["SESSION_TOUCH_SECONDS"])
    assert "session=" in client.get("/").headers.get("Set-Cookie", "")


# ---- cookies ----------------------------------------------------------------------------------------

def test_the_signed_cookie_lives_no_longer_than_the_absolute_lifetime(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_MAX_DAYS", "3")
    cfg = build_config(str(tmp_path))
    assert cfg["PERMANENT_SESSION_LIFETIME"].days == 3  # Flask's default: 31 days
    assert cfg["REMEMBER_COOKIE_DURATION"].days == 3


@pytest.mark.parametrize("https", ["0", "1"])
def test_session_cookie_is_httponly_lax_and_secure_behind_https(tmp_path, monkeypatch, https):
    monkeypatch.setenv("HTTPS", https)
    cfg = build_config(str(tmp_path))
    assert cfg["SESSION_COOKIE_HTTPONLY"] and cfg["REMEMBER_COOKIE_HTTPONLY"]
    assert cfg["SESSION_COOKIE_SAMESITE"] == cfg["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert cfg["SESSION_COOKIE_SECURE"] is cfg["REMEMBER_COOKIE_SECURE"] is (https == "1")
    assert cfg["HSTS"] is (https == "1")


def test_login_sets_the_cookie_with_its_flags(app, client, world):
    app.config["SESSION_COOKIE_SECURE"] = True
    resp = login(client, world.users["clerk"])
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "remember_token" not in " ".join(resp.headers.getlist("Set-Cookie"))
