"""Issue 4's scholarship flow in a real browser, each step with JavaScript on and off: a clerk imports
a school's .xlsx list (template, preview with problems, confirm), an admin selects within the budget and
prints the signing sheet, a treasurer marks awards paid against the fund and reverses one."""
import re
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.scholarship_data import SCHOOL, nominations_of, pupil_of_nomination, pupils_of, scholarship_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TEMPLATE_HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Trường", "Lớp", "Thôn, ấp",
                    "Phụ huynh", "Điện thoại", "Hoàn cảnh", "Loại học bổng", "Thành tích", "Lý do đề cử"]
CATEGORY = "Học bổng vượt khó"


def _amount(text: str) -> int:
    """ "1.250.000 đ" -> 1250000."""
    return int(re.sub(r"\D", "", text) or 0)


def fund_balance(page, base: str, fund_id: int) -> int:
    page.goto(f"{base}/quy/{fund_id}")
    return _amount(page.locator("p.balance strong").inner_text())


def submit(page, selector: str) -> None:
    """Click a submit button whose answer is a new page (a 303, or htmx's HX-Redirect) and wait for it."""
    with page.expect_navigation():
        page.click(selector)


def mark_document(page, browse) -> None:
    """JS on: tag the document, so a refused form can be shown to come back without a page load."""
    if browse.js:
        page.evaluate("window.__sameDocument = true")


def assert_swapped_in_place(page, browse) -> None:
    if browse.js:  # htmx swapped the 422 fragment into the page: the document was never reloaded
        assert page.evaluate("window.__sameDocument === true")
    settled(page)  # the next step types into the swapped form


