"""Issue 5's commendation flow in a real browser, with JavaScript on and off: an admin opens a draft
decision, previews a certificate, issues the decision, asks for all certificates, watches the
progress page until the print worker has finished, and downloads the certificates and the list.

Then the list's other ways in: an .xlsx list uploaded, previewed row by row and confirmed, and a
pupil picked from the register for a line added by hand (search, "Chọn", the form prefilled).

The live server of this module runs its print queue for real (HUEY_IMMEDIATE off, a queue file of
its own), so the progress page is seen queued; the test then does the worker's part itself
(work_one) and the page must notice the finished job on its own (meta refresh / htmx polling).
"""
import re

import pytest
from playwright.sync_api import expect

from app.vn.names import name_sort_key, split_name
from tests.browser.commendation_data import (HONOREES, commendation_world, job_status, pdf_fonts, pdf_info,
                                             pdf_pages, pdf_text, register_numbers, save, work_one)
from tests.browser.conftest import login_ok, make_commune, path_of, settled, start_live, stop_live, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

A4_LANDSCAPE = (842, 595)


@pytest.fixture(scope="module")
def live(database, tmp_path_factory):
    """This module's server: print jobs wait in a real queue until the test works them."""
    folder = tmp_path_factory.mktemp("print")
    server = start_live(database, tmp_path_factory, HUEY_IMMEDIATE=False,
                        HUEY_URL=str(folder / "queue.db"))
    yield server
    stop_live(server)


