"""Learning-title assessments: register for a year, score per criterion, pass by the set's rule."""
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.services import record
from app.core.authz import scope_unit_ids
from app.extensions import db
from app.units.models import Unit
from app.vn.names import join_name, name_sort_key, same_name, split_name, word_key
from app.vn.text import clean, fold

from . import criteria as crit
from .models import COLLECTIVE_KINDS, ISSUED, TITLE_KINDS, Assessment, CriteriaSet, Decision, Honoree

AssessmentError = crit.CriteriaError


def name_parts(name: str, collective: bool) -> tuple[str, str, str]:
    """(họ, đệm, tên): a person's name split, a collective's name whole in tên."""
    name = clean(name or "")
    return ("", "", name) if collective else split_name(name)


def register(unit: Unit, cset: CriteriaSet, name: str, year: int, village: str = "", note: str = "") -> Assessment:
    """Register a family (clan, community, unit, citizen) for the set's title in `year`."""
    if cset.superseded_by_id:
        raise AssessmentError("Bộ tiêu chí này đã có phiên bản mới; hãy chọn phiên bản mới.", "criteria_set_id")
    # A unit scores against its own copy when it (or a unit above it) made one, else the shared set;
    # never against another unit's copy.
    if cset.id not in {s.id for s in crit.sets_for(unit, cset.title_kind)}:
        raise AssessmentError(f"{unit.name} không dùng bộ tiêu chí này (đơn vị có bản riêng, hoặc đây là bản "
                              "riêng của đơn vị khác). Hãy chọn bộ tiêu chí của đơn vị.", "criteria_set_id")
    ho, dem, ten = name_parts(name, cset.title_kind in COLLECTIVE_KINDS)
    if not ten:
        raise AssessmentError("Vui lòng nhập tên.", "name")
    if len(ten) > 200 or len(dem) > 100 or len(ho) > 60:
        raise AssessmentError("Tên dài quá.", "name")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise AssessmentError("Năm không hợp lệ.", "year")
    village = clean(village or "")[:200]
    full = " ".join(p for p in (ho, dem, ten) if p)
    # The folded key finds the candidates; the same name with its diacritics (same_name) decides.
    dup = any(same_name(full, join_name(*parts)) for parts in db.session.execute(
        select(Assessment.ho, Assessment.dem, Assessment.ten).where(
            Assessment.unit_id == unit.id, Assessment.year == year, Assessment.kind == cset.title_kind,
            Assessment.search_key == fold(full + " " + village))))
    if dup:
        raise AssessmentError(f"“{full}” đã đăng ký danh hiệu này trong năm {year}.", "name")
    a = Assessment(unit=unit, criteria_set=cset, kind=cset.title_kind, year=year, ho=ho, dem=dem, ten=ten,
                   name_key=name_sort_key(ho, dem, ten), search_key=fold(full + " " + village),
                   village=village, note=clean(note or "")[:300])
    db.session.add(a)
    db.session.flush()
    record("create", a, after=a.audit_dict())
    return a


def honoured_by(a: Assessment) -> str | None:
    """The number of an issued decision that honours `a`, if any."""
    return db.session.scalar(select(Decision.number).join(Honoree, Honoree.decision_id == Decision.id)
                             .where(Honoree.assessment_id == a.id, Decision.status == ISSUED).limit(1))


def score(a: Assessment, scores: list[int]) -> Assessment:
    """Store the scores; total and pass/fail come from the set the assessment registered with.

    Once an issued decision honours the assessment its scores are what was signed: rescoring
    would leave a title standing on a result that no longer passes.
    """
    number = honoured_by(a)
    if number:
        raise AssessmentError(f"Hồ sơ đã được công nhận tại Quyết định số {number} (đã ban hành) nên không chấm lại "
                              f"được. Muốn thay đổi, hãy lập quyết định sửa đổi.")
    total, passed = crit.evaluate(a.criteria_set, scores)
    before = a.audit_dict()
    a.scores, a.total, a.passed = list(scores), total, passed
    record("score", a, before=before, after=a.audit_dict())
    return a


@dataclass
class VillageRow:
    village: str
    kind: str
    assessed: int
    passed: int
    raw: str = ""  # the village as stored ("" when none was written), for the filter link

    @property
    def kind_label(self) -> str:
        return TITLE_KINDS.get(self.kind, self.kind)

    @property
    def percent(self) -> int:
        """Share recognised among those scored, rounded half up (targets are whole percents)."""
        return (self.passed * 200 + self.assessed) // (2 * self.assessed) if self.assessed else 0


# The steps of a learning title (the organisation counts link to each): registered (every
# assessment of the year), assessed (scored), recognised (named on an issued decision).
STEPS = {"dang-ky": "Đã đăng ký", "da-cham": "Đã chấm điểm", "cong-nhan": "Được công nhận"}


def recognised_ids():
    """The ids of assessments named on an issued decision (a subquery)."""
    return (select(Honoree.assessment_id).join(Decision, Decision.id == Honoree.decision_id)
            .where(Honoree.assessment_id.is_not(None), Decision.status == ISSUED))


def in_scope(root: Unit, year: int | None = None, kind: str = "", village: str = "", step: str = ""):
    """Assessments of `root` and below, in Vietnamese name order; `step` (STEPS) keeps those scored
    ("da-cham") or recognised ("cong-nhan"); "dang-ky" is every registered one."""
    stmt = select(Assessment).where(Assessment.unit_id.in_(scope_unit_ids(root)))
    if step == "da-cham":
        stmt = stmt.where(Assessment.passed.is_not(None))
    elif step == "cong-nhan":
        stmt = stmt.where(Assessment.id.in_(recognised_ids()))
    if year:
        stmt = stmt.where(Assessment.year == year)
    if kind:
        stmt = stmt.where(Assessment.kind == kind)
    if village:
        stmt = stmt.where(Assessment.village == village)
    return stmt.order_by(Assessment.village, Assessment.name_key)


def villages(root: Unit) -> list[str]:
    """The villages named on assessments of `root` and below, in Vietnamese order (the filter's choices)."""
    names = db.session.scalars(select(Assessment.village).distinct()
                               .where(Assessment.unit_id.in_(scope_unit_ids(root)), Assessment.village != "")).all()
    return sorted(names, key=word_key)


def village_summary(assessments: list[Assessment]) -> list[VillageRow]:
    """Per village and title: how many were scored and how many passed (and the percentage)."""
    rows: dict[tuple, VillageRow] = {}
    for a in assessments:
        if a.passed is None:
            continue
        row = rows.setdefault((a.village, a.kind), VillageRow(a.village or "(chưa ghi thôn)", a.kind, 0, 0,
                                                               a.village))
        row.assessed += 1
        row.passed += int(a.passed)
    return sorted(rows.values(), key=lambda r: (fold(r.village), r.kind))
