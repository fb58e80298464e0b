"""The dashboard on a 360 px phone, JavaScript on and off: no sideways scrolling, thumb-sized controls,
four readable charts, the period switch working (htmx with JS, a plain link without), and print."""
import pytest

from tests.browser.conftest import login_ok, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}

_MEASURE = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  charts: [...document.querySelectorAll('svg.chart')].map(s => {
    const r = s.getBoundingClientRect();
    const t = s.querySelector('text');
    return [r.width, t ? t.getBoundingClientRect().height : 0];
  }),
  small: [...document.querySelectorAll('main button, main a.button, .period-switch a, .stats a')]
    .filter(e => e.getClientRects().length > 0 && e.getBoundingClientRect().height < 44)
    .map(e => e.textContent.trim()),
})"""


def _world(tag):
    from tests.factories_reports import report_world

    w = report_world(tag)
    return {"username": w.admin_p.username, "province": w.P.name}


def test_dashboard_on_a_phone(browse, live, js):
    world = live.run(_world, unique("d"))
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, world["username"], PASSWORD)
    page.goto(browse.base + "/")
    assert page.locator("main h1").inner_text() == world["province"]
    seen = page.evaluate(_MEASURE)
    assert seen["scrollWidth"] <= PHONE["width"], seen
    assert len(seen["charts"]) == 4
    for width, text_height in seen["charts"]:
        assert 250 <= width <= PHONE["width"], seen["charts"]
        assert text_height >= 11, f"chart text {text_height:.1f} px tall: too small to read"
    assert not seen["small"], f"controls under 44 px: {seen['small']}"

    page.click(".period-switch a:has-text('Năm 2026')")
    page.wait_for_url("**/?ky=2026")
    page.locator("svg.chart title", has_text="Tiền ủng hộ theo tháng, năm 2026").wait_for(state="attached")
    assert page.locator(".period-switch a[aria-current]").inner_text() == "Năm 2026"
    hx = [u for m, u, is_hx in browse.requests if m == "GET" and is_hx]
    assert bool(hx) == js, hx

    page.emulate_media(media="print")
    assert not page.locator(".period-switch").is_visible()
    assert page.locator("svg.chart").first.is_visible()
