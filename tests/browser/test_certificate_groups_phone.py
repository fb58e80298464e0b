"""Certificates per class (issue 18 E) on a phone at 360 px, JavaScript on and off: the decision's page
leads to "In giấy khen theo lớp, trường"; there "Tất cả" and its button come first (in the first screen),
every group is a card with its count and its own "In"; nothing scrolls sideways; a group's "In" lands on
the print job's progress page."""
import pytest

from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.phone_crawl import MEASURE
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}}
LONG_PLACE = "Lớp 9A1, Trường Trung học cơ sở Nguyễn Thị Minh Khai, xã Tân Phú"


def groups_world(tag: str) -> dict:
    from app.extensions import db
    from app.units.models import Unit
    from tests.browser.conftest import make_commune
    from tests.factories_commendations import add, make_decision

    out = make_commune(tag)
    d = make_decision(db.session.get(Unit, out["commune"]), number=f"15/QĐ-{tag}", group_by="place")
    for i, place in enumerate([LONG_PLACE, LONG_PLACE, "Lớp 5A", "", "Ấp Tân Lộc"]):
        add(d, f"Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh {i}", "Học sinh giỏi", place=place, commit=False)
    db.session.commit()
    out["decision"] = d.id
    return out


def test_certificate_groups_on_a_phone(browse, live):
    w = live.run(groups_world, unique("cg"))
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["admin"], PASSWORD)
    page.goto(f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}")
    page.click("text=In giấy khen theo lớp, trường")
    page.wait_for_url(lambda url: url.endswith("/in-giay-khen/theo-nhom"))
    if browse.js:
        settled(page)
    seen = page.evaluate(MEASURE)
    assert seen["scrollWidth"] <= seen["clientWidth"], (path_of(page), seen["widest"])
    assert not seen["unlabelled"], seen["unlabelled"]
    text = page.inner_text("#certificate-groups")
    assert "Tất cả (5 giấy khen)" in text and f"{LONG_PLACE} (2 giấy khen)" in text and "(Chưa ghi) (1 giấy khen)" in text
    whole = page.locator("#certificate-groups button.primary").bounding_box()
    assert whole["y"] + whole["height"] <= PHONE["viewport"]["height"]  # the main action in the first screen
    buttons = page.locator("#certificate-groups button")
    assert buttons.count() == 5
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] >= 30
    page.click(f"button[aria-label='In giấy khen: {LONG_PLACE}']")
    page.wait_for_url(lambda url: "/in-an/" in url)
    assert "/in-an/" in path_of(page)
