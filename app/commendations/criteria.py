"""Criteria sets for the learning titles: data with a version and a year, never rewritten once used.

An assessment points at the exact set version it was scored against, so a set that has any
assessment is frozen; a change is a new version (`new_version`), which supersedes the old one
for new registrations and leaves old assessments as they were scored.

The shipped seeds (`SEEDS`) are editable starting points, not law:
- "Gia đình học tập" (2015 style), 100 points: children's learning 35, adults' learning 25,
  learning conditions 20, results 20. Children weigh most because the title exists to keep
  every child in school; adults' learning next; conditions and results share the rest.
  Pass at 70 with no per-criterion floor (set it per province).
- "Công dân học tập": ten indicators of 10 points, pass at 80/100 with no indicator under 5.

Who owns a set (issue 15, finding 3): a set without a unit is shared by every unit and changed only by
the top unit's admins (app.core.owners). A unit that needs other criteria makes its own copy
(`copy_set`), which replaces the shared set it came from for that unit and the units below it
(`sets_for`); other units never see it (`visible_clause`).
"""
from sqlalchemy import func, or_, select

from app.audit.services import record
from app.core.authz import scope_unit_ids
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.text import clean

from .models import TITLE_KINDS, Assessment, CriteriaSet


class CriteriaError(Refusal):
    """A refused change; the message is shown beside its field."""


SEEDS = [
    {
        "title_kind": "family", "name": "Tiêu chí Gia đình học tập", "year": 2015,
        "pass_total": 70, "min_each": 0,
        "note": "Thang 100 điểm theo mẫu năm 2015; ngưỡng đạt có thể sửa theo hướng dẫn của tỉnh.",
        "criteria": [
            {"name": "Con cháu trong độ tuổi đi học đều được đến trường, học tập tiến bộ", "max": 35},
            {"name": "Người lớn trong gia đình thường xuyên học tập (học nghề, chuyên đề, đọc sách báo)", "max": 25},
            {"name": "Điều kiện học tập: góc học tập, sách vở, phương tiện", "max": 20},
            {"name": "Kết quả: gia đình văn hóa, kinh tế ổn định, áp dụng điều đã học", "max": 20},
        ],
    },
    {
        "title_kind": "citizen", "name": "Tiêu chí Công dân học tập", "year": 2015,
        "pass_total": 80, "min_each": 5,
        "note": "Đạt khi tổng điểm từ 80/100 và không chỉ số nào dưới 5 điểm.",
        "criteria": [{"name": name, "max": 10} for name in (
            "Có kế hoạch học tập phù hợp với bản thân",
            "Tham gia học tập thường xuyên",
            "Hoàn thành chương trình học tập đã đăng ký",
            "Đọc sách, báo, tài liệu",
            "Biết sử dụng máy tính, điện thoại thông minh, Internet",
            "Tham gia sinh hoạt chuyên đề ở cộng đồng",
            "Vận dụng kiến thức vào lao động, sản xuất",
            "Thu nhập, đời sống được cải thiện nhờ học tập",
            "Chấp hành pháp luật, quy định của địa phương",
            "Giúp đỡ người khác cùng học tập",
        )],
    },
]


def _check(title_kind, name, year, criteria, pass_total, min_each) -> tuple:
    if title_kind not in TITLE_KINDS:
        raise CriteriaError("Danh hiệu không hợp lệ.", "title_kind")
    name = clean(name or "")
    if not name:
        raise CriteriaError("Vui lòng nhập tên bộ tiêu chí.", "name")
    if not criteria:
        raise CriteriaError("Bộ tiêu chí cần ít nhất một tiêu chí.", "criteria")
    cleaned = []
    for c in criteria:
        cname, cmax = clean(c.get("name") or ""), c.get("max")
        if not cname or not isinstance(cmax, int) or cmax <= 0:
            raise CriteriaError("Mỗi tiêu chí cần tên và điểm tối đa là số nguyên dương.", "criteria")
        cleaned.append({"name": cname[:300], "max": cmax})
    total = sum(c["max"] for c in cleaned)
    if not isinstance(pass_total, int) or not 0 < pass_total <= total:
        raise CriteriaError(f"Điểm đạt phải từ 1 đến {total}.", "pass_total")
    if not isinstance(min_each, int) or min_each < 0 or min_each > min(c["max"] for c in cleaned):
        raise CriteriaError("Điểm tối thiểu mỗi tiêu chí không hợp lệ.", "min_each")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise CriteriaError("Năm áp dụng không hợp lệ.", "year")
    return name, cleaned


