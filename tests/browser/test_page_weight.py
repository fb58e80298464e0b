"""Page weight on the first visit: small enough for slow mobile data, and nothing from other hosts.

The same measuring code prints the figures in scripts/measure_pages.py.
"""
from urllib.parse import urlsplit

import pytest

from tests.browser.pageweight import login_state, measure

pytestmark = pytest.mark.browser

HTML_MAX = 30 * 1024
FIRST_LOAD_GZIP_MAX = 60 * 1024


@pytest.fixture(scope="module")
def demo(live):
    """The demo association; its province admin sees the longest unit list."""
    from app.demo.services import seed

    logins = live.run(seed)
    username, password = next((u, p) for u, p, role, _unit in logins if role == "admin")
    return {"username": username, "password": password}


def test_login_page_and_unit_list_are_light_and_local(chromium, live, demo):
    state = login_state(chromium, live.url, demo["username"], demo["password"])
    weights = [measure(chromium, live.url, "/dang-nhap", label="Đăng nhập"),
               measure(chromium, live.url, "/don-vi/", storage_state=state, label="Đơn vị")]
    for w, path in zip(weights, ("/dang-nhap", "/don-vi/")):
        assert 0 < w.html_bytes < HTML_MAX, w
        assert w.first_load_gzip < FIRST_LOAD_GZIP_MAX, w
        assert not w.foreign, w
        # The document and everything it pulls in are counted, so the limit means something.
        counted = {urlsplit(url).path for url, _raw, _gz in w.files}
        assert counted >= {path, "/static/css/app.css", "/static/vendor/htmx.min.js", "/static/js/app.js"}, w


def test_css_and_js_come_from_the_cache_on_the_next_page(chromium, live):
    """Asset URLs carry a content hash, so a phone should fetch them once, not on every page."""
    context = chromium.new_context(java_script_enabled=True)
    try:
        page = context.new_page()
        static = []
        page.on("response", lambda r: static.append(r) if "/static/" in r.url else None)
        page.goto(live.url + "/dang-nhap")
        assert len(static) == 3
        policies = {r.url: r.header_value("cache-control") or "" for r in static}
        page.goto(live.url + "/dang-nhap")
        revalidated = [r.url for r in static[3:] if r.status == 304]
        assert all("max-age=31536000" in p for p in policies.values()), policies
        assert not revalidated, revalidated
    finally:
        context.close()