def test_draft_to_downloaded_certificates_and_list(browse, live, tmp_path):
    tag = unique("k")
    w = live.run(commendation_world, tag)
    page = browse.page()
    login_ok(page, browse.base, w["admin"], PASSWORD)
    detail = f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}"
    page.goto(detail)
    rows = page.locator("#honorees tbody tr")
    expect(rows).to_have_count(3)
    for name in HONOREES:
        expect(page.locator("#honorees")).to_contain_text(name)

    # Preview one certificate: an HTML page with the same markup as the PDF.
    longest = HONOREES[-1]
    page.locator("#honorees tr", has_text=longest).get_by_role("link", name="Xem giấy khen").click()
    page.wait_for_url(f"**/khen-thuong/nguoi/{w['honorees'][longest]}/xem-giay-khen")
    expect(page.locator("#certificate-preview")).to_contain_text(longest)
    page.get_by_role("link", name=f"‹ Quyết định {w['number']}").click()
    page.wait_for_url(detail)

    # Issue: confirmation page, then the decision is frozen with register numbers in the list.
    page.locator("nav.actions a.button.primary", has_text="Ban hành").click()
    page.wait_for_url("**/ban-hanh")
    with page.expect_navigation(url=detail):
        page.click("#issue-form button[type=submit]")
    expect(page.locator("main")).to_contain_text(f"Đã ban hành Quyết định số {w['number']}.")
    numbers = live.run(register_numbers, w["decision"])
    assert all(numbers.values()) and len(set(numbers.values())) == 3, numbers
    for name, number in numbers.items():
        expect(rows.filter(has_text=name).locator("td.num").last).to_have_text(str(number))
    expect(page.get_by_role("link", name="Sửa thông tin quyết định")).to_have_count(0)

    # "In giấy khen": the job is queued and the progress page says so.
    page.get_by_role("button", name="In tất cả giấy khen (chạy nền)").click()
    page.wait_for_url(re.compile(r"/in-an/\d+$"))
    job_id = int(path_of(page).rsplit("/", 1)[1])
    assert live.run(job_status, job_id) == "queued"
    expect(page.locator("h1")).to_have_text(f"Giấy khen theo Quyết định {w['number']}")
    status = page.locator("#print-job")
    expect(status.locator("progress")).to_be_visible()
    expect(status).to_contain_text("Trang này tự cập nhật")
    expect(status.get_by_role("link", name="Mở tệp PDF")).to_have_count(0)
    if browse.js:
        expect(status).to_have_attribute("hx-trigger", "every 1s")
        page.evaluate("window.__sameDocument = true")
    else:
        expect(page.locator("meta[http-equiv=refresh]")).to_have_attribute("content", "2")

    # The worker renders it; the page finds out by itself (htmx polling, or the meta refresh).
    assert work_one(live.app)
    assert live.run(job_status, job_id) == "done"
    link = status.get_by_role("link", name="Mở tệp PDF")
    expect(link).to_be_visible()
    expect(status).to_contain_text("Đã in xong: 3 trang.")
    expect(status.locator("progress")).to_have_count(0)
    if browse.js:
        assert page.evaluate("window.__sameDocument === true")
        expect(status).not_to_have_attribute("hx-trigger", "every 1s")
    else:
        expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)

    # Download with the session's cookies and read the PDF the way a person would print it.
    answer = page.context.request.get(browse.base + link.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/pdf")
    assert answer.headers.get("content-disposition", "").startswith("inline; ")  # Zalo swallows downloads
    certs = save(tmp_path, "giay-khen.pdf", answer.body())
    assert pdf_info(certs) == (3, A4_LANDSCAPE)
    pages = pdf_pages(certs)
    assert len(pages) == 3
    expected = sorted(HONOREES, key=lambda n: name_sort_key(*split_name(n)))
    assert expected[0] == HONOREES[-1]  # "Bích" comes first: Vietnamese order is not the input order
    for name, text in zip(expected, pages):  # one page each, every diacritic intact, in list order
        assert name in text, (name, text)
        assert f"Số sổ vàng: {numbers[name]}" in text, text
    fonts = pdf_fonts(certs)
    assert fonts and all(embedded for _f, embedded in fonts), fonts

    # The attached list, printed directly (short list), in Vietnamese name order.
    page.goto(detail)
    href = page.get_by_role("link", name="In danh sách (PDF)").get_attribute("href")
    answer = page.context.request.get(browse.base + href)
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/pdf")
    text = pdf_text(save(tmp_path, "danh-sach.pdf", answer.body()))
    positions = [text.find(name) for name in expected]
    assert -1 not in positions, (positions, text)
    assert positions == sorted(positions), text
    browse.assert_mode()


# Honorees from an .xlsx list, and a pupil picked from the register -------------------------------

LINKED = "Lê Văn An"


def import_world(tag: str) -> dict:
    """A commune with a draft decision (one honoree) and a pupil of the register to be linked."""
    from datetime import date

    from app.extensions import db
    from app.units.models import Unit
    from tests.factories_commendations import add, make_decision
    from tests.factories_scholarships import make_pupil, make_school

    out = make_commune(tag)
    commune = db.session.get(Unit, out["commune"])
    d = make_decision(commune, number=f"{tag}/QĐ-HKH", amount=200_000)
    add(d, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi", amount=200_000)
    school = make_school(commune, f"Trường THCS Tân Phú {tag}")
    pupil = make_pupil(commune, LINKED, birth_date=date(2013, 5, 2), school=school, class_name="7A1")
    out.update(decision=d.id, number=d.number, pupil=pupil.id, school=school.name)
    return out


def honoree_lines(decision_id: int) -> dict[str, dict]:
    from app.commendations.models import Decision
    from app.extensions import db

    return {h.full_name: {"achievement": h.achievement, "amount": h.amount, "pupil_id": h.pupil_id,
                          "place": h.place} for h in db.session.get(Decision, decision_id).honorees}


def test_import_a_filled_template_with_preview_then_confirm(browse, live, tmp_path):
    from openpyxl import load_workbook

    from app.commendations.importing import HEADERS

    tag = unique("x")
    w = live.run(import_world, tag)
    page = browse.page()
    login_ok(page, browse.base, w["admin"], PASSWORD)
    detail = f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}"
    page.goto(detail)
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.wait_for_url(f"{detail}/nhap-excel")
    with page.expect_download() as got:
        page.click("main a:has-text('tệp mẫu (.xlsx)')")
    template = tmp_path / got.value.suggested_filename
    got.value.save_as(template)
    assert template.suffix == ".xlsx"
    book = load_workbook(template)
    sheet = book.active
    assert [c.value for c in sheet[1]] == HEADERS
    sheet.delete_rows(2, sheet.max_row)  # the example rows
    for row in ([1, "le van an", "Học sinh", "", "02/05/2013", "", "Giải Ba học sinh giỏi cấp xã", None, ""],
                [2, "Trần Thị Bình", "", "", 2014, "Lớp 6A2", "Học sinh tiêu biểu", 150000, ""],
                [3, "", "", "", "", "", "Dòng thiếu tên", None, ""],
                [4, "nguyen thi dao", "", "", "", "", "Giải nhất học sinh giỏi", None, ""]):
        sheet.append(row)
    filled = tmp_path / "danh-sach-khen.xlsx"
    book.save(filled)

    page.set_input_files("#file", str(filled))
    page.click("#import-form button[type=submit]")
    preview = page.locator("#import")
    expect(preview.locator("h2")).to_have_text(
        "Xem trước: 4 dòng · 2 dòng sẽ thêm (350.000 đ) · 1 dòng có lỗi · 1 dòng bỏ qua")
    bad = preview.locator("tr.has-problem")
    expect(bad).to_have_count(1)
    expect(bad.locator("td").first).to_have_text("4")  # the sheet's own line number
    expect(bad.locator("p.error")).to_have_text("Thiếu họ và tên.")
    expect(preview.locator("tr", has_text="le van an")).to_contain_text("Liên kết hồ sơ học sinh: Lê Văn An")
    expect(preview.locator("tr", has_text="nguyen thi dao")).to_contain_text("Đã có trong danh sách")
    assert set(live.run(honoree_lines, w["decision"])) == {"Nguyễn Thị Đào"}  # nothing written yet
    settled(page)

    with page.expect_navigation(url=detail):
        page.click("#import-confirm button:has-text('Xác nhận thêm 2 người vào danh sách')")
    expect(page.locator("#flash")).to_have_text("Đã thêm 2 người từ tệp Excel; bỏ qua 2 dòng.")
    expect(page.locator("#honorees tbody tr")).to_have_count(3)
    expect(page.locator("#honorees tr", has_text="le van an")).to_contain_text("hồ sơ học sinh")
    lines = live.run(honoree_lines, w["decision"])
    assert lines["le van an"] == {"achievement": "Giải Ba học sinh giỏi cấp xã", "amount": 200_000,
                                  "pupil_id": w["pupil"], "place": f"Lớp 7A1, {w['school']}"}
    assert lines["Trần Thị Bình"]["amount"] == 150_000
    browse.assert_mode()  # JS on: the upload went through htmx (multipart); off: plain forms only


def test_pick_a_pupil_from_the_register_for_a_line_added_by_hand(browse, live):
    tag = unique("p")
    w = live.run(import_world, tag)
    page = browse.page()
    login_ok(page, browse.base, w["admin"], PASSWORD)
    detail = f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}"
    page.goto(detail)
    page.get_by_role("link", name="+ Thêm một người").click()
    page.fill("#pick-q", "le van an")
    if browse.js:  # htmx lists the matches under the search box as the user types
        expect(page.locator("#pick-results")).to_contain_text("Lê Văn An")
        assert path_of(page).endswith("/them")
    else:
        page.click("#pick-form button[type=submit]")
        page.wait_for_url(re.compile(r"/chon-nguoi\?"))
    page.locator("#pick-results tr", has_text="Lê Văn An").get_by_role("button", name="Chọn").click()
    page.wait_for_url(re.compile(rf"/them\?hoc_sinh={w['pupil']}$"))
    expect(page.locator("#name")).to_have_value("Lê Văn An")
    expect(page.locator("#birth_text")).to_have_value("02/05/2013")
    expect(page.locator("#place")).to_have_value(f"Lớp 7A1, {w['school']}")
    expect(page.locator(".linked-record")).to_contain_text("Liên kết với hồ sơ học sinh: Lê Văn An")
    page.fill("#achievement", "Học sinh vượt khó tiêu biểu")
    with page.expect_navigation(url=detail):
        page.click("#honoree-form button[type=submit]")
    expect(page.locator("#flash")).to_have_text("Đã thêm Lê Văn An.")
    assert live.run(honoree_lines, w["decision"])["Lê Văn An"]["pupil_id"] == w["pupil"]
    browse.assert_mode()


