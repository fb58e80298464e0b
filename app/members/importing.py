"""Members from a chi hội's .xlsx list: read the cells, check each row, match the register, preview, write.

parse_rows() writes nothing: each row is read (cells to values), checked by the register's own
rules (services.check_fields) and matched against the commune's members and the rows above it.
The rows wait between the preview and the confirmation in app.core.imports (a staged file, never
the database), and are checked again, on a snapshot, at the confirmation.

All or nothing: a file with any row in error cannot be confirmed (the user corrects the file and
uploads it again), so a list is never half in the register. Rows that are already in the register
(same name, the same birth year) are not errors: they are left out, the member's record kept.
A confirmed list is written in batches (app.core.imports.write_in_batches) through
services.bulk_create_members; a double submit writes it once.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.core import idempotency, imports
from app.core.imports import cell_text
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.dates import parse_date
from app.vn.names import join_name, same_name, title_name, unmarked
from app.vn.phones import sheet_phone
from app.vn.text import fold

from . import services
from .models import GENDERS, OCCUPATIONS, Member

HEADERS = ["Số thẻ", "Họ và tên", "Năm sinh", "Giới tính", "Địa chỉ", "Thôn/tổ", "Điện thoại", "Nghề nghiệp",
           "Ngày vào hội", "Ghi chú"]
FIELDS = ["number", "name", "birth_year", "gender", "address", "village", "phone", "occupation", "joined_on", "note"]
# Headers people retype (and the register's own export), so a moved or renamed column still reads.
ALIASES = {"Số hội viên": "number", "Số thẻ hội viên": "number", "Mã thẻ": "number", "Họ tên": "name",
           "Tên hội viên": "name", "Ngày sinh": "birth_year", "Năm sinh (hoặc ngày sinh)": "birth_year",
           "Giới": "gender", "Thôn": "village", "Tổ": "village", "Thôn, ấp": "village", "Ấp": "village",
           "Tổ dân phố": "village", "Thôn, tổ dân phố": "village", "Số điện thoại": "phone", "SĐT": "phone", "Điện thoại liên hệ": "phone",
           "Nghề nghiệp, đối tượng": "occupation", "Đối tượng": "occupation", "Nhóm nghề nghiệp": "occupation",
           "Ngày gia nhập": "joined_on", "Ngày vào Hội": "joined_on", "Ngày kết nạp": "joined_on"}
COLUMNS = dict(zip(HEADERS, FIELDS)) | ALIASES
MAX_ROWS = 5000
MAX_BYTES = 4 * 1024 * 1024  # a 5,000-member list is well under 1 MB

_PUNCT = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"^\d{4}$")


def _squash(text) -> str:
    """A header as a match key: no diacritics, case, spaces or punctuation ("Thôn / tổ" = "thon to")."""
    return _PUNCT.sub("", fold(cell_text(text)))


_HEADER_OF = {_squash(h): h for h in COLUMNS}

# Occupation cells: the labels without diacritics, and the words people write for them.
_OCCUPATION = {fold(label): key for key, label in OCCUPATIONS.items() if key}
_OCCUPATION.update({fold(key): key for key in OCCUPATIONS if key})
_OCCUPATION.update({
    "giao vien nghi huu": "retired_teacher", "nha giao huu tri": "retired_teacher", "giao vien huu": "retired_teacher",
    "giao vien": "teacher", "nha giao": "teacher", "ccb": "veteran", "cuu quan nhan": "veteran",
    "huu tri": "retired_official", "can bo huu": "retired_official", "can bo": "official", "cong chuc": "official",
    "vien chuc": "official", "phu huynh": "parent", "cha me hoc sinh": "parent", "nong dan": "farmer",
    "lam nong": "farmer", "cong nhan": "worker", "lao dong": "worker", "kinh doanh": "business",
    "buon ban": "business", "tieu thuong": "business", "doanh nhan": "business", "chuc sac": "religious",
    "tu si": "religious", "hoc sinh": "student", "sinh vien": "student", "khac": "other",
})
_GENDER = {"nam": "male", "nu": "female", "": ""}


class ImportError_(Refusal):
    """A refused file or confirmation (Vietnamese message; `field` for the form)."""


def template_rows() -> list[list]:
    return [["", "Tôn Nữ Thị Minh Khuê", 1958, "Nữ", "Số 12, đường Lê Lợi", "Thôn Tân Lộc", "0912345678",
             "Nhà giáo nghỉ hưu", "15/03/2019", ""],
            [12, "Nguyễn Văn An", 1949, "Nam", "", "Thôn Tân Lộc", "", "Cựu chiến binh", "02/09/2015", "Chi hội trưởng"]]


@dataclass
class Row:
    line: int
    values: dict = field(default_factory=dict)  # what the cells say, as services.check_fields takes it
    number: int | None = None  # the card number the file gives (None: the unit's next)
    known: str = ""  # the register's member this row is: left out, the record kept
    problems: list = field(default_factory=list)  # the file cannot be confirmed while any row has one
    warnings: list = field(default_factory=list)  # written, but look at it
    notes: list = field(default_factory=list)  # what the import does with the row
    read_warnings: int = 0  # how many of the warnings come from the cells (kept with the staged row)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new(self) -> bool:
        return self.ok and not self.known

    # What the preview shows.
    @property
    def name(self) -> str:
        return self.values.get("name", "")

    @property
    def joined_text(self) -> str:
        day = self.values.get("joined_on")
        return day.strftime("%d/%m/%Y") if isinstance(day, date) else ""

    @property
    def gender_label(self) -> str:
        return GENDERS.get(self.values.get("gender", ""), "") if self.values.get("gender") else ""

    @property
    def occupation_label(self) -> str:
        key = self.values.get("occupation", "")
        return OCCUPATIONS.get(key, "") if key else ""


def excel_day(value) -> date:
    """A "Ngày vào hội" cell as a date: an Excel date, an Excel day number, or text dd/mm/yyyy.
    ValueError with a Vietnamese message otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 3000 < value < 100_000:
        from openpyxl.utils.datetime import from_excel  # a date cell Excel lost the format of

        return from_excel(value).date()
    text = cell_text(value)
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError(f"Ngày vào hội “{text}” không đọc được: ghi theo dạng ngày/tháng/năm, "
                         "ví dụ 15/03/2019.") from None