def nomination_row(page, name: str):
    """The selection table's row of one pupil (matched on the link's exact text, not a substring)."""
    return page.locator("table.selection tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def approve_row(page, browse, nomination_id: int, name: str) -> None:
    """One row's "Duyệt". JS on: htmx swaps that row alone, the page neither reloads nor jumps to the
    top; JS off: a new page, back at the same row (#row-<id>)."""
    button = f"#decide-form button[value=approve-{nomination_id}]"
    if browse.js:
        mark_document(page, browse)
        page.locator(button).scroll_into_view_if_needed()
        before = page.evaluate("window.scrollY")
        page.click(button)
        expect(page.locator(f"#row-{nomination_id}")).to_contain_text("Đã duyệt")
        settled(page)
        assert page.evaluate("window.__sameDocument === true")
        # The page stays where it was (the swapped row and totals may shift it a line), not at the top.
        assert abs(page.evaluate("window.scrollY") - before) < 100
        expect(page.locator(f"#row-{nomination_id}")).to_be_in_viewport()
    else:
        submit(page, button)
        expect(page.locator("#flash")).to_have_text(f"Đã duyệt {name}.")
        assert page.url.endswith(f"#row-{nomination_id}")


def pay_with_control_total(page, browse, wrong: str, right: str, message: str) -> None:
    """On the payout confirm page: a wrong total is refused beside the field, at the top, the typed
    value kept (JS on: swapped in place); the right one pays and goes back to the list."""
    page.fill("#control_total", wrong)
    mark_document(page, browse)
    page.click("#pay-confirm button[value=confirm]")
    expect(page.locator("#control_total-err")).to_have_text(message)
    assert_swapped_in_place(page, browse)
    err_top = page.locator("#control_total-err").bounding_box()["y"] + page.evaluate("window.scrollY")
    assert err_top < 740, err_top  # within the first screen of a phone, not below the list
    expect(page.locator("#control_total")).to_have_value(wrong)
    page.fill("#control_total", right)
    submit(page, "#pay-confirm button[value=confirm]")


def payout_row(page, name: str):
    return page.locator("#payout tbody tr").filter(has=page.get_by_text(name, exact=True))


# 1. Import ---------------------------------------------------------------------------------------

NEW, NEW_YEAR_ONLY, KNOWN = "Âu Dương Thị Ngọc Hân", "Lò Thị Mai", "Nguyễn Văn Phúc"


def test_clerk_imports_a_school_list_with_a_preview_of_each_rows_problem(browse, live, tmp_path):
    tag = unique("i")
    w = live.run(scholarship_world, tag, known=[(KNOWN, date(2013, 2, 5))])
    register = live.run(pupils_of, w["commune"])
    page = browse.page()
    login_ok(page, browse.base, w["clerk"], PASSWORD)

    page.goto(f"{browse.base}/hoc-bong/{w['round']}")
    page.click("main .actions a:has-text('Nhập danh sách từ Excel')")
    page.wait_for_url(re.compile(rf"/hoc-bong/{w['round']}/nhap-excel$"))
    with page.expect_download() as got:
        page.click("main a:has-text('tệp mẫu (.xlsx)')")
    download = got.value
    assert download.suggested_filename.endswith(".xlsx")
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    book = load_workbook(template)  # a real .xlsx: openpyxl refuses anything else
    sheet = book.active
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADERS

    # The school fills four rows in the template: a new pupil, one already in the register (same name
    # and date of birth), a row whose name was forgotten, and a new pupil born "2015" (year only).
    sheet.delete_rows(2, sheet.max_row)
    for row in ([1, NEW, "12/09/2014", "Nữ", "Kinh", SCHOOL, "6A2", "Ấp Tân Lộc", "Âu Dương Văn Tài",
                 "0912000111", "Hộ nghèo", CATEGORY, "", "Mẹ mất sớm, học khá"],
                [2, KNOWN, "05/02/2013", "Nam", "Kinh", SCHOOL, "8A1", "Ấp Mỹ Hòa", "Nguyễn Văn Tư",
                 "0912000222", "Hộ cận nghèo", CATEGORY, "", "Cha bệnh nặng"],
                [3, "", "01/01/2013", "Nữ", "Kinh", SCHOOL, "7A1", "Ấp Tân Lộc", "Trần Văn Mười",
                 "0912000333", "Mồ côi", CATEGORY, "", "Dòng thiếu họ tên"],
                [4, NEW_YEAR_ONLY, 2015, "Nữ", "Thái", SCHOOL, "5A", "Ấp Mỹ Hòa", "Lò Văn Pản",
                 "0912000444", "Dân tộc thiểu số", CATEGORY, "", "Nhà xa trường"]):
        sheet.append(row)
    filled = tmp_path / "danh-sach-de-cu.xlsx"
    book.save(filled)

    page.set_input_files("#file", str(filled))
    page.fill("#proposer", SCHOOL)
    submit(page, "#import-form button[type=submit]")

    preview = page.locator("#import")
    expect(preview.locator("h2")).to_have_text("Xem trước: 4 dòng · 3 dòng hợp lệ, tổng 3.000.000 đ · 1 dòng có lỗi")
    bad = preview.locator("tr.has-problem")
    expect(bad).to_have_count(1)
    expect(bad.locator("td").first).to_have_text("4")  # the sheet's line, as the school sees it in Excel
    expect(bad.locator("p.error")).to_have_text("Thiếu họ và tên.")
    expect(preview.locator("tr", has_text=KNOWN)).to_contain_text("Đã có trong sổ: dùng hồ sơ cũ.")
    for name in (NEW, NEW_YEAR_ONLY):
        expect(preview.locator("tr", has_text=name)).to_contain_text("Học sinh mới: sẽ thêm vào sổ.")
    expect(preview.locator("tr", has_text=NEW_YEAR_ONLY)).to_contain_text("2015")
    # Nothing is written before the confirmation.
    assert live.run(nominations_of, w["round"]) == {}
    assert live.run(pupils_of, w["commune"]) == register

    submit(page, "#import-confirm button:has-text('Xác nhận nhập 3 dòng hợp lệ')")
    assert path_of(page) == f"/hoc-bong/{w['round']}"
    expect(page.locator("#flash")).to_have_text("Đã nhập 3 đề cử (2 học sinh mới); bỏ qua 1 dòng có lỗi.")
    for name in (NEW, KNOWN, NEW_YEAR_ONLY):
        expect(nomination_row(page, name)).to_contain_text("Chờ duyệt")

    assert live.run(nominations_of, w["round"]) == {NEW: "pending", KNOWN: "pending", NEW_YEAR_ONLY: "pending"}
    assert live.run(pupils_of, w["commune"]) == sorted([*register, NEW, NEW_YEAR_ONLY])
    known = live.run(pupil_of_nomination, w["round"], KNOWN)
    assert known["id"] == w["known"][KNOWN]  # matched, not a second record
    fresh = live.run(pupil_of_nomination, w["round"], NEW_YEAR_ONLY)
    assert (fresh["birth_date"], fresh["birth_year"], fresh["class"], fresh["school_id"], fresh["proposer"]) == (
        None, 2015, "5A", w["school"], SCHOOL)
    if browse.js:
        # The import forms are plain forms (a file upload): no htmx POST to look for, but the page's
        # scripts did run and stayed within the CSP (checked at teardown).
        assert page.evaluate("typeof htmx") == "object"
    else:
        browse.assert_mode()


# 2. Selection and 3. the signing sheet --------------------------------------------------------------

SELECTION = ["Trần Văn Ánh", "Lê Thị An", "Âu Dương Minh Anh", "Nguyễn Thị Ẩn", "Hoàng Phủ Ngọc Tường",
             "Bùi Thị Ưng"]


def test_admin_selects_within_the_budget_and_prints_the_signing_sheet(browse, live):
    from app.vn.money import amount_in_words
    from app.vn.names import name_sort_key, split_name

    tag = unique("s")
    w = live.run(scholarship_world, tag, budget=4_000_000, pending=SELECTION)
    page = browse.page()
    login_ok(page, browse.base, w["admin"], PASSWORD)
    round_url = f"{browse.base}/hoc-bong/{w['round']}"
    page.goto(round_url)
    totals = page.locator("#round-totals")
    expect(totals).to_contain_text("Đã duyệt: 0 đ (0 suất) · Ngân sách: 4.000.000 đ (còn 4.000.000 đ) "
                                   "· Số dư quỹ: 20.000.000 đ")

    # One by one, from the row's own button: with htmx only the row (and the totals) change.
    approve_row(page, browse, w["nominations"]["Lê Thị An"], "Lê Thị An")
    expect(nomination_row(page, "Lê Thị An")).to_contain_text("Đã duyệt")

    # In bulk, from the ticked rows, through the confirm page.
    for name in ("Trần Văn Ánh", "Âu Dương Minh Anh"):
        page.check(f"#decide-form input[aria-label='Chọn {name}']")
    submit(page, "#decide-form button[name=scope][value=picked]")
    expect(page.locator(".bulk-count")).to_have_text("2 đề cử sẽ được duyệt")
    submit(page, "#bulk-confirm button[value=confirm]")
    expect(page.locator("#flash")).to_have_text("Đã duyệt 2 đề cử, tổng 2.000.000 đ.")
    expect(totals).to_contain_text("Đã duyệt: 3.000.000 đ (3 suất) · Ngân sách: 4.000.000 đ (còn 1.000.000 đ)")

    # Two more would pass the budget: refused on the confirm page, at its top, all or nothing.
    for name in ("Nguyễn Thị Ẩn", "Hoàng Phủ Ngọc Tường"):
        page.check(f"#decide-form input[aria-label='Chọn {name}']")
    submit(page, "#decide-form button[name=scope][value=picked]")
    submit(page, "#bulk-confirm button[value=confirm]")
    expect(page.locator("#bulk-confirm .error-box")).to_have_text(
        "Không thể duyệt: cần 2.000.000 đ nhưng ngân sách đợt chỉ còn 1.000.000 đ "
        "(ngân sách 4.000.000 đ, đã duyệt 3.000.000 đ).")
    assert live.run(nominations_of, w["round"])["Nguyễn Thị Ẩn"] == "pending"
    assert live.run(nominations_of, w["round"])["Hoàng Phủ Ngọc Tường"] == "pending"
    submit(page, "#bulk-confirm a:has-text('Quay lại danh sách')")
    expect(totals).to_contain_text("Đã duyệt: 3.000.000 đ (3 suất)")
    settled(page)

    approve_row(page, browse, w["nominations"]["Nguyễn Thị Ẩn"], "Nguyễn Thị Ẩn")

    # Rejecting needs a reason: spaces pass the browser's `required`, the server strips them and says so.
    rejected = "Hoàng Phủ Ngọc Tường"
    page.click(f"#decide-form tr:has(a:text-is('{rejected}')) a:has-text('Không duyệt')")
    page.wait_for_url(re.compile(rf"/hoc-bong/de-cu/{w['nominations'][rejected]}/khong-duyet$"))
    page.fill("#reason", "   ")
    mark_document(page, browse)
    page.click("#reject-form button[type=submit]")
    expect(page.locator("#reason-err")).to_have_text("Vui lòng nhập lý do.")
    assert_swapped_in_place(page, browse)
    assert live.run(nominations_of, w["round"])[rejected] == "pending"
    reason = "Em đã nhận học bổng của nhà trường trong năm học này"
    page.fill("#reason", reason)
    submit(page, "#reject-form button[type=submit]")
    assert path_of(page) == f"/hoc-bong/{w['round']}"
    expect(page.locator("#flash")).to_have_text(f"Đã ghi không duyệt: {rejected}.")
    status_cell = nomination_row(page, rejected).locator("td").nth(6)  # Chọn, Họ và tên, ..., Trạng thái
    expect(status_cell).to_have_text(re.compile(rf"^\s*Không duyệt\s*{reason}\s*$"))

    expect(totals).to_contain_text("Đã duyệt: 4.000.000 đ (4 suất) · Ngân sách: 4.000.000 đ (còn 0 đ) "
                                   "· Số dư quỹ: 20.000.000 đ (đã duyệt chưa chi 4.000.000 đ)")
    expect(totals).to_contain_text("Chờ duyệt: 1 (1.000.000 đ) · Không duyệt: 1 · Đã chi trả: 0 (0 đ)")
    approved = ["Trần Văn Ánh", "Lê Thị An", "Âu Dương Minh Anh", "Nguyễn Thị Ẩn"]
    assert live.run(nominations_of, w["round"]) == {**{n: "approved" for n in approved}, rejected: "rejected",
                                                    "Bùi Thị Ưng": "pending"}

    # 3. The signing sheet, downloaded with the admin's session from the round page's link.
    href = page.locator("main .actions a:has-text('In danh sách ký nhận (PDF)')").get_attribute("href")
    resp = page.context.request.get(browse.base + href)
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/pdf")
    text = pdf_text(resp.body())
    compact = re.sub(r"\s+", "", text)  # pdftotext may split words around lone accented letters
    in_order = sorted(approved, key=lambda name: name_sort_key(*split_name(name)))
    assert in_order == ["Lê Thị An", "Âu Dương Minh Anh", "Trần Văn Ánh", "Nguyễn Thị Ẩn"]
    positions = [compact.index(name.replace(" ", "")) for name in in_order]
    assert positions == sorted(positions)
    for left_out in (rejected, "Bùi Thị Ưng"):
        assert left_out.replace(" ", "") not in compact
    assert "DANH SÁCH KÝ NHẬN" in text and "Trang 1 / " in text
    assert "4.000.000" in text
    assert amount_in_words(4_000_000).replace(" ", "") in compact  # "Bốn triệu đồng"
    browse.assert_mode()


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


# 4. Payout --------------------------------------------------------------------------------------

PAYOUT = ["Lê Thị An", "Âu Dương Minh Anh", "Trần Văn Ánh", "Nguyễn Thị Ẩn", "Bùi Thị Ưng"]  # 700.000 đ each


def test_treasurer_marks_awards_paid_against_the_fund_and_reverses_one(browse, live):
    tag = unique("p")
    w = live.run(scholarship_world, tag, amount=700_000, approved=PAYOUT)
    page = browse.page()
    login_ok(page, browse.base, w["treasurer"], PASSWORD)
    before = fund_balance(page, browse.base, w["fund"])
    assert before == 20_000_000
    payout_url = f"{browse.base}/hoc-bong/{w['round']}/chi-tra"
    page.goto(payout_url)

    # One by one, as each pupil signs.
    for name in ("Lê Thị An", "Âu Dương Minh Anh"):
        submit(page, f"#payout button[form=pay-{w['nominations'][name]}]")
        expect(page.locator("#flash")).to_have_text(f"Đã chi trả cho {name}.")
        expect(payout_row(page, name)).to_contain_text("Đã chi 10/03/2026 · ")
    assert live.run(nominations_of, w["round"])["Âu Dương Minh Anh"] == "paid"

    # The rest in bulk from the signed sheet, through the confirm page; a wrong control total pays nothing.
    rest = ["Trần Văn Ánh", "Nguyễn Thị Ẩn", "Bùi Thị Ưng"]
    for name in rest:
        page.check(f"#payout-form input[aria-label='{name} đã ký nhận']")
    submit(page, "#payout-form button[name=scope][value=picked]")
    expect(page.locator(".bulk-count")).to_have_text("3 suất sẽ ghi chi trả")
    pay_with_control_total(page, browse, "2.000.000", "2.100.000",
                           "Tổng kiểm tra 2.000.000 đ không khớp tổng các suất đã chọn 2.100.000 đ. "
                           "Hãy đối chiếu lại danh sách ký nhận.")
    assert path_of(page) == f"/hoc-bong/{w['round']}/chi-tra"
    expect(page.locator("#flash")).to_have_text("Đã ghi chi trả 3 suất: 2.100.000 đ.")
    expect(page.locator("#payout-form input[type=checkbox]")).to_have_count(0)
    assert set(live.run(nominations_of, w["round"]).values()) == {"paid"}
    assert fund_balance(page, browse.base, w["fund"]) == before - 5 * 700_000

    # A payment is never un-paid: it is reversed with a reason and the money goes back to the fund.
    page.goto(payout_url)
    reversed_name = "Trần Văn Ánh"
    payout_row(page, reversed_name).locator("a:has-text('Hoàn chi trả')").click()
    page.wait_for_url(re.compile(rf"/hoc-bong/de-cu/{w['nominations'][reversed_name]}/hoan-chi$"))
    page.fill("#reason", "Phát nhầm, em Ánh chưa đến nhận")
    submit(page, "#reverse-form button[type=submit]")
    assert path_of(page) == f"/hoc-bong/{w['round']}/chi-tra"
    expect(page.locator("#flash")).to_have_text(f"Đã hoàn chi trả của {reversed_name}.")
    expect(payout_row(page, reversed_name).locator("input[type=checkbox]")).to_have_count(1)
    assert live.run(nominations_of, w["round"])[reversed_name] == "approved"
    assert fund_balance(page, browse.base, w["fund"]) == before - 4 * 700_000
    browse.assert_mode()


# 5. A whole round at 360 px: approve all matching, pay all against the control total ------------------

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
MANY = ["Lê Thị An", "Âu Dương Minh Anh", "Trần Văn Ánh", "Nguyễn Thị Ẩn", "Bùi Thị Ưng", "Phạm Quỳnh Anh",
        "Đặng Thị Ngọc Ánh", "Hoàng Phủ Ngọc Tường"]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path_of(page)} is {width} px wide at 360 px"


