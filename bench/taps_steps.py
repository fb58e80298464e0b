"""The steps of the canonical year, one small function each, written against the visible labels.

When a label changes, only its step changes. Each step names the user who does it (`year.as_user`):
logging out and in again is counted on its own row, so the other rows count the work itself.
"""
from __future__ import annotations

import re
from pathlib import Path

from bench.taps_meter import DeadEnd, Meter

NAV = "Chức năng chính"
LOGIN_TASK = "Đăng nhập, đổi người dùng"
ADMIN, TREASURER, CLERK = "admin", "treasurer", "clerk"  # roles; Year.as_user picks who holds one


class Year:
    def __init__(self, meter: Meter, world: dict, n: int, workdir: Path):
        self.m, self.page, self.world, self.n, self.workdir = meter, meter.page, world, n, workdir
        self.user: str | None = None

    # What a user sees --------------------------------------------------------------------------
    def main(self):
        return self.page.locator("main")

    def menu(self, name: str) -> None:
        """A section of the main menu (header nav); on a phone the menu first opens behind "Menu"."""
        nav = self.page.get_by_role("navigation", name=NAV)
        section = nav.get_by_role("link", name=name, exact=True)
        if not section.is_visible():
            self.m.tap(nav.get_by_text(re.compile(r"^Menu\b")), navigates=False)
        self.m.tap(section)

    def on_page(self, heading: str) -> bool:
        return self.main().get_by_role("heading", level=1, name=heading, exact=True).count() > 0

    def reach(self, name, section: str, *, exact: bool = False) -> None:
        """Tap `name` where the page offers it (the next step follows the last), else through the menu."""
        here = self.main().get_by_role("link", name=name, exact=exact)
        if not (here.count() and here.first.is_visible()):
            self.menu(section)
        self.link(name, exact=exact)

    def home(self) -> None:
        """The brand at the top opens the home page from anywhere (one tap, the menu stays shut)."""
        self.m.tap(self.page.locator("header").get_by_role("link", name="Sổ Khuyến Học", exact=True))

    def link(self, name, *, exact: bool = False, within=None) -> None:
        where = within or self.main()
        found = where.get_by_role("link", name=name, exact=exact)
        if found.count() == 0:
            raise DeadEnd(f"không thấy liên kết “{getattr(name, 'pattern', name)}” trên {self.where()}")
        self.m.tap(found.first)

    def button(self, name, *, exact: bool = False, within=None, navigates: bool = True) -> None:
        where = within or self.main()
        found = where.get_by_role("button", name=name, exact=exact)
        if found.count() == 0:
            raise DeadEnd(f"không thấy nút “{name}” trên {self.where()}")
        if navigates:
            self.check_valid()
        self.m.tap(found.first, navigates=navigates)

    def check_valid(self) -> None:
        """The browser would refuse to send a form with an empty required field: say which, at once."""
        invalid = self.page.evaluate("""() => [...document.querySelectorAll('main :invalid')]
            .filter(e => e.tagName !== 'FORM' && e.tagName !== 'FIELDSET')
            .map(e => (e.labels && e.labels[0] ? e.labels[0].innerText : e.name || e.id).trim())""")
        if invalid:
            raise AssertionError(f"required fields left empty on {self.where()}: {invalid}")

    def field(self, label: str, value: str, *, exact: bool = False) -> None:
        self.m.type(self.main().get_by_label(label, exact=exact), value)

    def choose(self, label: str, option: str, *, exact: bool = False) -> None:
        self.m.choose(self.main().get_by_label(label, exact=exact), option)

    def where(self) -> str:
        return f"“{self.page.title()}”"

    def flash(self) -> str:
        box = self.page.locator("#flash")
        return box.inner_text().strip() if box.count() else ""

    def expect_flash(self, pattern: str) -> str:
        text = self.flash()
        if not re.search(pattern, text):
            errors = self.page.locator(".error, .error-box").all_inner_texts()
            raise AssertionError(f"expected /{pattern}/ on {self.where()}, flash “{text}”, errors {errors}")
        return text

    def as_user(self, role: str) -> None:
        """Go on as the current user when they hold `role`, else log out (header button) and in again as
        the first user who does; counted on the login row."""
        users = self.world["users"]
        if self.user is not None and role in users[self.user]:
            return
        username = next(u for u, roles in users.items() if role in roles)
        with self.m.aside(LOGIN_TASK):
            if self.user is not None:
                out = self.page.locator("header").get_by_role("button", name="Đăng xuất")
                if not out.is_visible():  # on a phone the account block may fold into the menu
                    self.m.tap(self.page.get_by_role("navigation", name=NAV).get_by_text(re.compile(r"^Menu\b")),
                               navigates=False)
                self.m.tap(out)
            self.m.type(self.page.get_by_label("Tên đăng nhập"), username)
            self.m.type(self.page.get_by_label("Mật khẩu"), self.world["password"])
            self.m.tap(self.page.get_by_role("button", name="Đăng nhập"))
        self.user = username


