"""Pupils from a school's .xlsx list: read the pupil columns, match the register, preview, write.

The pupil columns are read here for every import that brings pupils (the pupil list's own
import, and a scholarship round's nominations, which add their columns on top): one reading
of names, birth dates, schools, circumstances and phones, one matching against the register,
one "same name" rule (app.vn.names.same_name). parse_rows() writes nothing; confirm_import()
writes the new pupils in batches, one statement and one audit entry each. Rows wait between the preview
and the confirmation in app.core.imports (staged files, never the database).
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
from app.vn.names import join_name, same_name, same_name_key, split_name
from app.vn.phones import sheet_phone
from app.vn.text import fold

from . import services
from .models import CIRCUMSTANCES, Pupil, School

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Trường", "Lớp", "Thôn, ấp", "Phụ huynh",
           "Điện thoại", "Hoàn cảnh"]
FIELDS = ["stt", "name", "birth", "gender", "ethnicity", "school", "class", "village", "guardian", "phone",
          "circumstances"]
# Headers people retype, and the columns of the pupil list's own export, so an exported list comes back.
ALIASES = {"Họ tên": "name", "Ngày sinh (hoặc năm sinh)": "birth", "Năm sinh": "birth", "Thôn": "village",
           "Ấp": "village", "Cha mẹ, người giám hộ": "guardian", "Số điện thoại": "phone", "SĐT": "phone"}
COLUMNS = dict(zip(HEADERS, FIELDS)) | ALIASES
_CIRC = {fold(label): key for key, label in CIRCUMSTANCES.items()}
_CIRC.update({"ngheo": "poor", "can ngheo": "near_poor", "mo coi": "orphan", "khuyet tat": "disabled",
              "dan toc thieu so": "minority", "dtts": "minority", "kho khan": "other_hardship"})
_GRADE = re.compile(r"^\s*(\d{1,2})")
MAX_ROWS = 5000


class ImportError_(Refusal):
    """A refused file or confirmation (Vietnamese message; `field` for the form)."""


_SCHOOL_WORD = re.compile(r"^(truong\s+)+")
_LEVEL_WORDS = [("mam non", "preschool"), ("mau giao", "preschool"), ("nha tre", "preschool"),
                ("tieu hoc", "primary"), ("thcs", "lower_secondary"), ("trung hoc co so", "lower_secondary"),
                ("thpt", "upper_secondary"), ("trung hoc pho thong", "upper_secondary"), ("dai hoc", "university"),
                ("cao dang", "university"), ("nghe", "vocational"), ("gdnn", "vocational"), ("th ", "primary")]


def school_key(name: str) -> str:
    """A school's name for matching: no diacritics or case, no leading "Trường" ("THCS Lai Vung"
    and "trường thcs lai vung" are the register's "Trường THCS Lai Vung")."""
    return _SCHOOL_WORD.sub("", fold(name or "")).strip()


def level_of(name: str) -> str:
    """The school level a new school's name says (THCS when it says none: the usual list)."""
    key = school_key(name) + " "
    return next((level for word, level in _LEVEL_WORDS if key.startswith(word) or f" {word}" in f" {key}"),
                "lower_secondary")


def template_rows() -> list[list]:
    return [[1, "Tôn Nữ Thị Minh Khuê", "05/02/2013", "Nữ", "Kinh", "Trường THCS Lai Vung", "7A1", "Ấp Tân Lộc",
             "Tôn Thất Hùng", "0912345678", "Hộ nghèo, Mồ côi"]]


@dataclass
class Row:
    line: int
    data: services.PupilData
    pupil_id: int | None = None  # an existing pupil matched
    same_as: int | None = None  # line of an earlier row of this file for the same new pupil
    new_school: str = ""  # name of a school the import adds (not in the register yet)
    problems: list = field(default_factory=list)  # the row is left out
    warnings: list = field(default_factory=list)  # the row is written, but look at it
    notes: list = field(default_factory=list)  # what the import does with the row

    @property
    def ok(self) -> bool:
        return not self.problems


