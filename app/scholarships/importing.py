"""Nominations from a school's .xlsx list: parse, match or create pupils, preview, then write.

Nothing is written by parse_rows(); the preview shows each row's problem. commit_import()
writes the rows without problems in one transaction with one audit entry, in bulk (the
same rules as services.nominate(): open round, category of this round, pupil in scope).
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.pupils import services as pupil_services
from app.pupils.models import CIRCUMSTANCES, Pupil, School
from app.units.models import Unit
from app.vn.dates import parse_date
from app.vn.text import clean, fold, nfc

from .models import Nomination, ScholarshipRound
from .services import RoundError, check_open

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Trường", "Lớp", "Thôn, ấp",
           "Phụ huynh", "Điện thoại", "Hoàn cảnh", "Loại học bổng", "Thành tích", "Lý do đề cử"]
FIELDS = ["stt", "name", "birth", "gender", "ethnicity", "school", "class", "village", "guardian", "phone",
          "circumstances", "category", "achievement", "reason"]
_BY_HEADER = {fold(h): f for h, f in zip(HEADERS, FIELDS)}
_CIRC = {fold(label): key for key, label in CIRCUMSTANCES.items()}
_CIRC.update({"ngheo": "poor", "can ngheo": "near_poor", "mo coi": "orphan", "khuyet tat": "disabled",
              "dan toc thieu so": "minority", "dtts": "minority", "kho khan": "other_hardship"})
_GRADE = re.compile(r"^\s*(\d{1,2})")
MAX_ROWS = 5000


def template_rows() -> list[list]:
    return [[1, "Tôn Nữ Thị Minh Khuê", "05/02/2013", "Nữ", "Kinh", "Trường THCS Lai Vung", "7A1", "Ấp Tân Lộc",
             "Tôn Thất Hùng", "0912345678", "Hộ nghèo, Mồ côi", "Học bổng vượt khó", "", "Nhà khó khăn, học tốt"]]


@dataclass
class Row:
    line: int
    data: pupil_services.PupilData
    category: object = None
    achievement: str = ""
    reason: str = ""
    pupil_id: int | None = None  # an existing pupil matched
    same_as: int | None = None  # line of an earlier row of this file for the same new pupil
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(nfc(str(value))) or ""


def _birth(value):
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime):
        return value.date(), value.year
    if isinstance(value, date):
        return value, value.year
    text = _cell(value)
    if re.fullmatch(r"\d{4}", text):
        return None, int(text)
    day = parse_date(text)
    return day, day.year


def parse_rows(rnd: ScholarshipRound, rows: list[list]) -> list[Row]:
    """Read the sheet (header row first) into preview rows, matching pupils already in the register."""
    if not rows:
        raise RoundError("Tệp không có dữ liệu.", "file")
    columns = {}
    for i, h in enumerate(rows[0]):
        key = _BY_HEADER.get(fold(_cell(h)))
        if key:
            columns[key] = i
    if "name" not in columns:
        raise RoundError("Không thấy cột “Họ và tên”. Vui lòng dùng đúng tệp mẫu.", "file")
    categories = {fold(c.name): c for c in rnd.categories}
    only = rnd.categories[0] if len(rnd.categories) == 1 else None
    commune = db.session.get(Unit, rnd.unit_id)
    schools = {s.search_key: s for s in db.session.scalars(
        select(School).join(School.unit).where(Unit.path.startswith(commune.path)))}
    index = _pupil_index(commune)
    nominated = set(db.session.scalars(select(Nomination.pupil_id).where(Nomination.round_id == rnd.id)))
    out, seen = [], {}
    for n, raw in enumerate(rows[1:], start=2):
        get = lambda f: raw[columns[f]] if f in columns and columns[f] < len(raw) else None  # noqa: E731
        if all(_cell(v) == "" for v in raw):
            continue
        row = Row(line=n, data=pupil_services.PupilData())
        name = _cell(get("name"))
        if not name:
            row.problems.append("Thiếu họ và tên.")
        ho, dem, ten = pupil_services.split_name(name)
        d = row.data
        d.ho, d.dem, d.ten = ho, dem, ten
        try:
            d.birth_date, d.birth_year = _birth(get("birth"))
        except ValueError as err:
            row.problems.append(str(err))
        gender = fold(_cell(get("gender")))
        d.gender = {"nam": "male", "nu": "female"}.get(gender, "")
        d.ethnicity = _cell(get("ethnicity")) or "Kinh"
        school_name = _cell(get("school"))
        if school_name:
            d.school = schools.get(fold(school_name))
            if d.school is None:
                row.problems.append(f"Trường “{school_name}” chưa có trong danh sách trường.")
        d.class_name = _cell(get("class"))[:20]
        m = _GRADE.match(d.class_name)
        d.grade = int(m.group(1)) if m and 0 < int(m.group(1)) <= 12 else None
        d.school_year = rnd.school_year
        d.village, d.guardian, d.phone = _cell(get("village")), _cell(get("guardian")), _cell(get("phone"))[:20]
        for part in re.split(r"[,;]", _cell(get("circumstances"))):
            if part.strip():
                key = _CIRC.get(fold(part))
                d.circumstances.add(key or "other_hardship")
                if not key:
                    d.circumstance_note = (d.circumstance_note + "; " + part.strip()).strip("; ")[:300]
        cat_name = _cell(get("category"))
        row.category = categories.get(fold(cat_name)) if cat_name else only
        if row.category is None:
            row.problems.append(f"Loại học bổng “{cat_name}” không có trong đợt này." if cat_name
                                else "Thiếu loại học bổng.")
        row.achievement, row.reason = _cell(get("achievement"))[:300], _cell(get("reason"))[:500]
        for value, limit, label in ((d.ho, 60, "Họ"), (d.dem, 100, "Tên đệm"), (d.ten, 60, "Tên"),
                                    (d.village, 120, "Thôn, ấp"), (d.guardian, 120, "Phụ huynh")):
            if len(value) > limit:
                row.problems.append(f"{label} dài quá {limit} ký tự.")
        if name and not row.problems:
            _match(row, index, seen, nominated)
        out.append(row)
    if len(out) > MAX_ROWS:
        raise RoundError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng).", "file")
    return out


def _pupil_index(commune: Unit) -> dict:
    rows = db.session.execute(
        select(Pupil.id, Pupil.search_key, Pupil.birth_date, Pupil.birth_year, Pupil.school_id, Pupil.guardian_key)
        .join(Pupil.unit).where(Unit.path.startswith(commune.path), Pupil.merged_into_id.is_(None))).all()
    index: dict = {}
    for pid, key, bdate, byear, school_id, gkey in rows:
        index.setdefault(("b", key, bdate or byear), pid)
        if school_id and gkey:
            index.setdefault(("g", key, school_id, gkey), pid)
    return index


def _match(row: Row, index: dict, seen: dict, nominated: set) -> None:
    d = row.data
    key = fold(d.full_name)
    keys = []
    if d.birth_date or d.birth_year:
        keys.append(("b", key, d.birth_date or d.birth_year))
    if d.school and d.guardian:
        keys.append(("g", key, d.school.id, fold(d.guardian)))
    for k in keys:
        if k in index:
            row.pupil_id = index[k]
            row.notes.append("Đã có trong sổ: dùng hồ sơ cũ.")
            if row.pupil_id in nominated:
                row.notes.append("Học sinh đã có đề cử trong đợt này.")
            nominated.add(row.pupil_id)
            return
    for k in keys:
        if k in seen:
            row.same_as = seen[k]
            row.notes.append(f"Trùng với dòng {seen[k]} trong tệp: dùng chung một hồ sơ.")
            return
    for k in keys:
        seen[k] = row.line
    row.notes.append("Học sinh mới: sẽ thêm vào sổ.")


def dump_rows(rows: list[Row]) -> list[dict]:
    """The checked rows as JSON-able dicts, kept with the upload until the user confirms."""
    out = []
    for r in rows:
        if not r.ok:
            out.append({"line": r.line, "bad": True})
            continue
        d = r.data
        out.append({"line": r.line, "ho": d.ho, "dem": d.dem, "ten": d.ten,
                    "birth_date": d.birth_date.isoformat() if d.birth_date else None, "birth_year": d.birth_year,
                    "gender": d.gender, "ethnicity": d.ethnicity, "school_id": d.school.id if d.school else None,
                    "grade": d.grade, "class_name": d.class_name, "school_year": d.school_year, "village": d.village,
                    "guardian": d.guardian, "phone": d.phone, "circumstances": sorted(d.circumstances),
                    "note": d.circumstance_note, "category_id": r.category.id, "achievement": r.achievement,
                    "reason": r.reason, "pupil_id": r.pupil_id, "same_as": r.same_as})
    return out


def load_rows(rnd: ScholarshipRound, dumped: list[dict]) -> list[Row]:
    """Rows back from dump_rows(); schools and categories are looked up again (and must still exist)."""
    categories = {c.id: c for c in rnd.categories}
    schools = {s.id: s for s in db.session.scalars(select(School).where(
        School.id.in_({d["school_id"] for d in dumped if d.get("school_id")})))}
    rows = []
    for d in dumped:
        row = Row(line=d["line"], data=pupil_services.PupilData())
        if d.get("bad"):
            row.problems.append("Dòng có lỗi.")
            rows.append(row)
            continue
        row.data = pupil_services.PupilData(
            ho=d["ho"], dem=d["dem"], ten=d["ten"],
            birth_date=date.fromisoformat(d["birth_date"]) if d["birth_date"] else None,
            birth_year=d["birth_year"], gender=d["gender"], ethnicity=d["ethnicity"],
            school=schools.get(d["school_id"]), grade=d["grade"], class_name=d["class_name"],
            school_year=d["school_year"], village=d["village"], guardian=d["guardian"], phone=d["phone"],
            circumstances=set(d["circumstances"]), circumstance_note=d["note"])
        row.category = categories.get(d["category_id"])
        if row.category is None or (d["school_id"] and row.data.school is None):
            raise RoundError("Danh sách loại học bổng hoặc trường đã thay đổi, vui lòng tải tệp lên lại.")
        row.achievement, row.reason = d["achievement"], d["reason"]
        row.pupil_id, row.same_as = d["pupil_id"], d["same_as"]
        rows.append(row)
    return rows


def commit_import(rnd: ScholarshipRound, rows: list[Row], proposer: str = "") -> dict:
    """Write the rows without problems: new pupils, then one nomination per row. Returns counts."""
    check_open(rnd)
    good = [r for r in rows if r.ok]
    if not good:
        raise RoundError("Không có dòng hợp lệ nào để nhập.")
    proposer = clean(proposer or "")[:200]
    fresh = [r for r in good if r.pupil_id is None and r.same_as is None]
    created = pupil_services.bulk_create_pupils(rnd.unit, [r.data for r in fresh], source=f"round {rnd.id}")
    by_line = {r.line: pid for r, pid in zip(fresh, created)}
    noms = bulk_nominate(rnd, [(r.pupil_id or by_line[r.same_as or r.line], r.category, r.achievement, r.reason)
                               for r in good], proposer)
    new = created
    result = {"nominations": len(noms), "new_pupils": len(new), "skipped": len(rows) - len(good)}
    record("import", rnd, after={**result, "proposer": proposer})
    return result


def bulk_nominate(rnd: ScholarshipRound, items, proposer: str = "") -> list[dict]:
    """Many nominations at once: items are (pupil id, category, achievement, reason).

    The same rules as services.nominate(): the round is open, each category belongs to it,
    and every pupil is an unmerged pupil of the round's unit or below.
    """
    check_open(rnd)
    pupil_ids = {pid for pid, *_ in items}
    ok_ids = set()
    ids = list(pupil_ids)
    for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        ok_ids |= set(db.session.scalars(
            select(Pupil.id).join(Pupil.unit).where(Pupil.id.in_(ids[i:i + 900]), Pupil.merged_into_id.is_(None),
                                                    Unit.path.startswith(rnd.unit.path))))
    if ok_ids != pupil_ids:
        raise RoundError("Có học sinh không thuộc đơn vị của đợt học bổng.")
    from sqlalchemy import insert

    from app.units.models import utcnow

    now, noms = utcnow(), []
    for pid, category, achievement, reason in items:
        if category.round_id != rnd.id:
            raise RoundError("Loại học bổng không thuộc đợt này.")
        noms.append(dict(round_id=rnd.id, unit_id=rnd.unit_id, pupil_id=pid, category_id=category.id,
                         proposer=proposer, reason=clean(reason or "")[:500], achievement=clean(achievement or "")[:300],
                         achievement_key=fold(achievement)[:300], amount=category.amount, status="pending",
                         decision_reason="", created_at=now))
    if noms:
        db.session.execute(insert(Nomination), noms)
    return noms


def include_sponsored(rnd: ScholarshipRound, category) -> int:
    """Nominate every pupil supported by a sponsorship (đỡ đầu) running on the ceremony day
    who has no nomination in the round yet. Returns how many were added."""
    from app.funds.services import today
    from app.pupils.queries import sponsored_pupil_ids

    if category.round_id != rnd.id:
        raise RoundError("Loại học bổng không thuộc đợt này.", "category_id")
    supported = sponsored_pupil_ids(rnd.unit, rnd.ceremony_date or today())
    already = set(db.session.scalars(select(Nomination.pupil_id).where(Nomination.round_id == rnd.id)))
    items = [(pid, category, "", "Được đỡ đầu: " + ", ".join(names))
             for pid, names in sorted(supported.items()) if pid not in already]
    bulk_nominate(rnd, items, "Danh sách đỡ đầu")
    record("import", rnd, after={"sponsored_nominations": len(items), "category_id": category.id})
    return len(items)