# The year --------------------------------------------------------------------------------------

CAMPAIGN = "Vận động khuyến học năm học 2026-2027"


def fund_drive(y: Year) -> None:
    y.as_user(ADMIN)
    y.menu("Đợt vận động")
    y.link("Tạo đợt vận động")
    y.field("Tên đợt vận động", CAMPAIGN)
    y.field("Mục tiêu (đồng)", "300.000.000")
    y.button("Lưu", exact=True)
    y.expect_flash("Đã tạo đợt vận động")


GIFTS = [  # donor, amount, method, goods (item, quantity, unit)
    ("Công ty TNHH Thủy sản Lai Vung", "150.000.000", "Chuyển khoản", None),
    ("Ông Nguyễn Văn Sáu", "50.000.000", "Tiền mặt", None),
    ("Nhà sách Phương Nam", "12.000.000", "Hiện vật", ("Vở học sinh", "2.000", "quyển")),
]


def gifts(y: Year) -> None:
    y.as_user(TREASURER)
    y.reach("Ghi đóng góp", "Quyên góp")
    for donor, amount, method, goods in GIFTS:
        y.field("Họ tên người đóng góp", donor)
        y.field("Số tiền (đồng)", amount)
        if method != "Tiền mặt":  # cash is the form's default
            y.choose("Hình thức", method)
        if goods:
            item, quantity, unit = goods
            y.field("Hiện vật", item, exact=True)
            y.field("Số lượng", quantity)
            y.field("Đơn vị tính", unit)
        y.button("Lưu")
        y.expect_flash("Đã ghi")


PIG_BRANCH = "Chi hội Khuyến học ấp Tân Lộc"
PIG_HOLDERS = ["Hộ ông Trần Văn Bảy", "Hộ bà Lê Thị Tám", "Hộ ông Phạm Văn Chín", "Hộ bà Võ Thị Mười",
               "Hộ ông Đặng Văn Út"]


def piggy_issue(y: Year) -> None:
    y.as_user(TREASURER)
    y.menu("Heo đất")
    y.link("Cấp heo đất")
    y.choose("Chi hội / đơn vị nuôi", PIG_BRANCH)
    y.field("Danh sách người nuôi", "\n".join(PIG_HOLDERS))
    y.field("Tiền tố mã heo", "LV-TL")
    y.button("Cấp heo đất")
    y.expect_flash("Đã cấp")


WITNESSES = ("Trần Văn Bảy", "Lê Thị Tám")
OPENINGS = [(re.compile(r"^LV-TL-+001$"), "1.250.000"), (re.compile(r"^LV-TL-+002$"), "860.000")]


def piggy_open(y: Year) -> None:
    """Two pigs opened: ticked on the branch's pig list and counted on one page (issue 14 A) where the
    list offers it, else one by one from each pig's own page."""
    y.as_user(TREASURER)
    if not y.on_page("Heo đất khuyến học"):
        y.menu("Heo đất")
    bulk = y.main().get_by_role("button", name="Mổ heo các dòng đã chọn")
    if not bulk.count():
        return piggy_open_one_by_one(y)
    for code, _amount in OPENINGS:
        y.m.tick(y.main().get_by_role("checkbox", name=re.compile(rf"^Chọn heo {code.pattern[1:-1]}")))
    y.button("Mổ heo các dòng đã chọn")
    y.field("Người chứng kiến 1 (dùng cho dòng để trống)", WITNESSES[0])
    y.field("Người chứng kiến 2 (dùng cho dòng để trống)", WITNESSES[1])
    for code, amount in OPENINGS:
        y.m.type(y.main().get_by_label(re.compile(rf"^Số đếm được của heo {code.pattern[1:-1]}")), amount)
    y.button("Xem lại và xác nhận")
    total = sum(int(a.replace(".", "")) for _c, a in OPENINGS)
    control = y.main().get_by_label(re.compile(r"^Tổng .*(kiểm tra|phiếu)", re.I))
    if control.count() and not control.first.input_value():
        y.m.type(control.first, money(total))
    y.button(re.compile(rf"^(Xác nhận|Ghi {len(OPENINGS)} lần mổ heo)"))
    y.expect_flash("Đã ghi|mổ")