def birth_of(value):
    """(date | None, year | None) of a birth cell: a date, a year, or text "dd/mm/yyyy"."""
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime):
        return value.date(), value.year
    if isinstance(value, date):
        return value, value.year
    text = cell_text(value)
    if re.fullmatch(r"\d{4}", text):
        return None, int(text)
    day = parse_date(text)
    return day, day.year


def data_rows(sheet: list[list], columns_by_header: dict[str, str], error=ImportError_):
    """The pupil imports' rows (app.core.imports.data_rows with this module's error and row limit)."""
    return imports.data_rows(sheet, columns_by_header, error, MAX_ROWS)


class PupilReader:
    """Reads the pupil columns of rows and matches each pupil against the commune's register
    and the rows read before it."""

    existing_note = "Đã có trong sổ: dùng hồ sơ cũ."

    def __init__(self, unit: Unit, school_year: str = "", match_path: str | None = None):
        """Schools of `unit` and below; pupils matched under `match_path` (default: `unit`'s own tree,
        so a round nominates only pupils it may)."""
        self.school_year = school_year
        self.schools = {}  # school_key -> School; the exact folded name wins over a near miss
        self.exact = {}
        for s in db.session.scalars(select(School).join(School.unit).where(Unit.path.startswith(unit.path))
                                    .order_by(School.id)):
            self.exact.setdefault(s.search_key, s)
            self.schools.setdefault(school_key(s.name), s)
        self.new_schools: dict[str, str] = {}  # school_key -> the name first written for a school to add
        self.index, self.names = _pupil_index(match_path or unit.path)
        self.seen: dict = {}
        self.seen_names: dict[str, list] = {}

    def read(self, line: int, get, make=Row) -> Row:
        """The row's pupil columns checked (`make`: Row or a subclass with more columns)."""
        row = make(line=line, data=services.PupilData())
        name = cell_text(get("name"))
        if not name:
            row.problems.append("Thiếu họ và tên.")
        d = row.data
        d.ho, d.dem, d.ten = split_name(name)
        try:
            d.birth_date, d.birth_year = birth_of(get("birth"))
        except ValueError as err:
            row.problems.append(str(err))
        d.gender = {"nam": "male", "nu": "female"}.get(fold(cell_text(get("gender"))), "")
        d.ethnicity = cell_text(get("ethnicity")) or "Kinh"
        school_name = cell_text(get("school"))
        if school_name:
            self.place_school(row, school_name)
        d.class_name = cell_text(get("class"))[:20]
        m = _GRADE.match(d.class_name)
        d.grade = int(m.group(1)) if m and 0 < int(m.group(1)) <= 12 else None
        d.school_year = self.school_year
        d.village, d.guardian = cell_text(get("village")), cell_text(get("guardian"))
        d.phone, phone_warning = sheet_phone(get("phone"))
        if phone_warning:
            row.warnings.append(phone_warning)
        for part in re.split(r"[,;]", cell_text(get("circumstances"))):
            if part.strip():
                key = _CIRC.get(fold(part))
                d.circumstances.add(key or "other_hardship")
                if not key:
                    d.circumstance_note = (d.circumstance_note + "; " + part.strip()).strip("; ")[:300]
        if name and not row.problems:
            try:  # the checks create_pupil makes, so a confirmed import never fails on a row
                services.check_data(d)
            except services.PupilError as err:
                row.problems.append(str(err))
        return row

    def place_school(self, row: Row, name: str) -> None:
        """The row's school: the register's (also under a near-miss spelling), else one to add."""
        d = row.data
        d.school = self.exact.get(fold(name))
        if d.school is not None:
            return
        key = school_key(name)
        d.school = self.schools.get(key)
        if d.school is not None:
            row.notes.append(f"Trường “{name}” được hiểu là “{d.school.name}” đã có trong danh sách trường.")
            return
        if not key or len(name) > 200:
            row.problems.append("Tên trường dài quá 200 ký tự." if key else f"Tên trường “{name}” không hợp lệ.")
            return
        row.new_school = self.new_schools.setdefault(key, name)
        row.notes.append(f"Trường mới “{row.new_school}”: sẽ thêm vào danh sách trường.")

    def match(self, row: Row) -> None:
        """Find the row's pupil in the register or earlier in the file; warn on the same name."""
        d = row.data
        key = same_name_key(d.full_name)
        keys = []
        if d.birth_date or d.birth_year:
            keys.append(("b", key, d.birth_date or d.birth_year))
        if (d.school or row.new_school) and d.guardian:
            school = d.school.id if d.school else ("new", school_key(row.new_school))
            keys.append(("g", key, school, fold(d.guardian)))
        for k in keys:
            if k in self.index:
                row.pupil_id = self.index[k]
                row.notes.append(self.existing_note)
                return
        for k in keys:
            if k in self.seen:
                row.same_as = self.seen[k]
                row.notes.append(f"Trùng với dòng {self.seen[k]} trong tệp: dùng chung một hồ sơ.")
                return
        for k in keys:
            self.seen[k] = row.line
        year = d.birth_year or (d.birth_date.year if d.birth_date else None)
        folded = fold(d.full_name)  # narrows the candidates; same_name() decides
        twins = [label for name, birth, label in self.names.get(folded, ())
                 if same_name(d.full_name, name, year, birth)]
        if twins:
            row.warnings.append("Sổ đã có học sinh trùng tên: " + "; ".join(twins[:2])
                                + ". Nếu là một người, hãy sửa ngày sinh cho khớp.")
        earlier = [line for line, name, birth in self.seen_names.get(folded, ())
                   if same_name(d.full_name, name, year, birth)]
        if earlier:
            row.warnings.append(f"Trùng tên với dòng {earlier[0]} trong tệp.")
        self.seen_names.setdefault(folded, []).append((row.line, d.full_name, year))
        row.notes.append("Học sinh mới: sẽ thêm vào sổ.")