def _birth_year(value) -> int | None:
    """A "Năm sinh" cell: a year, a date (its year), or text "1958" / "05/02/1958". ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, (datetime, date)):
        return value.year
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = cell_text(value)
    if _YEAR.match(text):
        return int(text)
    try:
        return parse_date(text).year
    except ValueError:
        raise ValueError(f"Năm sinh “{text}” không đọc được: ghi 4 chữ số, ví dụ 1958.") from None


def _number(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cell_text(value)
    if not text.isdigit() or not 0 < int(text) <= services.MAX_NUMBER:
        raise ValueError(f"Số thẻ “{text}” không hợp lệ: ghi một số nguyên dương, hoặc để trống để phần mềm tự đánh số.")
    return int(text)


def read_cells(line: int, get) -> Row:
    """One row's cells as values (nothing checked against the register yet)."""
    row = Row(line=line)
    v = row.values
    name = cell_text(get("name"))
    if name and name in (name.lower(), name.upper()):  # "nguyen van a", "TRẦN THỊ BÉ": capitals as names take them
        name = title_name(name)
    v["name"] = name
    if not name:
        row.problems.append("Thiếu họ và tên.")
    elif unmarked(name):
        row.warnings.append("Họ tên không có dấu: hãy sửa lại cho đúng khi có thể.")
    for key, reader in (("number", _number), ("birth_year", _birth_year)):
        try:
            result = reader(get(key))
        except ValueError as err:
            row.problems.append(str(err))
            continue
        if key == "number":
            row.number = result
        else:
            v[key] = result
    gender = cell_text(get("gender"))
    v["gender"] = _GENDER.get(fold(gender), "")
    if fold(gender) not in _GENDER:
        row.warnings.append(f"Giới tính “{gender}” không rõ (ghi Nam hoặc Nữ): để trống.")
    v["address"], v["village"], v["note"] = cell_text(get("address")), cell_text(get("village")), cell_text(get("note"))
    v["phone"], phone_warning = sheet_phone(get("phone"))
    if phone_warning:
        row.warnings.append(phone_warning)
    job = cell_text(get("occupation"))
    v["occupation"] = _OCCUPATION.get(_PUNCT.sub(" ", fold(job)).strip(), "other" if job else "")
    if job and v["occupation"] == "other" and fold(job) != "khac":
        row.warnings.append(f"Nghề nghiệp “{job}” không có trong danh mục: ghi là “Khác”.")
        if len(v["note"]) + len(job) < 480:  # the words written are kept beside the group
            v["note"] = "; ".join(x for x in (v["note"], f"Nghề nghiệp: {job}") if x)
    joined = get("joined_on")
    if joined in (None, "") or cell_text(joined) == "":
        row.problems.append("Thiếu ngày vào hội.")
    elif _YEAR.match(cell_text(joined)) or (isinstance(joined, (int, float)) and 1900 <= joined <= 2100):
        year = int(float(cell_text(joined)))
        v["joined_on"] = date(year, 1, 1)
        row.warnings.append(f"Ngày vào hội chỉ có năm: ghi là 01/01/{year}.")
    else:
        try:
            v["joined_on"] = excel_day(joined)
        except ValueError as err:
            row.problems.append(str(err))
    row.read_warnings = len(row.warnings)
    return row