def parse_criteria(text: str) -> list[dict]:
    """Lines "Tên tiêu chí | 30" (or a tab) into [{"name", "max"}]; CriteriaError on a bad line."""
    out = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        sep = "\t" if "\t" in line else "|"
        name, _, points = line.rpartition(sep)
        try:
            out.append({"name": clean(name), "max": int(points.strip())})
        except ValueError:
            raise CriteriaError(f"Dòng {n}: ghi “tên tiêu chí | điểm tối đa”.", "criteria") from None
    return out


def in_use(cset: CriteriaSet) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Assessment)
                                  .where(Assessment.criteria_set_id == cset.id)))


def _same_owner(unit_id):
    """Sets kept by the same owner: the shared ones (None) or one unit's own."""
    return CriteriaSet.unit_id.is_(None) if unit_id is None else CriteriaSet.unit_id == unit_id


def create_set(title_kind, name, year, criteria, pass_total, min_each=0, note="", *, version=1,
               unit: Unit | None = None, origin: CriteriaSet | None = None) -> CriteriaSet:
    """A new criteria set (version 1 unless told): shared without `unit`, else that unit's own."""
    name, cleaned = _check(title_kind, name, year, criteria, pass_total, min_each)
    unit_id = unit.id if unit is not None else None
    if db.session.scalar(select(func.count()).select_from(CriteriaSet).where(
            _same_owner(unit_id), CriteriaSet.name == name, CriteriaSet.version == version)):
        raise CriteriaError("Đã có bộ tiêu chí cùng tên và phiên bản.", "name")
    cset = CriteriaSet(title_kind=title_kind, name=name, year=year, criteria=cleaned, pass_total=pass_total,
                       min_each=min_each, note=clean(note or "")[:1000], version=version, unit_id=unit_id,
                       origin_id=origin.id if origin is not None else None)
    db.session.add(cset)
    db.session.flush()
    record("create", cset, after=cset.audit_dict())
    return cset


def update_set(cset: CriteriaSet, *, name, year, criteria, pass_total, min_each=0, note="") -> CriteriaSet:
    """Edit a set nobody has been scored against yet; a set in use is only superseded."""
    if in_use(cset):
        raise CriteriaError("Bộ tiêu chí đã được dùng để chấm điểm, không sửa được. Hãy tạo phiên bản mới.")
    if cset.superseded_by_id:
        raise CriteriaError("Bộ tiêu chí này đã có phiên bản mới.")
    name, cleaned = _check(cset.title_kind, name, year, criteria, pass_total, min_each)
    if name != cset.name and db.session.scalar(select(CriteriaSet.id).where(
            _same_owner(cset.unit_id), CriteriaSet.name == name, CriteriaSet.version == cset.version,
            CriteriaSet.id != cset.id)):
        raise CriteriaError("Đã có bộ tiêu chí cùng tên và phiên bản.", "name")
    before = cset.audit_dict()
    cset.name, cset.year, cset.criteria = name, year, cleaned
    cset.pass_total, cset.min_each, cset.note = pass_total, min_each, clean(note or "")[:1000]
    record("update", cset, before=before, after=cset.audit_dict())
    return cset


def new_version(old: CriteriaSet, *, year, criteria, pass_total, min_each=0, note="") -> CriteriaSet:
    """Supersede `old` with version + 1; assessments scored on `old` keep pointing at it."""
    if old.superseded_by_id:
        raise CriteriaError("Bộ tiêu chí này đã có phiên bản mới; hãy sửa từ phiên bản mới nhất.")
    latest = db.session.scalar(select(func.max(CriteriaSet.version)).where(
        _same_owner(old.unit_id), CriteriaSet.name == old.name)) or 0
    cset = create_set(old.title_kind, old.name, year, criteria, pass_total, min_each, note, version=latest + 1,
                      unit=old.unit, origin=old.origin)
    old.superseded_by_id = cset.id
    record("supersede", old, after={"superseded_by_id": cset.id})
    return cset


def current_sets(title_kind: str | None = None) -> list[CriteriaSet]:
    """The shared sets not superseded (the default of every unit without its own copy), by title then name."""
    stmt = select(CriteriaSet).where(CriteriaSet.superseded_by_id.is_(None), CriteriaSet.unit_id.is_(None))
    if title_kind:
        stmt = stmt.where(CriteriaSet.title_kind == title_kind)
    return list(db.session.scalars(stmt.order_by(CriteriaSet.title_kind, CriteriaSet.name)))


def chain_ids(unit: Unit) -> list[int]:
    """`unit` and the units above it, top first (read from its materialised path "/1/4/9/")."""
    return [int(p) for p in (unit.path or "").strip("/").split("/") if p] or [unit.id]


def lineage(cset: CriteriaSet) -> str:
    """The shared set a set stands for: its own name when shared, its origin's name when a unit's copy."""
    if cset.unit_id is None or cset.origin is None:
        return cset.name
    return cset.origin.name


