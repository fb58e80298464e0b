"""Piggy banks on a 360 px phone (issue 14 C, 3): no page wider than the screen (the report's total row
made it 487 px), every list cell labelled, and opening many pigs at once (issue 14 A) as one action,
JavaScript on and off: all pigs of a school from the list, the rows, the confirmation page with the
control total, one save, and back to the same filtered list."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_ok, make_commune, settled, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SCHOOL = "Ban Khuyến học Trường Trung học cơ sở Nguyễn Văn Trỗi"
PUPILS = ["Nguyễn Thị Ánh Tuyết Hồng Nhung", "Trần Huỳnh Gia Bảo Khang", "Lê Ngọc Ẩn"]

_MEASURE = """() => ({
  width: document.documentElement.scrollWidth,
  unlabelled: [...document.querySelectorAll('table.list td')].filter(td => !td.hasAttribute('data-label')).length,
  bare: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e =>
    !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name),
})"""


def _world(tag):
    from app.extensions import db
    from app.units.models import Unit
    from tests.factories import make_unit, make_user
    from tests.factories_piggybanks import make_opening, make_pigs

    world = make_commune(tag, branches=("Chi hội Khuyến học ấp Tân Lộc Đông", "Chi hội ấp Mỹ Hòa"))
    branch = db.session.get(Unit, world["branches"]["Chi hội Khuyến học ấp Tân Lộc Đông"])
    school = make_unit(branch, SCHOOL, "school")
    pigs = make_pigs(school, PUPILS, holder_type="pupil", prefix="LV-THCS")
    households = make_pigs(branch, ["Hộ ông Nguyễn Văn Hai Mươi Mốt", "Hộ bà Trần Thị Ba"], prefix="LV-TL")
    make_opening(households[0], 1_234_567_000)  # big figures in the report's total row
    clerk = make_user(db.session.get(Unit, world["commune"]), "clerk", username=f"tk{tag}")
    return {"clerk": clerk.username, "school": school.id, "branch": branch.id, "pigs": [p.id for p in pigs],
            "opened": households[0].id, "fresh": households[1].id}


def _check(page, path, problems):
    seen = page.evaluate(_MEASURE)
    if seen["width"] > PHONE["width"]:
        problems.append(f"{path}: scrollWidth {seen['width']} > {PHONE['width']}")
    if seen["unlabelled"]:
        problems.append(f"{path}: {seen['unlabelled']} table cells without data-label")
    if seen["bare"]:
        problems.append(f"{path}: controls without a label: {seen['bare']}")


@pytest.mark.parametrize("js", [False], ids=["nojs"])
def test_piggy_bank_pages_fit_a_360px_phone(browse, live, js):
    w = live.run(_world, unique("h"))
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, w["clerk"], PASSWORD)
    paths = ["/heo-dat/", f"/heo-dat/?don_vi={w['school']}", "/heo-dat/bao-cao", f"/heo-dat/{w['opened']}",
             "/heo-dat/cap-moi", f"/heo-dat/{w['fresh']}/sua-ma", f"/heo-dat/{w['fresh']}/mo-heo",
             f"/heo-dat/{w['opened']}/sua-ma", f"/heo-dat/nhap-phieu-mo-heo?don_vi={w['branch']}"]
    problems = []
    for path in paths:
        page.goto(browse.base + path)
        assert page.locator("main h1").count(), path
        _check(page, path, problems)
    assert not problems, "\n".join(problems)
    # The report's total row shows its headings on the phone, like every other row.
    page.goto(browse.base + "/heo-dat/bao-cao")
    label = page.evaluate("getComputedStyle(document.querySelector("
                          "'tfoot td[data-label=\"Tổng đếm được\"]'), '::before').content")
    assert "Tổng đếm được" in label


def test_opening_all_pigs_of_a_school_in_one_action(browse, live):
    w = live.run(_world, unique("b"))
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, w["clerk"], PASSWORD)
    problems = []
    page.goto(f"{browse.base}/heo-dat/?don_vi={w['school']}")
    page.click("#bulk-form button:has-text('Mổ heo tất cả 3 dòng khớp bộ lọc')")
    expect(page.locator("#batch h1")).to_have_text("Nhập số tiền mổ heo: 3 heo")
    _check(page, "entry", problems)
    # Each row's boxes say what they are on a phone (the heading is hidden there).
    cell = page.locator(f"#row-{w['pigs'][0]} td[data-label='Đếm được (đồng)']")
    expect(cell).to_be_visible()
    page.fill("#witness1", "Cô Huỳnh Thị Ngọc Hân")
    page.fill("#witness2", "Thầy Võ Văn Tâm")
    for pig, amount in zip(w["pigs"], ["120.000", "80.000", "50.000"]):
        page.fill(f"input[name='p{pig}-amount']", amount)
    page.click("#batch-form button:has-text('Xem lại và xác nhận')")
    settled(page)
    expect(page.locator("#batch h1")).to_have_text("Xác nhận mổ 3 heo")
    expect(page.locator(".bulk-summary")).to_contain_text("250.000 đ")
    _check(page, "confirm", problems)
    page.fill("#control_total", "260.000")  # a slip: nothing is written, the message is beside the box
    page.click("#batch-confirm button:has-text('Ghi 3 lần mổ heo')")
    settled(page)
    expect(page.locator("#control_total-err")).to_contain_text("chênh 10.000 đ")
    assert page.evaluate("document.getElementById('control_total').getBoundingClientRect().top") < PHONE["height"]
    page.fill("#control_total", "250.000")
    page.click("#batch-confirm button:has-text('Ghi 3 lần mổ heo')")
    page.wait_for_url(re.compile(rf"/heo-dat/\?don_vi={w['school']}#bulk$"))
    expect(page.locator("#flash")).to_contain_text("Đã ghi 3 lần mổ heo, tổng đếm được 250.000 đ")
    expect(page.locator("#results")).to_contain_text("Đã mổ")
    assert not problems, "\n".join(problems)
    browse.assert_mode()