def piggy_open_one_by_one(y: Year) -> None:
    for code, amount in OPENINGS:
        if not y.on_page("Heo đất khuyến học"):
            y.menu("Heo đất")
        y.link(code)
        y.link("Mổ heo", exact=True)
        y.field("Số tiền đếm được (đồng)", amount)
        y.field("Người chứng kiến thứ nhất", WITNESSES[0])
        y.field("Người chứng kiến thứ hai", WITNESSES[1])
        y.button("Ghi lần mổ heo")
        y.expect_flash("Đã ghi|mổ")



ROUND = "Học bổng Tiếp bước đến trường 2026-2027"
CATEGORY = "Học bổng vượt khó"
AWARD = "500.000"


def scholarship_round(y: Year) -> None:
    """A round paid from the commune's fund, with one category."""
    y.as_user(ADMIN)
    y.menu("Học bổng")
    y.link("Tạo đợt học bổng")
    y.field("Tên đợt học bổng", ROUND)
    y.field("Năm học", "2026-2027", exact=True)
    y.field("Ngân sách của đợt", "100.000.000")
    y.button("Lưu", exact=True)
    y.expect_flash("Đã")
    scholarship_category(y)



def scholarship_category(y: Year) -> None:
    y.link("Loại học bổng")
    y.field("Tên loại học bổng", CATEGORY)
    y.field("Số tiền mỗi suất", AWARD)
    y.button("Lưu", exact=True)
    y.expect_flash("Đã")


def add_school(y: Year, name: str) -> None:
    """Before issue 14 the import refused pupils of a school the register did not know yet; now the
    import's confirmation adds the school, so the year no longer takes this step."""
    y.menu("Học sinh")
    y.link("Trường học", exact=True)
    y.link("Thêm trường")
    y.field("Tên trường", name)
    y.choose("Cấp học", "Trung học cơ sở")
    y.button("Lưu", exact=True)
    y.expect_flash("Đã")


def import_pupils(y: Year) -> None:
    """The school's list of N pupils, nominated into the round (the only import there is before issue 14).
    Where the preview refuses an unknown school (before issue 14), the school is added and the list
    uploaded again, as a volunteer would; now the import's confirmation adds the school itself."""
    from bench.taps_data import SCHOOL, pupils_xlsx

    sheet = pupils_xlsx(y.workdir / f"hoc-sinh-{y.n}.xlsx", y.n, CATEGORY)
    y.as_user(ADMIN)  # the admin who made the round may enter nominations too: no change of user
    upload_to_round(y, sheet, SCHOOL)
    if y.main().get_by_text("chưa có trong danh sách trường").count():
        y.m.note("trường chưa có: thêm trường rồi tải lên lại")
        add_school(y, SCHOOL)
        upload_to_round(y, sheet, SCHOOL)
    y.button(re.compile(r"^Xác nhận nhập"))
    y.expect_flash(rf"Đã nhập {y.n} đề cử")


def upload_to_round(y: Year, sheet: Path, proposer: str) -> None:
    open_round(y)
    y.link("Nhập danh sách từ Excel")
    y.m.upload(y.main().get_by_label("Tệp Excel (.xlsx) theo mẫu"), sheet)
    y.field("Đơn vị đề cử (trường, chi hội)", proposer)
    y.button("Tải lên và xem trước")


def open_round(y: Year) -> None:
    if not y.on_page(ROUND):
        y.menu("Học bổng")
        y.link(ROUND, exact=True)


def approve_all(y: Year) -> None:
    """All N nominations approved: in bulk ("all matching", a confirmation page) where the round offers
    it, else every row ticked, page after page (before issue 14)."""
    y.as_user(ADMIN)
    open_round(y)
    bulk = y.main().get_by_role("button", name=re.compile(r"^Duyệt tất cả \d+ dòng"))
    if bulk.count():
        y.button(re.compile(r"^Duyệt tất cả \d+ dòng"))
        y.button(re.compile(rf"^Xác nhận duyệt {y.n} đề cử"))
    else:
        tick_and_approve(y)
    y.expect_flash(r"Đã duyệt \d+ đề cử")
    totals = y.page.locator("#round-totals").inner_text()
    if f"({y.n} suất)" not in totals:
        raise AssertionError(f"not all {y.n} approved: {totals}")


