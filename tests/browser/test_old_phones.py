"""htmx in a real browser: no CSP error on load or on swaps, the rebuilt ES2015 htmx works, and a
browser too old for it gets the plain pages (issue 14, items F and 10).

The `browse` fixture fails a test at teardown on any console error naming the Content Security
Policy; the control below shows it does see the error htmx causes when its indicator styles are on.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, login_ok, make_commune, path_of, settled, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


def htmx_config(page) -> dict:
    return page.evaluate("() => window.htmx ? {loaded: true, indicators: htmx.config.includeIndicatorStyles,"
                         " styles: document.querySelectorAll('style').length} : {loaded: false}")


@pytest.mark.parametrize("js", [True], ids=["js"])
def test_htmx_swaps_give_no_csp_error_and_errors_show_in_the_box(browse, live):
    world = live.run(make_commune, unique("op"))
    page = browse.page()
    # The served htmx is the ES2015 rebuild (scripts/vendor-static.sh), and it runs.
    source = page.request.get(browse.base + "/static/vendor/htmx.min.js").text()
    assert "rebuilt as ES2015" in source and "?." not in source

    # A page without login: the login form answers 422 and htmx swaps it in place.
    login(page, browse.base, world["admin"], "sai-mat-khau")
    expect(page.locator("#login-form .error-box")).to_contain_text(WRONG)
    settled(page)
    assert htmx_config(page) == {"loaded": True, "indicators": False, "styles": 0}

    # Logged in: a search swaps the results, a page link swaps again.
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(browse.base + "/")
    page.goto(browse.base + "/don-vi/")
    page.fill("#q", "Mỹ Hòa")
    expect(page.locator("#results")).not_to_contain_text("Tân Lộc")
    expect(page.locator("#results")).to_contain_text("Mỹ Hòa")
    settled(page)
    assert re.search(r"q=", page.url)  # hx-push-url: the swap really happened through htmx
    assert htmx_config(page) == {"loaded": True, "indicators": False, "styles": 0}

    # An error answer is not swapped: app.js (ES5, no replaceChildren) puts its message in the box,
    # and a second error replaces the first instead of piling up.
    for _ in range(2):
        page.evaluate("() => htmx.ajax('GET', '/khong-co-trang-nay', {target: '#results'})")
        expect(page.locator("#htmx-error p.flash.error")).to_have_count(1)
    expect(page.locator("#htmx-error")).to_contain_text("Không tìm thấy")
    expect(page.locator("#results")).to_contain_text("Mỹ Hòa")
    browse.assert_mode()


# Built-ins that came after Chrome 54 (Cốc Cốc's engine); Chromium here has them all, so they are
# taken away before any script runs. Syntax newer than ES2015 is es-check's part (tests/core/test_compat.py).
AFTER_CHROME_54 = """
for (const [owner, names] of [
    [Array.prototype, ['flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'toSorted']],
    [Object, ['fromEntries', 'hasOwn', 'groupBy']],
    [String.prototype, ['padStart', 'padEnd', 'trimStart', 'trimEnd', 'matchAll', 'replaceAll', 'at']],
    [Promise.prototype, ['finally']], [Promise, ['allSettled', 'any']],
    [Element.prototype, ['toggleAttribute', 'replaceChildren', 'checkVisibility']],
    [Document.prototype, ['replaceChildren']], [DocumentFragment.prototype, ['replaceChildren']],
    [HTMLFormElement.prototype, ['requestSubmit']],
    [window, ['queueMicrotask', 'structuredClone', 'AbortController', 'SubmitEvent']]]) {
  for (const name of names) { delete owner[name]; }
}
"""


@pytest.mark.parametrize("js", [True], ids=["js"])
def test_htmx_works_with_only_the_built_ins_of_chrome_54(browse, live):
    world = live.run(make_commune, unique("c54"))
    page = browse.context().new_page()
    page.add_init_script(AFTER_CHROME_54)
    login(page, browse.base, world["admin"], "sai-mat-khau")
    expect(page.locator("#login-form .error-box")).to_contain_text(WRONG)
    settled(page)
    assert page.evaluate("() => [typeof structuredClone, typeof window.htmx]") == ["undefined", "object"]
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(browse.base + "/")
    page.goto(browse.base + "/don-vi/")
    page.fill("#q", "Mỹ Hòa")
    expect(page.locator("#results")).not_to_contain_text("Tân Lộc")
    settled(page)
    page.evaluate("() => htmx.ajax('GET', '/khong-co-trang-nay', {target: '#results'})")
    expect(page.locator("#htmx-error")).to_contain_text("Không tìm thấy")
    assert [u for m, u, hx in browse.requests if hx and m == "POST"], "the login form did not go through htmx"
    assert [u for m, u, hx in browse.requests if hx and "/don-vi/?q=" in u], "the search did not go through htmx"


@pytest.mark.parametrize("js", [True], ids=["js"])
def test_control_the_watch_sees_htmx_indicator_styles_when_they_are_on(browse, live):
    page = browse.page()

    def indicators_on(route):
        resp = route.fetch()
        body = resp.text().replace('"includeIndicatorStyles":false', '"includeIndicatorStyles":true')
        route.fulfill(response=resp, body=body)

    page.route(re.compile(r".*/dang-nhap$"), indicators_on)
    page.goto(browse.base + "/dang-nhap")
    page.wait_for_function("() => window.htmx && htmx.config.includeIndicatorStyles === true")
    page.wait_for_timeout(200)
    seen, browse.csp_errors[:] = list(browse.csp_errors), []  # seen here; not a failure of this test
    assert any("style" in e for e in seen), seen


@pytest.mark.parametrize("js", [True], ids=["js"])
def test_a_browser_without_get_root_node_gets_the_plain_pages(browse, live):
    # Before Chrome 54 htmx would fail half-way (it calls getRootNode unguarded); the rebuild's guard
    # leaves htmx off there, and every page works as with JavaScript off.
    world = live.run(make_commune, unique("old"))
    page = browse.context().new_page()
    page.add_init_script("delete Node.prototype.getRootNode")
    login(page, browse.base, world["admin"], "sai-mat-khau")
    expect(page.locator("#login-form .error-box")).to_contain_text(WRONG)
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    login_ok(page, browse.base, world["admin"], PASSWORD)
    assert path_of(page) == "/"
    assert not [u for _m, u, hx in browse.requests if hx], "htmx ran on a browser it cannot run on"
