"""The login rate limit as a browser meets it: the 6th try in a minute gets the Vietnamese 429 page."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, make_commune, settled, start_live, stop_live, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TOO_MANY = "Bạn đã thử quá nhiều lần"


@pytest.fixture(scope="module")
def live(database, tmp_path_factory):
    """This module's own server with the limiter on (5 per minute per address and per username)."""
    server = start_live(database, tmp_path_factory, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="5 per minute")
    yield server
    stop_live(server)


@pytest.fixture(autouse=True)
def fresh_limits(live):
    # Both params log in from 127.0.0.1: each starts with empty counters, as a new minute would.
    from app.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


def test_sixth_login_attempt_in_a_minute_gets_the_vietnamese_429_page(browse, live):
    world = live.run(make_commune, unique("r"))
    page = browse.page()
    for attempt in range(5):
        login(page, browse.base, world["admin"], f"sai-lan-thu-{attempt}")
        expect(page.locator("#login-form .error-box")).to_contain_text("không đúng")
        settled(page)

    # The 6th try is refused even with the right password: the limiter answers before the check.
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.request.method == "POST" else None)
    login(page, browse.base, world["admin"], PASSWORD)
    if browse.js:
        # htmx does not swap a 429; app.js shows the server's message in the error box.
        expect(page.locator("#htmx-error")).to_contain_text(TOO_MANY)
        expect(page.locator("#login-form")).to_be_visible()
    else:
        expect(page.locator(".error-page")).to_contain_text(TOO_MANY)
        expect(page.locator("main h1")).to_have_text("Thử quá nhiều lần")
    assert statuses == [429]
    assert "/dang-nhap" in page.url
    browse.assert_mode()
