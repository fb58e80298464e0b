"""The certificate template (issue 18 C) on a phone at 360 px, JavaScript on and off, as the commune's
admin: changing the design and the paper shows them in the preview without saving (htmx: in place
after the change; no JavaScript: "Xem thử" opens the preview page with the values kept), the sample
per wording kind, then "Lưu" saves. Nothing scrolls sideways; the sheet scrolls inside its own box."""
import pytest

from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.phone_crawl import MEASURE
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}}


def world(tag: str) -> dict:
    from tests.browser.conftest import make_commune

    return make_commune(tag)


def saved(unit_id: int) -> tuple:
    from app.commendations.certificates import setting_for
    from app.extensions import db
    from app.units.models import Unit

    s = setting_for(db.session.get(Unit, unit_id))
    return s.id is not None, s.border, s.paper


def measured(page) -> None:
    seen = page.evaluate(MEASURE)
    assert seen["scrollWidth"] <= seen["clientWidth"], (path_of(page), seen["widest"])
    assert not seen["unlabelled"], seen["unlabelled"]


def test_template_previewed_live_then_saved_on_a_phone(browse, live):
    tag = unique("cs")
    w = live.run(world, tag)
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["admin"], PASSWORD)
    page.goto(f"{browse.base}/khen-thuong/mau-giay-khen")
    measured(page)
    assert page.locator("#live-preview .border-classic").count() == 1

    page.select_option("#border", "lotus")
    page.select_option("#paper", "a5")
    page.select_option("#mau", "scholarship")
    if browse.js:
        page.wait_for_selector("#live-preview .paper-a5 .border-lotus", state="attached")
        page.wait_for_selector("#live-preview :text('Học bổng vượt khó')", state="attached")
        settled(page)
        assert "/mau-giay-khen" in page.url and "xem-thu" not in page.url  # in place
        page.locator("#signer_name").press_sequentially("Lê Văn Ký")  # typing: refreshed once it stops
        page.wait_for_selector("#live-preview .signer-name:text('Lê Văn Ký')", state="attached")
        settled(page)
    else:
        page.click("button:has-text('Xem thử')")
        page.wait_for_url(lambda url: "xem-thu" in url)
        assert "csrf_token" not in page.url and "?" not in page.url  # posted: no token in the address
        assert page.locator("#live-preview .border-lotus.cert").count() == 1
        assert page.locator("#live-preview .paper-a5").count() == 1
        assert page.locator("#border").input_value() == "lotus"  # the values kept in the form
    assert "Đã được nhận Học bổng vượt khó" in page.inner_text("#live-preview")
    assert "chưa lưu" in page.inner_text("#live-preview")
    measured(page)
    assert live.run(saved, w["commune"]) == (False, "classic", "a4")  # the preview wrote nothing

    page.click("#settings-form button.primary")
    page.wait_for_selector("text=Đã lưu mẫu giấy khen")
    if browse.js:
        settled(page)
    measured(page)
    assert live.run(saved, w["commune"]) == (True, "lotus", "a5")
