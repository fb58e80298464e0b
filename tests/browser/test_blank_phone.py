"""Blank printing (issue 18 D) on a phone at 360 px, JavaScript on and off, as the commune's admin: the
long layout form (one group a field, every box labelled, mm in the labels) takes "45,5"; a printer is
added with a decimal comma; the decision's print-on-blanks page offers it. Nothing scrolls sideways."""
import pytest

from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.phone_crawl import MEASURE
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}}


def blank_world(tag: str) -> dict:
    from app.commendations import issuing
    from app.extensions import db
    from app.units.models import Unit
    from tests.browser.conftest import make_commune
    from tests.factories_commendations import add, make_decision

    out = make_commune(tag)
    d = make_decision(db.session.get(Unit, out["commune"]), number=f"9/QĐ-{tag}")
    add(d, "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh", "Học sinh giỏi", place="Lớp 9A1, Trường THCS Tân Phú")
    issuing.issue(d)
    out["decision"] = d.id
    return out


def layout_of(unit_id: int) -> dict:
    from app.commendations.blanks import layout_for
    from app.extensions import db
    from app.units.models import Unit

    return layout_for(db.session.get(Unit, unit_id)).fields


def printers_of(unit_id: int) -> list:
    from app.commendations.blanks import printers
    from app.extensions import db
    from app.units.models import Unit

    return [(p.name, p.offset_x_mm, p.offset_y_mm) for p in printers(db.session.get(Unit, unit_id))]


def measured(page) -> None:
    seen = page.evaluate(MEASURE)
    assert seen["scrollWidth"] <= seen["clientWidth"], (path_of(page), seen["widest"])
    assert not seen["unlabelled"], seen["unlabelled"]


def submit(page, js: bool, selector: str) -> None:
    page.click(selector)
    page.wait_for_url(lambda url: "phoi-giay-khen" in url or "in-phoi" in url)
    page.wait_for_load_state()
    if js:
        settled(page)


def test_layout_and_printer_on_a_phone(browse, live):
    tag = unique("ph")
    w = live.run(blank_world, tag)
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["admin"], PASSWORD)

    page.goto(f"{browse.base}/khen-thuong/phoi-giay-khen")
    measured(page)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    measured(page)  # every group opened: still nothing sideways
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = false; })")
    page.click("#o-name summary")
    assert "Lề trái x (mm)" in page.inner_text("#o-name")
    page.fill("#name_x", "45,5")
    submit(page, browse.js, "#blank-layout-form button[type=submit]")
    page.wait_for_selector("text=Đã lưu vị trí in")
    measured(page)
    assert live.run(layout_of, w["commune"])["name"]["x"] == 45.5

    page.fill("#may-in-form #name", "Máy in Canon văn phòng")
    page.fill("#offset_x", "-3,5")
    page.fill("#offset_y", "1,5")
    submit(page, browse.js, "#may-in-form button[type=submit]")
    page.wait_for_selector("text=Đã lưu máy in")
    measured(page)
    assert live.run(printers_of, w["commune"]) == [("Máy in Canon văn phòng", -3.5, 1.5)]

    page.goto(f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}/in-phoi")
    measured(page)
    assert "Máy in Canon văn phòng" in page.inner_text("#printer_id")
