"""What a bulk action on a round would do, read before anything is written (issue 14 A, B).

A plan lists the nominations that will be acted on, in order, with the money and goods they move,
and the ones left aside with the reason. The confirm page shows it; the confirm re-reads the plan
and acts on exactly those rows (services.approve / payout.pay_many check the rules again).

Priority for "approve within budget" (the round has no priority column; it is defined from what
the nominations already record, and printed on the confirm page):
  1. pupils in more hardship circumstances first (hộ nghèo, hộ cận nghèo, mồ côi, khuyết tật, dân tộc
     thiểu số, hoàn cảnh khó khăn khác: each counts one);
  2. then the earlier nomination first (the order proposals came in);
and the nominations are taken in that order while their money fits in what is left of the round's
budget (and of the fund, and within each category's quota). It stops at the first one whose money
no longer fits: nobody of lower priority is approved while a higher one is left out for lack of money.
A category whose quota is full is skipped (it does not stop the others); a pupil gets one award.
"""
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, or_, select

from app.extensions import db
from app.funds.models import LedgerEntry
from app.goods.models import GoodsEntry
from app.pupils.models import CIRCUMSTANCES, Pupil
from app.users.models import User
from app.vn.money import format_vnd

from . import payout, services
from .models import APPROVED, PENDING, Nomination, ScholarshipRound

PRIORITY_TEXT = ("Thứ tự ưu tiên: học sinh thuộc nhiều diện khó khăn hơn (hộ nghèo, cận nghèo, mồ côi, khuyết tật, "
                 "dân tộc thiểu số, khó khăn khác) xét trước; cùng mức thì đề cử sớm hơn xét trước. Dừng khi số "
                 "tiền của suất tiếp theo vượt phần ngân sách (hoặc quỹ) còn lại.")


@dataclass
class Plan:
    rows: list[Nomination] = field(default_factory=list)  # acted on, in this order
    skipped: list[tuple[Nomination, str]] = field(default_factory=list)  # left aside, with why
    stop: str = ""  # why a budget plan stopped

    @property
    def ids(self) -> list[int]:
        return [n.id for n in self.rows]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> int:
        return sum(_amount(n) for n in self.rows)

    @property
    def goods_text(self) -> str:
        return payout.goods_of(self.rows).text()


def _amount(n: Nomination) -> int:
    """What the award pays: its own amount once approved, else its category's."""
    return n.amount if n.status == APPROVED else n.category.amount


def load(rnd: ScholarshipRound, ids: list[int]) -> list[Nomination]:
    """The round's nominations with these ids, in the order of `ids` (ids of other rounds are dropped:
    the selection only carries ids the page showed, so a foreign one is a hand-made POST)."""
    if not ids:
        return []
    rows = {n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.id.in_(ids),
                                                                         Nomination.round_id == rnd.id))}
    return [rows[i] for i in ids if i in rows]


# ---- approving ---------------------------------------------------------------------------------

def approval_plan(rnd: ScholarshipRound, nominations: list[Nomination], *, picked: bool) -> Plan:
    """Approving the chosen rows. Ticked rows (picked) may include rejected ones (the user chose
    them one by one); "this page" and "all matching" take pending rows only, so a filter on every
    status never reverses a refusal unseen."""
    plan = Plan()
    for n in nominations:
        if n.status == APPROVED:
            plan.skipped.append((n, "đã duyệt"))
        elif n.status != PENDING and not picked:
            plan.skipped.append((n, "đã ghi không duyệt (chọn riêng từng dòng nếu muốn duyệt lại)"))
        else:
            plan.rows.append(n)
    return plan


def _hardship_score():
    """How many hardship circumstances the pupil is in, as SQL (a NULL flag counts as no)."""
    return sum((case((getattr(Pupil, key).is_(True), 1), else_=0) for key in CIRCUMSTANCES), start=literal(0))


def candidates_by_priority(rnd: ScholarshipRound, category_id: int | None = None) -> list[Nomination]:
    """Pending nominations of the round, highest priority first (see the module docstring)."""
    stmt = (select(Nomination).join(Pupil, Pupil.id == Nomination.pupil_id)
            .where(Nomination.round_id == rnd.id, Nomination.status == PENDING))
    if category_id:
        stmt = stmt.where(Nomination.category_id == category_id)
    return list(db.session.scalars(stmt.order_by(_hardship_score().desc(), Nomination.id)))