class Checker:
    """Checks rows by the register's rules and matches each against the commune's members (the
    same person is never added twice) and the rows above it; card numbers must be free in `unit`."""

    def __init__(self, unit: Unit):
        self.unit = unit
        rows = db.session.execute(
            select(Member.id, Member.ho, Member.dem, Member.ten, Member.birth_year, Member.number, Member.unit_id,
                   Member.search_key, Unit.name).join(Unit, Unit.id == Member.unit_id)
            .where(Unit.path.startswith(services.commune_path(unit)))).all()
        self.by_folded: dict[str, list] = {}
        self.numbers: dict[int, str] = {}
        for mid, ho, dem, ten, year, number, unit_id, _key, unit_name in rows:
            full = join_name(ho, dem, ten)
            label = f"{full} (số thẻ {number}" + (f", {unit_name}" if unit_id != unit.id else "") + ")"
            self.by_folded.setdefault(fold(full), []).append((full, year, label))
            if unit_id == unit.id:
                self.numbers[number] = full
        self.seen: dict[str, list] = {}  # folded name -> [(line, name, year)] of this file's rows
        self.seen_numbers: dict[int, int] = {}

    def check(self, row: Row) -> Row:
        if row.ok:
            try:  # the checks create_member makes, so a confirmed import never fails on a row
                services.check_fields(**row.values)
            except services.MemberError as err:
                row.problems.append(str(err))
        if row.values.get("name"):
            self._match(row)
        if row.number is not None and not row.known:
            self._number(row)
        if row.ok and not row.known:
            row.notes.append("Hội viên mới: sẽ thêm vào sổ"
                             + (f" với số thẻ {row.number}." if row.number else " (số thẻ tự đánh tiếp)."))
        return row

    def _match(self, row: Row) -> None:
        name, year = row.values["name"], row.values.get("birth_year")
        folded = fold(name)
        for full, their_year, label in self.by_folded.get(folded, ()):
            if not same_name(name, full, year, their_year):
                continue
            if year and their_year:
                row.known = label
                row.notes.append(f"Đã có trong sổ: {label}. Bỏ qua dòng này, hồ sơ cũ giữ nguyên.")
                return
            row.warnings.append(f"Sổ đã có hội viên trùng tên: {label}. Nếu là một người, hãy bỏ dòng này.")
            break
        for line, other, other_year in self.seen.get(folded, ()):
            if same_name(name, other, year, other_year):
                if year and other_year:
                    row.problems.append(f"Trùng với dòng {line} trong tệp (cùng họ tên và năm sinh).")
                else:
                    row.warnings.append(f"Trùng tên với dòng {line} trong tệp.")
                break
        self.seen.setdefault(folded, []).append((row.line, name, year))

    def _number(self, row: Row) -> None:
        if row.number in self.numbers:
            row.problems.append(f"Số thẻ {row.number} đã cấp cho {self.numbers[row.number]} ở {self.unit.name}.")
        elif row.number in self.seen_numbers:
            row.problems.append(f"Số thẻ {row.number} trùng với dòng {self.seen_numbers[row.number]} trong tệp.")
        else:
            self.seen_numbers[row.number] = row.line