def _pupil_index(path: str) -> tuple[dict, dict]:
    """({match key: pupil id}, {folded name: [(name, birth year, label)]}) of the pupils under `path`.

    A row is linked to a pupil only on the exact same name (same_name_key) with the same birth or
    school and guardian; the folded index only finds the names same_name() then compares."""
    rows = db.session.execute(
        select(Pupil.id, Pupil.ho, Pupil.dem, Pupil.ten, Pupil.birth_date, Pupil.birth_year, Pupil.school_id,
               Pupil.guardian_key, Pupil.class_name)
        .join(Pupil.unit).where(Unit.path.startswith(path), Pupil.merged_into_id.is_(None))).all()
    index: dict = {}
    names: dict = {}
    for pid, ho, dem, ten, bdate, byear, school_id, gkey, class_name in rows:
        full = join_name(ho, dem, ten)
        key = same_name_key(full)
        index.setdefault(("b", key, bdate or byear), pid)
        if school_id and gkey:
            index.setdefault(("g", key, school_id, gkey), pid)
        birth = bdate.strftime("%d/%m/%Y") if bdate else (str(byear) if byear else "chưa rõ ngày sinh")
        label = f"{full} ({birth}" + (f", lớp {class_name}" if class_name else "") + ")"
        names.setdefault(fold(full), []).append((full, byear or (bdate.year if bdate else None), label))
    return index, names


def parse_rows(unit: Unit, sheet: list[list], school_year: str = "") -> list[Row]:
    """The pupil list's import: each row read and matched; nothing written."""
    _, rows = data_rows(sheet, COLUMNS)
    reader = PupilReader(unit, school_year, services.commune_path(unit))
    reader.existing_note = "Đã có trong sổ: bỏ qua (hồ sơ cũ giữ nguyên)."
    out = []
    for line, get in rows:
        row = reader.read(line, get)
        if row.ok:
            reader.match(row)
        out.append(row)
    return out