def tick_and_approve(y: Year) -> None:
    y.choose("Trạng thái", "Chờ duyệt")
    y.button("Lọc", exact=True)
    while True:
        boxes = y.main().get_by_role("checkbox", name=re.compile(r"^Chọn "))
        if boxes.count() == 0:
            break
        for i in range(boxes.count()):
            y.m.tick(boxes.nth(i))
        y.button(re.compile(r"^Duyệt các (đề cử|dòng) đã chọn"))
        y.expect_flash(r"Đã duyệt \d+ đề cử")



def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def award_total(count: int) -> str:
    return money(count * int(AWARD.replace(".", "")))


CONTROL_TOTAL = re.compile(r"^Tổng tiền.*kiểm tra", re.I)


def pay_all(y: Year) -> None:
    """All N awards paid from the signed sheet: in bulk (a confirmation page asking the sheet's total)
    where offered, else every row ticked "đã ký nhận" on one long page (before issue 14)."""
    y.as_user(TREASURER)
    open_round(y)
    y.link("Chi trả", exact=True)
    bulk = re.compile(r"^Chi trả tất cả \d+ dòng")
    if y.main().get_by_role("button", name=bulk).count():
        y.button(bulk)
        y.m.type(y.main().get_by_label(CONTROL_TOTAL), award_total(y.n))
        y.button(re.compile(rf"^Xác nhận chi trả {y.n} suất"))
    else:
        boxes = y.main().get_by_role("checkbox", name=re.compile(r"đã ký nhận$"))
        ticked = boxes.count()
        for i in range(ticked):
            y.m.tick(boxes.nth(i))
        y.m.type(y.main().get_by_label(CONTROL_TOTAL), award_total(ticked))
        y.button("Ghi chi trả các suất đã chọn")
    y.expect_flash(rf"Đã ghi chi trả {y.n} suất")



DECISION_TITLE = "Về việc khen thưởng học sinh vượt khó năm học 2026-2027"


def commendation(y: Year) -> None:
    """A decision commending the round's pupils, issued."""
    y.as_user(ADMIN)
    y.menu("Khen thưởng")
    y.link("Lập quyết định")
    y.field("Trích yếu", DECISION_TITLE)
    y.button("Lưu", exact=True)
    y.expect_flash("Đã")
    honorees_from_round(y)
    issue_decision(y)



def issue_decision(y: Year) -> None:
    y.link("Ban hành", exact=True)
    y.button("Ban hành")
    y.expect_flash("Đã ban hành")


def honorees_from_round(y: Year) -> None:
    y.link("Từ đợt học bổng")
    y.button("Thêm vào danh sách")
    y.expect_flash(rf"{y.n}")


def certificates(y: Year) -> None:
    """Every certificate of the decision in one PDF, rendered by the print worker."""
    y.as_user(ADMIN)
    y.button("In tất cả giấy khen")
    done = y.main().get_by_role("link", name=re.compile(r"^(Tải về|Mở) tệp PDF"))
    done.wait_for(timeout=600_000)  # the page refreshes itself (meta refresh) until the PDF is ready
    y.m.open_file(done)



def year_report(y: Year) -> None:
    """The year's summary report from the home page, and its PDF."""
    y.as_user(ADMIN)
    y.home()
    y.link(re.compile(r"^Báo cáo tổng kết năm học"))
    y.m.open_file(y.main().get_by_role("link", name="In báo cáo (PDF)"))


# The canonical year, in the order of issue 14 G (the round comes before its import: before issue 14
# the round was the only place pupils could be imported, and its import also nominates them).
YEAR = [
    ("Đợt vận động", fund_drive),
    ("3 khoản đóng góp (1 hiện vật)", gifts),
    ("Cấp 5 heo đất", piggy_issue),
    ("Mổ 2 heo đất", piggy_open),
    ("Đợt học bổng", scholarship_round),
    ("Nhập N học sinh", import_pupils),
    ("Duyệt tất cả", approve_all),
    ("Chi trả tất cả", pay_all),
    ("Quyết định khen thưởng", commendation),
    ("Giấy khen", certificates),
    ("Báo cáo năm", year_report),
]