def parse_rows(unit: Unit, sheet: list[list]) -> list[Row]:
    """Every row of the sheet read, checked and matched; nothing written."""
    if sheet:
        sheet = [[_HEADER_OF.get(_squash(h), h) for h in sheet[0]]] + sheet[1:]
    _, rows = imports.data_rows(sheet, COLUMNS, ImportError_, MAX_ROWS)
    checker = Checker(unit)
    return [checker.check(read_cells(line, get)) for line, get in rows]


def summary(rows: list[Row]) -> dict:
    """Counts for the preview heading and the confirm button."""
    return {"total": len(rows), "new": sum(1 for r in rows if r.new), "errors": sum(1 for r in rows if not r.ok),
            "known": sum(1 for r in rows if r.ok and r.known), "warned": sum(1 for r in rows if r.ok and r.warnings)}


# ---- kept between the preview and the confirmation ----------------------------------------------

def dump_rows(rows: list[Row]) -> list[dict]:
    """The rows as read from the cells (only a file without errors is staged; the checks against
    the register run again at the confirmation)."""
    out = []
    for r in rows:
        values = dict(r.values)
        if isinstance(values.get("joined_on"), date):
            values["joined_on"] = values["joined_on"].isoformat()
        out.append({"line": r.line, "values": values, "number": r.number, "warnings": r.warnings[:r.read_warnings]})
    return out


def load_rows(dumped: list[dict]) -> list[Row]:
    rows = []
    for d in dumped:
        values = dict(d["values"])
        if values.get("joined_on"):
            values["joined_on"] = date.fromisoformat(values["joined_on"])
        warnings = list(d.get("warnings", []))
        rows.append(Row(line=d["line"], values=values, number=d.get("number"), warnings=warnings,
                        read_warnings=len(warnings)))
    return rows


def check_staged(unit: Unit, dumped: list[dict]) -> tuple[list[Row], bool]:
    """The staged rows checked again, on a snapshot, before the first write (a member added or a
    number given since the preview, the date moved on): (rows, True when any row is now refused)."""
    with imports.checking():
        checker = Checker(unit)
        rows = [checker.check(r) for r in load_rows(dumped)]
        return rows, any(not r.ok for r in rows)


def confirm_import(unit: Unit, rows: list[Row], progress_key: str, key: str = "", url: str = "",
                   lines: list[int] | None = None) -> tuple:
    """Write the new members of checked rows (every row ok; rows already in the register left out).

    In batches, each one bulk_create_members call (one counter update, one insert, one audit
    entry per member); confirming the same upload again continues from the next unwritten row, with
    `lines`: the lines the first batch set out to write (kept in the progress's state), since the
    members written so far would now match themselves in the register. Returns (Written, counts)."""
    if any(not r.ok for r in rows):
        raise ImportError_("Tệp còn dòng có lỗi: chưa ghi gì. Hãy sửa tệp rồi tải lên lại.")
    fresh = [r for r in rows if r.line in set(lines)] if lines is not None else [r for r in rows if r.new]
    if not fresh:
        raise ImportError_("Không có hội viên mới nào để thêm.")

    def write(start: int, stop: int, state: dict) -> None:
        state.setdefault("lines", [r.line for r in fresh])
        batch = []
        for r in fresh[start:stop]:
            fields = services.check_fields(**r.values)
            if r.number is not None:
                fields["number"] = r.number
            batch.append(fields)
        state["new_members"] = state.get("new_members", 0) + len(services.bulk_create_members(unit, batch))

    def finish(state: dict, progress) -> None:
        if key:
            idempotency.remember(key, unit, url)

    done = imports.write_in_batches(progress_key, len(fresh), write, finish)
    return done, {"new_members": done.done, "known": len(rows) - len(fresh)}
