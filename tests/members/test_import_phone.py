"""The member import and the donor link on a phone at 360 px, JavaScript on and off: a chi hội's list is
uploaded into the chi hội, previewed and confirmed; on a member's page the donor suggested is linked
with one button. No page scrolls sideways and every control has its label."""
import io

import pytest
from openpyxl import Workbook

from tests.browser import conftest as browser
from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.phone_crawl import MEASURE
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
# The browser tests' fixtures (their conftest serves tests/browser only).
browse, js, live = browser.browse, browser.js, browser.live
PHONE = {"viewport": {"width": 360, "height": 740}}


def import_world(tag: str) -> dict:
    from app.extensions import db
    from app.units.models import Unit
    from tests.browser.conftest import make_commune
    from tests.factories import make_user
    from tests.factories_donations import make_donor

    out = make_commune(tag)
    commune = db.session.get(Unit, out["commune"])
    out["clerk"] = make_user(commune, "clerk", username=f"nl{tag}", full_name="Lê Thị Nhập").username
    make_donor(commune, f"Nguyễn Văn Ấn {tag}", phone="0912345678", commit=False)
    return out


def member_of(name: str) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.members.models import Member

    return db.session.scalar(select(Member.id).where(Member.search_key == name))


def sheet(tag: str) -> bytes:
    from app.members.importing import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(["", f"Nguyễn Văn Ấn {tag}", 1950, "Nam", "Số 5", "Ấp Tân Lộc", "0912345678", "Cựu chiến binh",
               "02/09/2015", ""])
    ws.append(["", f"Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh {tag}", 1962, "Nữ", "", "Ấp Tân Lộc", "",
               "nha giao nghi huu", "15/03/2019", "Chi hội trưởng nhiều năm"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def fits(page) -> None:
    seen = page.evaluate(MEASURE)
    assert seen["scrollWidth"] <= seen["clientWidth"], (path_of(page), seen["widest"])
    assert not seen["unlabelled"], (path_of(page), seen["unlabelled"])


def test_a_list_is_imported_and_a_member_linked_to_their_donor_on_a_phone(browse, live):
    tag = unique("hv")
    w = live.run(import_world, tag)
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["clerk"], PASSWORD)
    page.goto(f"{browse.base}/hoi-vien/nhap")
    fits(page)
    page.select_option("#unit_id", str(w["branches"]["Chi hội ấp Tân Lộc"]))
    page.set_input_files("#file", files=[{"name": "ds.xlsx", "buffer": sheet(tag),
                                          "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.click("#import-form button[type=submit]")
    if browse.js:
        settled(page)
    page.wait_for_selector("#import-confirm")
    fits(page)
    assert "2 hội viên mới" in page.inner_text("#import")
    page.click("#import-confirm button[type=submit]")
    page.wait_for_url(lambda url: "don_vi=" in url)
    fits(page)
    member_id = live.run(member_of, f"nguyen van an {tag}".lower())
    assert member_id
    page.goto(f"{browse.base}/hoi-vien/{member_id}/lien-ket/nha-hao-tam?q=nguyen van an")
    fits(page)
    assert page.locator("#link-results button[type=submit]").count() == 1
    page.goto(f"{browse.base}/hoi-vien/{member_id}")
    fits(page)
    page.click("#donor-suggestions button[type=submit]")
    if browse.js:
        settled(page)
    page.wait_for_selector("#linked-donor")
    fits(page)
    assert f"Nguyễn Văn Ấn {tag}" in page.inner_text("#linked-donor")
    browse.assert_mode()
