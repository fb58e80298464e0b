"""The honorees list across decisions: everyone commended by the issued decisions of a unit's
subtree dated in a period. It is the list the dashboard's and the year report's commendation
figures count (app.reports.figures reads issued decisions by unit and decision date), so it
selects the same rows."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.authz import scope_unit_ids
from app.extensions import db
from app.reports.periods import Period
from app.units.models import Unit

from .models import HONOREE_KINDS, ISSUED, Decision, Honoree

PER_PAGE = 50
EXPORT_HEADERS = ["STT", "Họ và tên", "Đối tượng", "Năm sinh", "Lớp, trường / nơi ở", "Thành tích",
                  "Số quyết định", "Ngày quyết định", "Số vào sổ", "Tiền thưởng (đồng)", "Đơn vị"]


def honoree_query(root: Unit, period: Period, *, kind: str = ""):
    """select(Honoree) of root's subtree's issued decisions dated in the period, in list order
    (decision date, decision, then the register number the decision gave)."""
    stmt = (select(Honoree).join(Decision, Decision.id == Honoree.decision_id)
            .where(Decision.unit_id.in_(scope_unit_ids(root)), Decision.status == ISSUED,
                   Decision.decision_date >= period.start, Decision.decision_date <= period.end))
    if kind in HONOREE_KINDS:
        stmt = stmt.where(Honoree.kind == kind)
    return stmt.order_by(Decision.decision_date, Decision.id, Honoree.register_number, Honoree.id)


def totals(stmt) -> tuple[int, int]:
    """(honorees, prize money) of a honoree_query."""
    sub = stmt.order_by(None).with_only_columns(Honoree.amount).subquery()
    n, amount = db.session.execute(select(func.count(), func.coalesce(func.sum(sub.c.amount), 0))).one()
    return int(n), int(amount)


def page_items(stmt, page: int) -> list[Honoree]:
    return list(db.session.scalars(stmt.options(selectinload(Honoree.decision), selectinload(Honoree.unit))
                                   .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))


def export_rows(stmt):
    stmt = stmt.options(selectinload(Honoree.decision), selectinload(Honoree.unit))
    for n, h in enumerate(db.session.scalars(stmt.execution_options(yield_per=500)), 1):
        yield (n, h.full_name, h.kind_label, h.birth_text, h.place, h.achievement, h.decision.number,
               h.decision.decision_date, h.register_number, h.amount, h.unit.name)