def vouchers_in_sheet_order(round_id: int) -> list[str]:
    """The phiếu chi numbers of the round's awards, read in the signing sheet's order."""
    from app.extensions import db
    from app.scholarships import payout
    from app.scholarships.models import ScholarshipRound

    rnd = db.session.get(ScholarshipRound, round_id)
    return [n.paid_entry.number for n in db.session.scalars(payout.approved_query(rnd))]


def test_a_round_on_a_phone_approve_all_matching_then_pay_all_with_the_control_total(browse, live):
    tag = unique("m")
    w = live.run(scholarship_world, tag, budget=20_000_000, amount=500_000, pending=MANY)
    admin = browse.page(**PHONE)
    login_ok(admin, browse.base, w["admin"], PASSWORD)
    admin.goto(f"{browse.base}/hoc-bong/{w['round']}?trang_thai=pending")
    no_sideways_scroll(admin)
    submit(admin, f"#decide-form button:has-text('Duyệt tất cả {len(MANY)} dòng khớp bộ lọc')")
    expect(admin.locator(".bulk-count")).to_have_text(f"{len(MANY)} đề cử sẽ được duyệt")
    expect(admin.locator(".bulk-money")).to_contain_text("4.000.000 đ")
    no_sideways_scroll(admin)
    assert set(live.run(nominations_of, w["round"]).values()) == {"pending"}  # nothing before the confirm
    submit(admin, "#bulk-confirm button[value=confirm]")
    expect(admin.locator("#flash")).to_have_text(f"Đã duyệt {len(MANY)} đề cử, tổng 4.000.000 đ.")
    assert path_of(admin) == f"/hoc-bong/{w['round']}" and admin.url.endswith("?trang_thai=pending#bulk")
    assert set(live.run(nominations_of, w["round"]).values()) == {"approved"}

    treasurer = browse.page(**PHONE)
    login_ok(treasurer, browse.base, w["treasurer"], PASSWORD)
    treasurer.goto(f"{browse.base}/hoc-bong/{w['round']}/chi-tra")
    no_sideways_scroll(treasurer)
    submit(treasurer, f"#payout-form button:has-text('Chi trả tất cả {len(MANY)} dòng khớp bộ lọc')")
    expect(treasurer.locator(".bulk-count")).to_have_text(f"{len(MANY)} suất sẽ ghi chi trả")
    no_sideways_scroll(treasurer)
    pay_with_control_total(treasurer, browse, "3.500.000", "4.000.000", re.compile(
        r"^Tổng kiểm tra 3\.500\.000 đ không khớp tổng các suất đã chọn 4\.000\.000 đ"))
    expect(treasurer.locator("#flash")).to_have_text(f"Đã ghi chi trả {len(MANY)} suất: 4.000.000 đ.")
    assert set(live.run(nominations_of, w["round"]).values()) == {"paid"}
    numbers = live.run(vouchers_in_sheet_order, w["round"])
    assert numbers == sorted(numbers)  # phiếu chi numbered in the order of the printed list
    browse.assert_mode()
