"""The member register on a 360 px phone, JavaScript on and off: no page wider than the screen, every
list cell labelled, every control with a label, "Thêm hội viên" in the first screen; typing in the
search box narrows the list (htmx with JavaScript, the Lọc button without)."""
import pytest
from playwright.sync_api import expect

from tests.browser import conftest as browser
from tests.browser.conftest import login_ok, make_commune, settled, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
# The browser directory's fixtures (a live server per module, Chromium contexts, JavaScript on and off).
live, browse, js = browser.live, browser.browse, browser.js

PHONE = {"width": 360, "height": 740}
NAMES = ["Tôn Nữ Thị Minh Khuê Hoàng Anh", "Nguyễn Văn Ân", "Lê Văn Ẩn", "Trần Thị Đào"]

_MEASURE = """() => ({
  width: document.documentElement.scrollWidth,
  unlabelled: [...document.querySelectorAll('table.list td')].filter(td => !td.hasAttribute('data-label')).length,
  bare: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e =>
    !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name),
})"""


def _world(tag):
    from datetime import date

    from app.extensions import db
    from app.units.models import Unit
    from tests.factories import make_user
    from tests.factories_members import end_member, make_member

    world = make_commune(tag, branches=("Chi hội Khuyến học ấp Tân Lộc Đông Thượng",))
    branch = db.session.get(Unit, world["branches"]["Chi hội Khuyến học ấp Tân Lộc Đông Thượng"])
    members = [make_member(branch, n, village="Thôn Tân Lộc Đông Thượng Hai", address="Số 123, đường Nguyễn Văn Trỗi",
                           phone="0912 345 678", occupation="retired_official") for n in NAMES]
    end_member(members[3], ended_on=date(2025, 1, 1), reason="Chuyển về sống với con ở thành phố Hồ Chí Minh")
    clerk = make_user(db.session.get(Unit, world["commune"]), "clerk", username=f"hv{tag}")
    return {"clerk": clerk.username, "member": members[0].id, "ended": members[3].id, "branch": branch.id}


def _check(page, path, problems):
    seen = page.evaluate(_MEASURE)
    if seen["width"] > PHONE["width"]:
        problems.append(f"{path}: scrollWidth {seen['width']} > {PHONE['width']}")
    if seen["unlabelled"]:
        problems.append(f"{path}: {seen['unlabelled']} table cells without data-label")
    if seen["bare"]:
        problems.append(f"{path}: controls without a label: {seen['bare']}")


def test_register_pages_fit_a_360px_phone(browse, live, js):
    w = live.run(_world, unique("p"))
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, w["clerk"], PASSWORD)
    problems = []
    for path in ["/hoi-vien/", "/hoi-vien/?trang_thai=tat-ca&nam=2024", f"/hoi-vien/?don_vi={w['branch']}",
                 "/hoi-vien/them", f"/hoi-vien/{w['member']}", f"/hoi-vien/{w['member']}/sua",
                 f"/hoi-vien/{w['member']}/ra-khoi-hoi", f"/hoi-vien/{w['ended']}/sinh-hoat-lai"]:
        page.goto(browse.base + path)
        assert page.locator("main h1").count(), path
        _check(page, path, problems)
    assert not problems, "\n".join(problems)
    page.goto(browse.base + "/hoi-vien/")
    add = page.get_by_role("link", name="+ Thêm hội viên")
    box = add.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"]  # the main action in the first screen


def test_search_narrows_the_list_with_and_without_javascript(browse, live, js):
    w = live.run(_world, unique("s"))
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, w["clerk"], PASSWORD)
    page.goto(browse.base + "/hoi-vien/")
    assert page.locator("#results").get_by_text("Lê Văn Ẩn").count() == 1
    page.get_by_label("Tìm theo tên, số thẻ, số điện thoại").fill("van a")
    if not js:
        page.get_by_role("button", name="Lọc").click()
    results = page.locator("#results")
    expect(results.get_by_text("Tôn Nữ Thị Minh Khuê Hoàng Anh")).to_have_count(0)  # htmx: waits for the swap
    settled(page)
    assert results.get_by_text("Nguyễn Văn Ân").count() == 1 and results.get_by_text("Lê Văn Ẩn").count() == 1
    assert "q=van+a" in page.url or "q=van%20a" in page.url  # the address follows the search
