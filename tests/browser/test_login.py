"""Login, logout and cookie replay in a real browser, with JavaScript on and off."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, logout, make_commune, path_of, settled, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


def test_login_errors_then_dashboard_then_logout_refuses_the_old_cookie(browse, live):
    world = live.run(make_commune, unique("l"))
    page = browse.page()

    login(page, browse.base, world["admin"], "sai-mat-khau-roi")
    expect(page.locator("#login-form .error-box")).to_contain_text(WRONG)
    expect(page.locator("#username")).to_have_value(world["admin"])
    expect(page.locator("#password")).to_have_value("")
    assert path_of(page) == "/dang-nhap"
    settled(page)

    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(browse.base + "/")
    expect(page.locator("main h1")).to_have_text(world["commune_name"])
    expect(page.locator("header .who")).to_contain_text(world["commune_name"])

    cookies = page.context.cookies()
    # The copied cookie opens the dashboard while the session lives: the refusal below is real.
    before = browse.context()
    before.add_cookies(cookies)
    probe = before.new_page()
    probe.goto(browse.base + "/")
    assert path_of(probe) == "/"
    expect(probe.locator("main h1")).to_have_text(world["commune_name"])

    logout(page)
    expect(page.locator("#flash")).to_contain_text("Bạn đã đăng xuất.")
    expect(page.locator("#login-form")).to_be_visible()

    replay = browse.context()
    replay.add_cookies(cookies)
    again = replay.new_page()
    again.goto(browse.base + "/")
    assert path_of(again) == "/dang-nhap"
    expect(again.locator("#login-form")).to_be_visible()
    browse.assert_mode()



@pytest.mark.parametrize("value", ["/\\127.0.0.1:5999/pwned", "/%5C127.0.0.1:5999/pwned", " //127.0.0.1:5999/x",
                                   "/／127.0.0.1:5999/x", "/doi-mat-khau"])
def test_login_next_stays_on_the_site(browse, live, value):
    # Issue 15, finding 2: Chromium followed `HX-Redirect: /\host` off-site; "/doi-mat-khau" is the control.
    from urllib.parse import urlencode

    world = live.run(make_commune, unique("n"))
    page = browse.page()
    page.goto(browse.base + "/dang-nhap?" + urlencode({"next": value}))
    page.fill("#username", world["admin"])
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expected = "/doi-mat-khau" if value == "/doi-mat-khau" else "/"
    page.wait_for_url(browse.base + expected)
    assert page.url.startswith(browse.base + "/")
    browse.assert_mode()