def summary(rows: list[Row]) -> dict:
    """Counts for the preview heading and the confirm button."""
    new = [r for r in rows if r.ok and r.pupil_id is None and r.same_as is None]
    return {"total": len(rows), "new": len(new), "errors": sum(1 for r in rows if not r.ok),
            "known": sum(1 for r in rows if r.ok and (r.pupil_id or r.same_as)),
            "warned": sum(1 for r in rows if r.ok and r.warnings), "schools": new_schools(rows),
            "schools_text": schools_text(new_schools(rows))}


def new_schools(rows: list) -> list[tuple[str, int]]:
    """[(name, pupils)] of the schools the confirmation adds (rows without problems only)."""
    counts: dict[str, int] = {}
    for r in rows:
        if r.ok and r.new_school:
            counts[r.new_school] = counts.get(r.new_school, 0) + 1
    return sorted(counts.items(), key=lambda t: school_key(t[0]))


def schools_text(schools: list[tuple[str, int]]) -> str:
    """"Sẽ thêm 2 trường mới: Trường THCS A (12 học sinh), …" for the preview."""
    if not schools:
        return ""
    return (f"Sẽ thêm {len(schools)} trường mới: "
            + ", ".join(f"{name} ({n} học sinh)" for name, n in schools) + ".")


def add_schools(unit: Unit, rows: list) -> None:
    """Add the schools the preview announced (audited by save_school) and put them on their rows.

    A school someone added since the preview (same name) is used rather than added twice."""
    names = {}
    for r in rows:
        if r.ok and r.new_school and r.data.school is None:
            names.setdefault(school_key(r.new_school), r.new_school)
    if not names:
        return
    known = {school_key(s.name): s for s in db.session.scalars(
        select(School).join(School.unit).where(Unit.path.startswith(unit.path)).order_by(School.id.desc()))}
    made = {key: known.get(key) or services.save_school(unit, name, level_of(name)) for key, name in names.items()}
    for r in rows:
        if r.ok and r.new_school and r.data.school is None:
            r.data.school = made[school_key(r.new_school)]


def recheck(rows: list) -> bool:
    """The service's checks again at the confirmation (a staged row may have gone stale: the date
    moved on, a file was edited); a refused row gets its message. True if any row was refused."""
    refused = False
    for r in rows:
        if r.ok:
            try:
                services.check_data(r.data)
            except services.PupilError as err:
                r.problems.append(str(err))
                refused = True
    return refused


# ---- kept between the preview and the confirmation ----------------------------------------------

def dump_data(d: services.PupilData) -> dict:
    return {"ho": d.ho, "dem": d.dem, "ten": d.ten, "birth_date": d.birth_date.isoformat() if d.birth_date else None,
            "birth_year": d.birth_year, "gender": d.gender, "ethnicity": d.ethnicity,
            "school_id": d.school.id if d.school else None, "grade": d.grade, "class_name": d.class_name,
            "school_year": d.school_year, "village": d.village, "guardian": d.guardian, "phone": d.phone,
            "circumstances": sorted(d.circumstances), "note": d.circumstance_note}


def dump_row(r: Row) -> dict:
    """A checked row kept with the upload: its data, its match and the school it adds."""
    return {"line": r.line, "pupil_id": r.pupil_id, "same_as": r.same_as, "new_school": r.new_school,
            "warnings": r.warnings, "notes": r.notes, **dump_data(r.data)}


def schools_of(dumped: list[dict]) -> dict[int, School]:
    ids = {d["school_id"] for d in dumped if d.get("school_id")}
    return {s.id: s for s in db.session.scalars(select(School).where(School.id.in_(ids)))} if ids else {}


