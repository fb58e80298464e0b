"""Which rows a decision or a payout is for, read with plain values (issue 16, finding 6).

The views read the request (a core.selection.Selection, the list's filter as plain values) and hand
it here: the selection page's filter as SQL, the chosen rows, the plans a confirm page shows and the
acts that run them. Nothing here reads a form or a request; nothing commits.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

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
    """One page of the selection list. Counted without the join to pupil, which only orders the page
    (the WHERE is on nomination alone)."""
    stmt = nominations_query(rnd, status, category_id)
    return paginate_ids(stmt, Nomination, max(1, min(page or 1, 1_000_000)), per_page,
                        count_stmt=select(Nomination).where(stmt.whereclause))


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
