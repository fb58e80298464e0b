"""The awards list: every approved scholarship (suất học bổng) of a unit's subtree in a period.

It is the list the dashboard's and the year report's scholarship figures count, so it selects
exactly what app.reports.figures counts: approved nominations of the subtree's units, in rounds of
the subtree whose day (ceremony date, else the day the round was created) falls in the period; the
level is the school's, else guessed from the grade; a pupil may fall under several circumstances.
"""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import selectinload

from app.core.authz import scope_unit_ids
from app.extensions import db
from app.pupils.models import CIRCUMSTANCES, LEVEL_SHORT, Pupil, School
from app.reports.periods import Period
from app.units.models import Unit

from .models import APPROVED, Nomination, ScholarshipRound

NO_CIRCUMSTANCE = "khong"  # the filter value for "none of the circumstances"
PER_PAGE = 50


def level_expr():
    """The award's school level in SQL, as app.reports.figures._level computes it in Python."""
    grade = func.coalesce(Pupil.grade, 0)
    return case((func.coalesce(School.level, "") != "", School.level),
                (grade == 0, ""),
                (grade <= 5, "primary"),
                (grade <= 9, "lower_secondary"),
                else_="upper_secondary")


def round_ids(root: Unit, period: Period) -> list[int]:
    """The subtree's rounds whose day is in the period (few: read whole, tested in Python as the
    report facts do, so both agree on the day rule)."""
    rows = db.session.execute(select(ScholarshipRound.id, ScholarshipRound.ceremony_date,
                                     ScholarshipRound.created_at)
                              .where(ScholarshipRound.unit_id.in_(scope_unit_ids(root))))
    return [rid for rid, ceremony, created in rows if period.contains(ceremony or created.date())]


def award_query(root: Unit, period: Period, *, level: str = "", circumstance: str = ""):
    """select(Nomination) of the awards counted for root's subtree in the period, in list order
    (round, then the pupil's name in Vietnamese order)."""
    stmt = (select(Nomination)
            .join(Pupil, Pupil.id == Nomination.pupil_id)
            .outerjoin(School, School.id == Pupil.school_id)
            .join(ScholarshipRound, ScholarshipRound.id == Nomination.round_id)
            .where(Nomination.round_id.in_(round_ids(root, period) or [0]),
                   Nomination.status == APPROVED,
                   Nomination.unit_id.in_(scope_unit_ids(root))))
    if level == "none":
        stmt = stmt.where(level_expr() == "")
    elif level in LEVEL_SHORT:
        stmt = stmt.where(level_expr() == level)
    flags = [getattr(Pupil, key) for key in CIRCUMSTANCES]
    if circumstance == NO_CIRCUMSTANCE:
        stmt = stmt.where(not_(or_(*[f.is_(True) for f in flags])))
    elif circumstance in CIRCUMSTANCES:
        stmt = stmt.where(getattr(Pupil, circumstance).is_(True))
    return stmt.order_by(ScholarshipRound.id, Pupil.name_key, Nomination.id)


@dataclass
class AwardTotals:
    awards: int
    pupils: int
    amount: int
    paid: int
    paid_amount: int


def totals(stmt) -> AwardTotals:
    sub = stmt.order_by(None).with_only_columns(Nomination.pupil_id, Nomination.amount, Nomination.paid_on).subquery()
    paid = and_(sub.c.paid_on.isnot(None))
    row = db.session.execute(select(
        func.count(), func.count(sub.c.pupil_id.distinct()), func.coalesce(func.sum(sub.c.amount), 0),
        func.count().filter(paid), func.coalesce(func.sum(sub.c.amount).filter(paid), 0))).one()
    return AwardTotals(*(int(v or 0) for v in row))


def page_items(stmt, page: int) -> list[Nomination]:
    return list(db.session.scalars(stmt.options(selectinload(Nomination.round), selectinload(Nomination.unit))
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique())


def export_rows(stmt):
    stmt = stmt.options(selectinload(Nomination.round), selectinload(Nomination.unit))
    for n, a in enumerate(db.session.scalars(stmt.execution_options(yield_per=500)), 1):
        p = a.pupil
        yield (n, p.full_name, p.birth_text, p.class_text, p.school.name if p.school else "",
               LEVEL_SHORT.get(p.level, ""), ", ".join(p.circumstances), a.round.name, a.category.name,
               a.amount, a.paid_on, a.unit.name)


EXPORT_HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Lớp", "Trường", "Cấp học", "Hoàn cảnh", "Đợt học bổng",
                  "Loại học bổng", "Số tiền (đồng)", "Ngày chi trả", "Đơn vị đề cử"]
