"""Member cards (issue 19 C) on a phone at 360 px, JavaScript on and off: the print button is in the first
screen, nothing scrolls sideways (the preview scrolls inside its own box), every control has its label,
a changed year shows in the preview (htmx swap, or the page reloaded by "Xem trước") and goes to the
print form, and ticking one member on the page previews that member's card alone."""
import pytest

from tests.browser import conftest as browser
from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.phone_crawl import MEASURE
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
# The browser tests' fixtures (their conftest serves tests/browser only).
browse, js, live = browser.browse, browser.js, browser.live
PHONE = {"viewport": {"width": 360, "height": 740}}


def cards_world(tag: str) -> dict:
    from app.extensions import db
    from app.units.models import Unit
    from tests.browser.conftest import make_commune
    from tests.factories_members import make_member

    out = make_commune(tag)
    branch = db.session.get(Unit, out["branches"]["Chi hội ấp Tân Lộc"])
    for name in ("Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ", "Nguyễn Văn An", "Trần Thị Bích"):
        make_member(branch, name, commit=False)
    db.session.commit()
    return out


def test_member_cards_on_a_phone(browse, live):
    w = live.run(cards_world, unique("mc"))
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["admin"], PASSWORD)
    page.goto(f"{browse.base}/hoi-vien/the/")
    seen = page.evaluate(MEASURE)
    assert seen["scrollWidth"] <= seen["clientWidth"], (path_of(page), seen["widest"])
    assert not seen["unlabelled"], seen["unlabelled"]
    button = page.locator("form.mc-print button.primary")
    assert button.inner_text().startswith("In 3 thẻ")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"] and box["x"] + box["width"] <= 360
    assert page.locator(".mcard").count() == 3
    page.fill("#nam", "2027")
    page.click("#mc-choice button[type=submit]")
    if browse.js:
        settled(page)
    page.wait_for_function("() => document.querySelectorAll('.mc-year b')[0].textContent === '2027'")
    assert page.evaluate(MEASURE)["scrollWidth"] <= 360
    # The print button posts the form (its PDF opens in the browser's viewer, which the guard would count as
    # another host's requests: the answer itself is tests/members/test_cards.py's).
    form = page.locator("form.mc-print")
    assert form.get_attribute("method") == "post" and form.get_attribute("action") == "/hoi-vien/the/in"
    assert page.locator("form.mc-print input[name=nam]").get_attribute("value") == "2027"
    # Only some: the tick boxes of the unit's members (folded away), then the preview of those alone.
    page.click("details.mc-pick summary")
    page.locator("details.mc-pick input[name=id]").first.check()
    page.click("details.mc-pick button[type=submit]")
    if browse.js:
        settled(page)
    page.wait_for_function("() => document.querySelectorAll('.mcard').length === 1")
    assert page.locator("form.mc-print button.primary").inner_text().startswith("In 1 thẻ")
    assert page.evaluate(MEASURE)["scrollWidth"] <= 360