def sets_for(unit: Unit, title_kind: str | None = None) -> list[CriteriaSet]:
    """What new registrations in `unit` use: each current shared set, replaced by the current copy of
    the nearest unit on the way up from `unit` (itself first) that made one."""
    chain = chain_ids(unit)
    stmt = select(CriteriaSet).where(CriteriaSet.superseded_by_id.is_(None),
                                     or_(CriteriaSet.unit_id.is_(None), CriteriaSet.unit_id.in_(chain)))
    if title_kind:
        stmt = stmt.where(CriteriaSet.title_kind == title_kind)
    shared, copies = [], {}
    for s in db.session.scalars(stmt):
        if s.unit_id is None:
            shared.append(s)
            continue
        depth = chain.index(s.unit_id)
        key = lineage(s)
        if key not in copies or copies[key][0] < depth:
            copies[key] = (depth, s)
    chosen = [s for s in shared if s.name not in copies] + [s for _, s in copies.values()]
    return sorted(chosen, key=lambda s: (s.title_kind, s.name))


def choices_for(unit: Unit) -> list[CriteriaSet]:
    """The sets a user of `unit` may register with: what `unit` uses, and the copies of units below it
    (a registration there must use the copy; `register` checks the set against the chosen unit)."""
    below = db.session.scalars(select(CriteriaSet).where(
        CriteriaSet.superseded_by_id.is_(None), CriteriaSet.unit_id.in_(scope_unit_ids(unit)),
        CriteriaSet.unit_id != unit.id).order_by(CriteriaSet.title_kind, CriteriaSet.name)).all()
    return sets_for(unit) + list(below)


def visible_clause(unit: Unit):
    """The sets a user of `unit` sees: the shared ones, the copies of the units above it (which it
    uses) and of its own scope. Another commune's copy is not among them."""
    return or_(CriteriaSet.unit_id.is_(None), CriteriaSet.unit_id.in_(chain_ids(unit)),
               CriteriaSet.unit_id.in_(scope_unit_ids(unit)))


def visible(cset: CriteriaSet, unit: Unit | None) -> bool:
    if cset.unit_id is None:
        return True
    return unit is not None and (cset.unit_id in chain_ids(unit) or cset.unit.path.startswith(unit.path))


def copy_name(source: CriteriaSet, unit: Unit) -> str:
    base = lineage(source)
    return f"{base[:200 - len(unit.name) - 3]} – {unit.name}" if len(base) + len(unit.name) + 3 > 200 \
        else f"{base} – {unit.name}"


def copy_set(unit: Unit, source: CriteriaSet) -> CriteriaSet:
    """The unit's own copy of `source` (a current set the unit uses), version 1, named after the unit.

    From now on the unit and the units below it register against the copy (`sets_for`), which its
    admins edit and version; the shared set stays as it is for everyone else."""
    if source.superseded_by_id:
        raise CriteriaError("Bộ tiêu chí này đã có phiên bản mới; hãy tạo bản riêng từ phiên bản mới nhất.")
    key = lineage(source)
    own = [s for s in db.session.scalars(select(CriteriaSet).where(
        CriteriaSet.unit_id == unit.id, CriteriaSet.superseded_by_id.is_(None))) if lineage(s) == key]
    if own:
        raise CriteriaError(f"Đơn vị đã có bản riêng của bộ tiêu chí này: “{own[0].name}”. Hãy sửa bản đó.")
    origin = source if source.unit_id is None else source.origin
    note = f"Bản riêng của {unit.name}, sao từ “{source.name}” phiên bản {source.version}."
    return create_set(source.title_kind, copy_name(source, unit), source.year, source.criteria,
                      source.pass_total, source.min_each, note, unit=unit, origin=origin)


def evaluate(cset: CriteriaSet, scores: list[int]) -> tuple[int, bool]:
    """(total, passed) by the set's rule: total >= pass_total and no criterion under min_each."""
    if len(scores) != len(cset.criteria):
        raise CriteriaError("Số điểm không khớp số tiêu chí.", "scores")
    for score, c in zip(scores, cset.criteria):
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= int(c["max"]):
            raise CriteriaError(f"Điểm “{c['name']}” phải từ 0 đến {c['max']}.", "scores")
    total = sum(scores)
    return total, total >= cset.pass_total and all(s >= cset.min_each for s in scores)


def seed_sets() -> list[CriteriaSet]:
    """Insert the shipped sets that are not there yet (by name); returns those added."""
    added = []
    for spec in SEEDS:
        exists = db.session.scalar(select(func.count()).select_from(CriteriaSet)
                                   .where(CriteriaSet.name == spec["name"]))
        if not exists:
            added.append(create_set(spec["title_kind"], spec["name"], spec["year"], spec["criteria"],
                                    spec["pass_total"], spec["min_each"], spec["note"]))
    return added