def load_data(d: dict, schools: dict[int, School], error=ImportError_) -> services.PupilData:
    """PupilData back from dump_data(); a school deleted since the preview refuses the confirmation."""
    school = schools.get(d["school_id"]) if d["school_id"] else None
    if d["school_id"] and school is None:
        raise error("Danh sách trường đã thay đổi, vui lòng tải tệp lên lại.")
    return services.PupilData(
        ho=d["ho"], dem=d["dem"], ten=d["ten"],
        birth_date=date.fromisoformat(d["birth_date"]) if d["birth_date"] else None, birth_year=d["birth_year"],
        gender=d["gender"], ethnicity=d["ethnicity"], school=school, grade=d["grade"], class_name=d["class_name"],
        school_year=d["school_year"], village=d["village"], guardian=d["guardian"], phone=d["phone"],
        circumstances=set(d["circumstances"]), circumstance_note=d["note"])


def dump_rows(rows: list[Row]) -> list[dict]:
    return [{"line": r.line, "bad": True, "problems": r.problems, "name": r.data.full_name} if not r.ok
            else dump_row(r) for r in rows]


def load_row(row: Row, d: dict, schools: dict, error=ImportError_) -> Row:
    """`row` filled back from dump_rows() (a row that had problems keeps them, without its data)."""
    if d.get("bad"):
        row.problems.extend(d.get("problems") or ["Dòng có lỗi."])
        row.data = services.PupilData.from_full_name(d.get("name", ""))
        return row
    row.data = load_data(d, schools, error)
    row.pupil_id, row.same_as, row.new_school = d["pupil_id"], d["same_as"], d.get("new_school", "")
    row.warnings, row.notes = list(d.get("warnings", [])), list(d.get("notes", []))
    return row


def check_staged(dumped: list[dict]) -> tuple[list[Row], bool]:
    """The staged rows loaded again and every one checked, on a snapshot, before the first write:
    (rows, True when a row the preview passed is now refused, with its message)."""
    with imports.checking():
        rows = load_rows(dumped)
        return rows, recheck(rows)


def load_rows(dumped: list[dict]) -> list[Row]:
    schools = schools_of(dumped)
    return [load_row(Row(line=d["line"], data=services.PupilData()), d, schools) for d in dumped]


def create_new(unit: Unit, rows: list, source: str, school_unit: Unit | None = None) -> dict[int, int]:
    """Write the pupils of rows that are neither in the register nor repeats; {line: new pupil id}.
    The schools the preview announced are added first, in `school_unit` (default `unit`)."""
    add_schools(school_unit or unit, rows)
    fresh = [r for r in rows if r.ok and r.pupil_id is None and r.same_as is None]
    created = services.bulk_create_pupils(unit, [r.data for r in fresh], source=source)
    return {r.line: pid for r, pid in zip(fresh, created)}


def confirm_import(unit: Unit, rows: list[Row], progress_key: str, key: str = "", url: str = "") -> tuple:
    """The pupil list's import: new pupils written, pupils already in the register left as they are.

    Written in batches (app.core.imports.write_in_batches): each batch adds the schools its rows
    announce (one an earlier batch added is found, not added again) and its new pupils, with one
    audit entry (source "xlsx", how many, which ids); confirming the same upload again continues
    from the next unwritten row. Returns (Written, counts)."""
    good = [r for r in rows if r.ok]
    fresh = [r for r in good if r.pupil_id is None and r.same_as is None]
    if not fresh:
        raise ImportError_("Không có học sinh mới nào để thêm.")

    def write(start: int, stop: int, state: dict) -> None:
        batch = fresh[start:stop]
        add_schools(unit, batch)
        state["new_pupils"] = state.get("new_pupils", 0) + len(
            services.bulk_create_pupils(unit, [r.data for r in batch], source="xlsx"))

    def finish(state: dict, progress) -> None:
        if key:
            idempotency.remember(key, unit, url)

    done = imports.write_in_batches(progress_key, len(fresh), write, finish)
    return done, {"new_pupils": done.done, "known": len(good) - len(fresh), "skipped": len(rows) - len(good)}
