"""Account management in a real browser: a password reset ends sessions, a locked user stays out."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, login_ok, make_commune, path_of, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


def _world(tag):
    from app.extensions import db
    from app.units.models import Unit
    from tests.factories import make_user

    world = make_commune(tag)
    user = make_user(db.session.get(Unit, world["commune"]), "clerk", username=f"nv{tag}",
                     full_name="Lê Thị Ánh Tuyết")
    world["user"], world["user_id"] = user.username, user.id
    return world


def test_reset_password_ends_sessions_and_a_locked_user_cannot_log_in(browse, live):
    world = live.run(_world, unique("m"))
    new_password = "Mat-khau-moi-2026"
    user = browse.page()
    login_ok(user, browse.base, world["user"], PASSWORD)
    assert path_of(user) == "/"

    admin = browse.page()
    login_ok(admin, browse.base, world["admin"], PASSWORD)
    detail = f"{browse.base}/nguoi-dung/{world['user_id']}"
    admin.goto(detail)
    admin.click(".actions a:has-text('Đặt lại mật khẩu')")
    admin.fill("#password", new_password)
    admin.fill("#confirm", new_password)
    admin.click("#reset-form button[type=submit]")
    admin.wait_for_url(detail)
    expect(admin.locator("#flash")).to_contain_text(f"Đã đặt lại mật khẩu cho “{world['user']}”")

    user.goto(browse.base + "/")
    assert path_of(user) == "/dang-nhap", "the session from before the reset still works"

    # The new password is the one that works now (and it is a one-time password).
    second = browse.page()
    login_ok(second, browse.base, world["user"], new_password)
    second.wait_for_url("**/doi-mat-khau")

    admin.goto(detail)
    if browse.js:
        browse.expect_confirm("Khóa tài khoản")
        admin.click(".actions a:has-text('Khóa tài khoản')")
    else:
        admin.click(".actions a:has-text('Khóa tài khoản')")
        admin.wait_for_url("**/trang-thai")
        expect(admin.locator("main h1")).to_contain_text(f"Khóa tài khoản “{world['user']}”?")
        admin.click("main form button:has-text('Khóa tài khoản')")
    expect(admin.locator("#flash")).to_contain_text("Đã khóa tài khoản.")
    expect(admin.locator(".facts")).to_contain_text("Đã khóa")
    if browse.js:
        assert browse.confirmed(f"Khóa tài khoản “{world['user']}”?")

    second.goto(browse.base + "/doi-mat-khau")
    assert path_of(second) == "/dang-nhap", "a locked user's open session still works"

    third = browse.page()
    login(third, browse.base, world["user"], new_password)
    expect(third.locator("#login-form .error-box")).to_contain_text(WRONG)
    assert path_of(third) == "/dang-nhap"
    browse.assert_mode()