def budget_plan(rnd: ScholarshipRound, category_id: int | None = None) -> Plan:
    """All eligible pending nominations, highest priority first, while the budget (and fund) lasts."""
    t = services.totals(rnd)
    room = min(t.budget_left, t.fund_left)
    limit_name = "ngân sách đợt" if t.budget_left <= t.fund_left else f"quỹ “{rnd.fund.name}”"
    approved_pupils = set(db.session.scalars(select(Nomination.pupil_id).where(
        Nomination.round_id == rnd.id, Nomination.status == APPROVED)))
    quota_left = {}
    for c in rnd.categories:
        if c.quota is not None:
            have = db.session.scalar(select(func.count()).select_from(Nomination).where(
                Nomination.category_id == c.id, Nomination.status == APPROVED)) or 0
            quota_left[c.id] = c.quota - have
    plan = Plan()
    queue = candidates_by_priority(rnd, category_id)
    for i, n in enumerate(queue):
        if n.pupil_id in approved_pupils:
            plan.skipped.append((n, "học sinh đã có suất được duyệt trong đợt"))
            continue
        if quota_left.get(n.category_id, 1) <= 0:
            plan.skipped.append((n, f"loại “{n.category.name}” đã đủ số suất"))
            continue
        need = n.category.amount
        if need > room:
            plan.stop = (f"Dừng ở {n.pupil.full_name}: suất {format_vnd(need)} vượt phần {limit_name} còn lại "
                         f"{format_vnd(room)}. Còn {len(queue) - i} đề cử chờ duyệt chưa được xét.")
            break
        plan.rows.append(n)
        room -= need
        approved_pupils.add(n.pupil_id)
        if n.category_id in quota_left:
            quota_left[n.category_id] -= 1
    return plan


def approve_plan(rnd: ScholarshipRound, plan: Plan) -> ScholarshipRound:
    """Approve the plan's rows in one go (all or none: services.approve checks budget, fund, quotas)."""
    services.approve(rnd, plan.rows)
    return rnd


# ---- paying ------------------------------------------------------------------------------------

def payout_plan(rnd: ScholarshipRound, nominations: list[Nomination]) -> Plan:
    """Paying the chosen awards: approved and unpaid ones, in the signing sheet's order (the order
    their phiếu chi will be numbered in)."""
    plan = Plan()
    for n in payout.in_sheet_order(nominations):
        if n.status != APPROVED:
            plan.skipped.append((n, "chưa được duyệt"))
        elif n.is_paid:
            plan.skipped.append((n, "đã chi trả"))
        else:
            plan.rows.append(n)
    return plan


def unpaid_ids_stmt(rnd: ScholarshipRound, school_id: int | None = None):
    """Ids of the approved, unpaid awards (of one school), in sheet order: "pay all matching"."""
    return (payout.approved_query(rnd, school_id).where(Nomination.paid_on.is_(None))
            .with_only_columns(Nomination.id))


def pending_ids_stmt(filtered):
    """Ids of the pending rows of a filtered nomination select, in its order: "approve all matching"."""
    return filtered.where(Nomination.status == PENDING).with_only_columns(Nomination.id)


# ---- separation of duties (issue 14 B) ---------------------------------------------------------

def same_person(rnd: ScholarshipRound) -> list[tuple[str, int]]:
    """[(full name, awards)] of the people who both approved and paid awards of the round.

    Who approved: nomination.decided_by_id. Who paid: the user who posted the award's phiếu chi (or,
    for an award in goods only, its phiếu xuất). Read from the records, so it also covers old payouts.
    """
    payer = func.coalesce(LedgerEntry.created_by_id, GoodsEntry.created_by_id)
    rows = db.session.execute(
        select(User.full_name, func.count(Nomination.id))
        .select_from(Nomination)
        .outerjoin(LedgerEntry, LedgerEntry.id == Nomination.paid_entry_id)
        .outerjoin(GoodsEntry, GoodsEntry.id == Nomination.goods_entry_id)
        .join(User, User.id == Nomination.decided_by_id)
        .where(Nomination.round_id == rnd.id, Nomination.status == APPROVED, Nomination.paid_on.is_not(None),
               or_(Nomination.paid_entry_id.is_not(None), Nomination.goods_entry_id.is_not(None)),
               payer == Nomination.decided_by_id)
        .group_by(User.id, User.full_name).order_by(User.full_name)).all()
    return [(name, int(count)) for name, count in rows]


def same_person_text(rnd: ScholarshipRound) -> str:
    """"Người duyệt và người chi là một: Nguyễn Văn A (12 suất)" or ""."""
    found = same_person(rnd)
    if not found:
        return ""
    return "Người duyệt và người chi là một: " + "; ".join(f"{name} ({count} suất)" for name, count in found)


__all__ = ["Plan", "PRIORITY_TEXT", "load", "approval_plan", "budget_plan", "approve_plan", "payout_plan",
           "candidates_by_priority", "unpaid_ids_stmt", "pending_ids_stmt", "same_person", "same_person_text"]
