"""Which rows a decision or a payout is for, read with plain values (issue 16, finding 6).

The views read the request (a core.selection.Selection, the list's filter as plain values) and hand
it here: the selection page's filter as SQL, the chosen rows, the plans a confirm page shows and the
acts that run them. Nothing here reads a form or a request; nothing commits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import Join

from app.core import selection
from app.core.authz import is_id
from app.core.paging import paginate_ids
from app.extensions import db
from app.pupils.models import Pupil
from app.units.models import Unit

from . import bulk, payout, services
from .models import STATUS_LABELS, Nomination, ScholarshipRound


def rounds_in_scope(unit: Unit):
    """The rounds of `unit` and below, newest first: the list page and its export."""
    return (select(ScholarshipRound).join(ScholarshipRound.unit)
            .where(Unit.path.startswith(unit.path)).order_by(ScholarshipRound.id.desc()))


def nominations_query(rnd: ScholarshipRound, status: str = "", category_id: int | None = None):
    """The round's nominations (of one status, of one category), in Vietnamese name order."""
    stmt = select(Nomination).join(Pupil, Pupil.id == Nomination.pupil_id).where(Nomination.round_id == rnd.id)
    if status in STATUS_LABELS:
        stmt = stmt.where(Nomination.status == status)
    if category_id:
        stmt = stmt.where(Nomination.category_id == category_id)
    return stmt.order_by(Pupil.name_key, Nomination.id)


def nominations_page(rnd: ScholarshipRound, status: str, category_id: int | None, page: int, per_page: int):
    """One page of the selection list: counted first (without the join to pupil, which only orders
    the page; the count also brings the number of pupils), then the page's ids in name order, then
    those rows. The same three statements whichever way the ids are read."""
    page = max(1, min(page or 1, 1_000_000))
    stmt = nominations_query(rnd, status, category_id)
    matched = select(Nomination.id).where(stmt.whereclause).subquery()
    total, pupils = db.session.execute(select(func.count(), select(func.max(Pupil.id)).scalar_subquery())
                                       .select_from(matched)).one()
    if db.session.get_bind().dialect.name == "sqlite" and _walk_pupils(total, pupils or 0, page * per_page):
        stmt = (select(Nomination).select_from(_pupils_first()).where(stmt.whereclause)
                .order_by(Pupil.name_key, Nomination.id))
    return paginate_ids(stmt, Nomination, page, per_page, total=total)


def _walk_pupils(count: int, pupils: int, reach: int) -> bool:
    """Cheaper to walk the pupils in name order (their index) and pick the round's, than to sort all
    the round's nominations? The walk reads about reach × pupils / count index entries, the sort
    `count` rows (10,000 for a province's round: 10 to 25 ms on SQLite, whose planner always sorts)."""
    return count >= WALK_FROM and reach * pupils <= count * count // 2


WALK_FROM = 1000  # below this many nominations the sort takes about a millisecond anyway


class _PupilsFirst(Join):
    """pupil JOIN nomination, written CROSS JOIN for SQLite: its planner then keeps pupil as the
    outer loop (SQLite's documented way to fix a join order) and reads pupils in name order."""

    inherit_cache = True


@compiles(_PupilsFirst, "sqlite")
def _cross_join(element, compiler, **kw):
    return compiler.visit_join(element, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


def _pupils_first():
    return _PupilsFirst(Pupil.__table__, Nomination.__table__, Pupil.__table__.c.id == Nomination.__table__.c.pupil_id)


def read_filter(args) -> tuple[str, int | None]:
    """(status, category id) of the selection page's filter (`trang_thai`, `loai`), as plain values."""
    category_id = args.get("loai", type=int)
    return args.get("trang_thai", ""), category_id if is_id(category_id) else None


def of_round(rnd: ScholarshipRound, ids) -> list[Nomination] | None:
    """The nominations with these ids; None when one is no id or belongs to another round (a
    hand-made POST: the view answers 404). Unknown ids are left out."""
    if not ids:
        return []
    if not all(is_id(i) for i in ids):
        return None
    rows = db.session.scalars(select(Nomination).where(Nomination.id.in_(ids))).all()
    return None if any(n.round_id != rnd.id for n in rows) else rows


# ---- approving many ----------------------------------------------------------------------------

def approval_plan(rnd: ScholarshipRound, sel: selection.Selection, *, budget: bool) -> bulk.Plan:
    """What approving the selection (or "within the budget") would do; SelectionError when the
    choice is refused."""
    if budget:
        category_id = sel.args.get("loai", type=int)
        plan = bulk.budget_plan(rnd, category_id if category_id and category_id > 0 else None)
        if plan.count > selection.MAX_BULK:
            raise selection.SelectionError(f"Mỗi lần chỉ duyệt được tối đa {selection.MAX_BULK} đề cử; "
                                           "hãy lọc theo loại học bổng.")
        return plan
    stmt = nominations_query(rnd, *read_filter(sel.args))
    ids = sel.resolve(all_ids=lambda: db.session.scalars(bulk.pending_ids_stmt(stmt)))
    return bulk.approval_plan(rnd, bulk.load(rnd, ids), picked=sel.scope == selection.PICKED)


def approve_selection(rnd: ScholarshipRound, sel: selection.Selection, *, budget: bool) -> bulk.Plan:
    """Approve exactly the rows the confirm page showed (refused when they changed meanwhile)."""
    plan = approval_plan(rnd, sel, budget=budget)
    sel.check_unchanged(plan.ids)
    if not plan.rows:
        raise services.RoundError("Không có đề cử nào cần duyệt.")
    bulk.approve_plan(rnd, plan)
    return plan


# ---- paying many -------------------------------------------------------------------------------

def payout_plan(rnd: ScholarshipRound, sel: selection.Selection, school_id: int | None) -> bulk.Plan:
    """The approved, unpaid awards of the selection in sheet order; SelectionError when refused."""
    ids = sel.resolve(all_ids=lambda: db.session.scalars(bulk.unpaid_ids_stmt(rnd, school_id)))
    return bulk.payout_plan(rnd, bulk.load(rnd, ids))


def payout_plan_or_none(rnd: ScholarshipRound, sel: selection.Selection, school_id: int | None) -> bulk.Plan:
    """The plan as the rows are now, for a confirm page shown again; an empty one when the choice is refused."""
    try:
        return payout_plan(rnd, sel, school_id)
    except selection.SelectionError:
        return bulk.Plan()


def pay_selection(rnd: ScholarshipRound, sel: selection.Selection, school_id: int | None, *, paid_on: date,
                  control_total: int, future_ok: bool = False, check_unchanged: bool = True) -> bulk.Plan:
    """Pay exactly the rows the confirm page showed, against the control total, in one go.
    `check_unchanged` False: the older one-step form, which showed no confirm page."""
    plan = payout_plan(rnd, sel, school_id)
    if check_unchanged:
        sel.check_unchanged(plan.ids)
    if not plan.rows:
        raise services.RoundError("Không còn suất nào chưa chi trong lựa chọn này.", "ids")
    payout.pay_many(rnd, plan.rows, paid_on, control_total, future_ok=future_ok)
    return plan


__all__ = ["rounds_in_scope", "nominations_query", "nominations_page", "read_filter", "of_round", "approval_plan",
           "approve_selection", "payout_plan", "payout_plan_or_none", "pay_selection"]