# Many lines at once (issue 14 A), on a 360 px phone ------------------------------------------------

PHONE = {"viewport": {"width": 360, "height": 740}}
MANY = 45  # two pages of 40


def many_world(tag: str) -> dict:
    """A commune with a draft decision of MANY lines (100.000 đ each)."""
    from app.extensions import db
    from app.units.models import Unit
    from tests.factories_commendations import add, make_decision

    out = make_commune(tag)
    d = make_decision(db.session.get(Unit, out["commune"]), number=f"{tag}/QĐ-HKH", amount=100_000)
    for i in range(MANY):
        add(d, f"Nguyễn Văn Học{chr(97 + i % 26)}{i:02d}", "Học sinh giỏi", amount=100_000, commit=False)
    db.session.commit()
    out.update(decision=d.id, number=d.number)
    return out


def line_count(decision_id: int) -> int:
    from app.commendations.models import Decision
    from app.extensions import db

    return len(db.session.get(Decision, decision_id).honorees)


def test_take_ticked_lines_off_through_a_confirm_page_and_come_back_to_the_same_page(browse, live):
    tag = unique("m")
    w = live.run(many_world, tag)
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["admin"], PASSWORD)
    detail = f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}"
    page.goto(detail + "?trang=2")
    rows = page.locator("#lines-form tbody tr")
    expect(rows).to_have_count(MANY - 40)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for row in range(2):
        rows.nth(row).get_by_role("checkbox").check()
    page.get_by_role("button", name="Bỏ khỏi danh sách các dòng đã chọn").click()
    page.wait_for_url("**/danh-sach/bo-nhieu")
    expect(page.locator(".bulk-summary")).to_contain_text("2 dòng sẽ bị bỏ khỏi danh sách")
    expect(page.locator(".bulk-summary")).to_contain_text("200.000 đ")
    assert live.run(line_count, w["decision"]) == MANY  # nothing written before the confirm
    page.get_by_role("button", name="Xác nhận bỏ khỏi danh sách (2 dòng)").click()
    page.wait_for_url(re.compile(r"\?trang=2#honorees$"))  # the same page of the list
    expect(page.locator("#flash")).to_contain_text("Đã bỏ 2 dòng khỏi danh sách.")
    assert live.run(line_count, w["decision"]) == MANY - 2

    # One row's "Bỏ": with JavaScript only that row changes, the page stays where it was.
    last = page.locator("#lines-form tbody tr").last
    name = last.locator("td").nth(2).inner_text().split("\n")[0]
    if browse.js:
        last.scroll_into_view_if_needed()
        y = page.evaluate("window.scrollY")
        page.evaluate("window.__sameDocument = true")
        browse.expect_confirm(f"Bỏ “{name}” khỏi danh sách?")
        last.get_by_role("link", name="Bỏ").click()
        expect(page.locator("#lines-form tbody tr.removed")).to_contain_text(f"Đã bỏ “{name}” khỏi danh sách.")
        assert page.evaluate("window.__sameDocument === true") and page.evaluate("window.scrollY") == y
    else:
        last.get_by_role("link", name="Bỏ").click()
        page.get_by_role("button", name="Bỏ khỏi danh sách").click()
        page.wait_for_url(re.compile(r"\?trang=2#honorees$"))
    assert live.run(line_count, w["decision"]) == MANY - 3
    browse.assert_mode()
