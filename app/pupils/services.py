"""The rules for schools and pupils: create, edit, results, achievements, duplicates, merge.

Services never commit; the caller commits (or rolls back on PupilError).
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, insert, literal_column, or_, select, update

from app.audit.services import record
from app.core import clock
from app.core.authz import scope_filter
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.scholarships.models import Nomination
from app.units.models import Unit
from app.vn.names import join_name, name_sort_key, same_name, split_name, word_key
from app.vn.text import clean, fold

from .models import (CIRCUMSTANCES, GENDERS, SCHOOL_LEVELS, Achievement, Pupil, PupilResult, School, Sponsorship,
                     grading_words)


class PupilError(Refusal):
    """A refused change, with a Vietnamese message and the form field it concerns."""



def _text(value, limit: int, field_name: str, label: str, required: bool = False) -> str:
    value = clean(value or "") or ""
    if required and not value:
        raise PupilError(f"Vui lòng nhập {label}.", field_name)
    if len(value) > limit:
        raise PupilError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field_name)
    return value


# ---- schools -----------------------------------------------------------------------------------

def save_school(unit: Unit, name: str, level: str, commune: str = "", school: School | None = None) -> School:
    """Create (or, with `school`, update) a school; names are unique within a unit without diacritics."""
    name = _text(name, 200, "name", "tên trường", required=True)
    if level not in SCHOOL_LEVELS:
        raise PupilError("Vui lòng chọn cấp học.", "level")
    stmt = select(func.count()).select_from(School).where(School.unit_id == unit.id,
                                                          School.search_key == fold(name))
    if school is not None:
        stmt = stmt.where(School.id != school.id)
    if db.session.scalar(stmt):
        raise PupilError("Đơn vị đã có trường cùng tên.", "name")
    before = school.audit_dict() if school else None
    if school is None:
        school = School(unit=unit)
        db.session.add(school)
    school.unit = unit  # an edit may move the school to another unit of the user's scope
    school.name, school.search_key, school.name_order = name, fold(name), word_key(name)
    school.level, school.commune = level, _text(commune, 200, "commune", "xã/phường")
    db.session.flush()
    record("update" if before else "create", school, before=before, after=school.audit_dict())
    return school


def schools_in_scope(root: Unit):
    return (select(School).join(School.unit).where(Unit.path.startswith(root.path), School.active.is_(True))
            .order_by(School.name_order))


# ---- pupils ------------------------------------------------------------------------------------

@dataclass
class PupilData:
    """What a form or an import row says about a pupil (text already NFC)."""

    ho: str = ""
    dem: str = ""
    ten: str = ""
    birth_date: date | None = None
    birth_year: int | None = None
    gender: str = ""
    ethnicity: str = "Kinh"
    school: School | None = None
    grade: int | None = None
    class_name: str = ""
    school_year: str = ""
    village: str = ""
    guardian: str = ""
    phone: str = ""
    circumstances: set = field(default_factory=set)
    circumstance_note: str = ""

    @classmethod
    def from_full_name(cls, full_name: str, **kw) -> "PupilData":
        ho, dem, ten = split_name(full_name)
        return cls(ho=ho, dem=dem, ten=ten, **kw)

    @property
    def full_name(self) -> str:
        return join_name(self.ho, self.dem, self.ten)


def apply_data(pupil: Pupil, data: PupilData) -> None:
    """Check and copy `data` onto `pupil` (also used by the bulk import, which audits once)."""
    pupil.ho = _text(data.ho, 60, "ho", "họ")
    pupil.dem = _text(data.dem, 100, "dem", "tên đệm")
    pupil.ten = _text(data.ten, 60, "ten", "tên", required=True)
    if " " in pupil.ten:
        raise PupilError("Tên chỉ gồm một chữ (chữ cuối của họ và tên).", "ten")
    if data.birth_date and data.birth_date > clock.today():
        raise PupilError("Ngày sinh không được sau hôm nay.", "birth_date")
    year = data.birth_date.year if data.birth_date else data.birth_year
    if year is not None and not 1950 <= year <= clock.today().year:
        raise PupilError("Năm sinh không hợp lệ.", "birth_year")
    if data.gender not in GENDERS:
        raise PupilError("Giới tính không hợp lệ.", "gender")
    if data.grade is not None and not 0 <= data.grade <= 16:
        raise PupilError("Khối lớp không hợp lệ.", "grade")
    pupil.birth_date, pupil.birth_year = data.birth_date, year
    pupil.gender, pupil.ethnicity = data.gender, _text(data.ethnicity, 40, "ethnicity", "dân tộc")
    pupil.school_id = data.school.id if data.school else None
    pupil.grade, pupil.class_name = data.grade, _text(data.class_name, 20, "class_name", "lớp")
    pupil.school_year = _text(data.school_year, 9, "school_year", "năm học")
    pupil.village = _text(data.village, 120, "village", "thôn/ấp")
    pupil.guardian = _text(data.guardian, 120, "guardian", "tên phụ huynh")
    pupil.phone = _text(data.phone, 20, "phone", "số điện thoại")
    pupil.circumstance_note = _text(data.circumstance_note, 300, "circumstance_note", "ghi chú hoàn cảnh")
    unknown = set(data.circumstances) - set(CIRCUMSTANCES)
    if unknown:
        raise PupilError("Hoàn cảnh không hợp lệ.", "circumstances")
    for key in CIRCUMSTANCES:
        setattr(pupil, key, key in data.circumstances)
    set_keys(pupil)


def set_keys(pupil: Pupil) -> None:
    """Recompute the stored sort and search keys from the name parts."""
    pupil.name_key = name_sort_key(pupil.ho, pupil.dem, pupil.ten)
    pupil.search_key = fold(pupil.full_name)[:220]
    pupil.village_key = fold(pupil.village)[:120]
    pupil.guardian_key = fold(pupil.guardian)[:120]


def create_pupil(unit: Unit, data: PupilData, *, audit: bool = True) -> Pupil:
    """A new pupil of `unit` (duplicates are the caller's question: see likely_duplicates)."""
    pupil = Pupil(unit=unit)
    apply_data(pupil, data)
    db.session.add(pupil)
    db.session.flush()
    if audit:
        record("create", pupil, after=pupil.audit_dict())
    return pupil


class _Values:
    """A plain holder apply_data() can fill without the ORM's per-attribute bookkeeping."""

    @property
    def full_name(self) -> str:
        return join_name(self.ho, self.dem, self.ten)


_COLUMNS = None


def bulk_create_pupils(unit: Unit, items: list[PupilData], *, source: str = "import") -> list[int]:
    """Many new pupils at once (imports, bench): the same checks as create_pupil, one audit entry.

    Returns the new ids in the order of `items`. Rows go in as one multi-row INSERT ... RETURNING.
    """
    global _COLUMNS


    if not items:
        return []
    if _COLUMNS is None:
        _COLUMNS = [c.key for c in Pupil.__table__.columns if c.key not in ("id", "school_id", "created_at")]
    now = utcnow()
    values = []
    for data in items:
        v = _Values()
        apply_data(v, data)
        row = {k: getattr(v, k, None) for k in _COLUMNS}
        row.update(unit_id=unit.id, school_id=data.school.id if data.school else None, created_at=now,
                   merged_into_id=None)
        values.append(row)
    # One multi-row INSERT ... RETURNING. Databases need not return rows in VALUES order, so each
    # returned row is matched back by its data; rows with identical data are interchangeable.
    sig = (Pupil.name_key, Pupil.birth_date, Pupil.birth_year, Pupil.school_id, Pupil.guardian_key,
           Pupil.class_name, Pupil.phone, Pupil.village_key)
    returned: dict[tuple, list[int]] = {}
    for row in db.session.execute(insert(Pupil).returning(Pupil.id, *sig), values):
        returned.setdefault(tuple(row[1:]), []).append(row[0])
    keys = [c.key for c in sig]
    ids = [returned[tuple(v[k] for k in keys)].pop() for v in values]
    record("create", None, unit_id=unit.id, object_type="pupil",
           after={"source": source, "count": len(ids), "first_id": ids[0], "last_id": ids[-1]})
    return ids


def update_pupil(pupil: Pupil, data: PupilData) -> Pupil:
    before = pupil.audit_dict()
    apply_data(pupil, data)
    record("update", pupil, before=before, after=pupil.audit_dict())
    return pupil


def check_data(data: PupilData) -> None:
    """The checks create_pupil makes, writing nothing (an import checks each row before its preview)."""
    apply_data(_Values(), data)


def likely_duplicates(unit: Unit, data: PupilData, exclude_id: int | None = None) -> list[Pupil]:
    """Pupils in the commune tree of `unit` that are probably the same child.

    The same name (with its diacritics: app.vn.names.same_name) and the same date of birth (or
    birth year when only that is known), or the same name, school and guardian without a
    different birth year. The folded search_key only narrows the query.
    """
    key = fold(data.full_name)
    if not key:
        return []
    conds = []
    if data.birth_date:
        conds.append(Pupil.birth_date == data.birth_date)
    elif data.birth_year:
        conds.append(Pupil.birth_year == data.birth_year)
    if data.school is not None and data.guardian:
        conds.append((Pupil.school_id == data.school.id) & (Pupil.guardian_key == fold(data.guardian)))
    if not conds:
        return []
    stmt = (select(Pupil).join(Pupil.unit)
            .where(Pupil.search_key == key, Pupil.merged_into_id.is_(None), or_(*conds),
                   Unit.path.startswith(commune_path(unit))))
    if exclude_id:
        stmt = stmt.where(Pupil.id != exclude_id)
    year = data.birth_date.year if data.birth_date else data.birth_year
    return [p for p in db.session.scalars(stmt.limit(50))
            if same_name(p.full_name, data.full_name, p.birth_year, year)][:10]


def commune_path(unit: Unit) -> str:
    """Duplicates are looked for across the whole commune, not only one branch."""
    parts = [p for p in unit.path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/" if len(parts) >= 2 else unit.path


def duplicate_pairs(root: Unit, limit: int = 200) -> list[tuple[Pupil, Pupil]]:
    """Pairs of likely duplicates under `root`: the same name with its diacritics (same_name_key)
    and the same birth date or year. Groups are found by the folded key, then split by the real name."""
    year_of = func.coalesce(Pupil.birth_year, literal_column("0"))  # literal: PostgreSQL matches GROUP BY text
    groups = db.session.execute(
        select(Pupil.search_key, year_of)
        .where(scope_filter(Pupil.unit_id, root), Pupil.merged_into_id.is_(None))
        .group_by(Pupil.search_key, year_of).having(func.count() > 1)
        .limit(limit)).all()
    pairs = []
    # Every pupil of every group in one query (not one per group: 200 groups were 200 queries).
    members: dict[tuple, list[Pupil]] = {}
    keys = sorted({key for key, _year in groups})
    for i in range(0, len(keys), 900):  # under SQLite's bound-parameter limit
        for p in db.session.scalars(select(Pupil).where(
                scope_filter(Pupil.unit_id, root), Pupil.merged_into_id.is_(None),
                Pupil.search_key.in_(keys[i:i + 900])).order_by(Pupil.id)):
            members.setdefault((p.search_key, p.birth_year or 0), []).append(p)
    for key, year in groups:
        rows = members.get((key, year), [])
        for i, other in enumerate(rows[1:], start=1):
            # Paired with the first earlier record that has the same name (with its diacritics).
            first = next((p for p in rows[:i] if same_name(p.full_name, other.full_name)
                          and not (p.birth_date and other.birth_date and p.birth_date != other.birth_date)), None)
            if first is not None:
                pairs.append((first, other))
    return pairs


def merge_pupils(keep: Pupil, other: Pupil) -> Pupil:
    """Fold `other` into `keep`: every nomination, result, achievement and sponsorship moves over.

    `other` stays as a row pointing at `keep` (merged_into_id), so nothing is deleted.
    """
    if keep.id == other.id:
        raise PupilError("Không thể gộp một hồ sơ với chính nó.")
    if other.merged_into_id or keep.merged_into_id:
        raise PupilError("Hồ sơ này đã được gộp trước đó.")


    for model in (PupilResult, Achievement, Sponsorship, Nomination):
        db.session.execute(update(model).where(model.pupil_id == other.id).values(pupil_id=keep.id)
                           .execution_options(synchronize_session=False))
    # Fill what the kept record lacks from the merged one.
    for attr in ("birth_date", "birth_year", "school_id", "grade", "class_name", "village", "guardian", "phone"):
        if not getattr(keep, attr) and getattr(other, attr):
            setattr(keep, attr, getattr(other, attr))
    for key in CIRCUMSTANCES:
        setattr(keep, key, getattr(keep, key) or getattr(other, key))
    set_keys(keep)
    other.merged_into_id = keep.id
    record("merge", keep, after={"merged_pupil_id": other.id, "merged_name": other.full_name})
    db.session.flush()
    db.session.expire_all()
    return keep


# ---- results and achievements ------------------------------------------------------------------

def result_values(pupil: Pupil, school_year: str, grade_word: str = "", old_text: str = "",
                  note: str = "") -> dict:
    """Checked values of a school year's result (shared by adding and correcting one)."""
    school_year = _text(school_year, 9, "school_year", "năm học", required=True)
    words = grading_words(pupil.level)
    if grade_word and grade_word not in (words or []):
        raise PupilError("Xếp loại không đúng với cấp học của học sinh.", "grade_word")
    old_text = _text(old_text, 100, "old_text", "xếp loại cũ")
    if not grade_word and not old_text:
        raise PupilError("Vui lòng chọn xếp loại hoặc ghi xếp loại cũ.", "grade_word")
    return {"school_year": school_year, "grade_word": grade_word, "old_text": old_text,
            "note": _text(note, 300, "note", "ghi chú")}


def add_result(pupil: Pupil, school_year: str, grade_word: str = "", old_text: str = "",
               note: str = "") -> PupilResult:
    """A school year's result: a current grading word for the pupil's level, or old words as text."""
    values = result_values(pupil, school_year, grade_word, old_text, note)
    result = PupilResult(pupil=pupil, **values)
    db.session.add(result)
    db.session.flush()
    record("create", result, unit_id=pupil.unit_id,
           after={"pupil_id": pupil.id, "school_year": values["school_year"],
                  "grade": values["grade_word"] or values["old_text"]})
    return result


def achievement_values(school_year: str, title: str) -> dict:
    school_year = _text(school_year, 9, "school_year", "năm học", required=True)
    title = _text(title, 300, "title", "thành tích", required=True)
    return {"school_year": school_year, "title": title, "search_key": fold(title)[:300]}


def add_achievement(pupil: Pupil, school_year: str, title: str) -> Achievement:
    values = achievement_values(school_year, title)
    item = Achievement(pupil=pupil, **values)
    db.session.add(item)
    db.session.flush()
    record("create", item, unit_id=pupil.unit_id,
           after={"pupil_id": pupil.id, "school_year": values["school_year"], "title": values["title"]})
    return item
