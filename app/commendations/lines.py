"""Acting on many lines of a decision's list at once (issue 14 A): take lines off a draft, print the
certificates of some lines, pay again the prizes of lines whose payment was reversed.

The views read the choice (app.core.selection: picked / this page / all matching the list's filter)
and call these services, which own the rules: what each action may touch, what it would do (a
Plan: the lines, their money and goods, the lines left out and why), and the one-transaction write.
Services never commit; each line's change is audited as when it is done one by one.
"""
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from sqlalchemy import select

from app.core.refusal import Refusal
from app.extensions import db

from . import prize_goods, prizes
from .models import Decision, Honoree
from .services import CommendationError, check_draft, remove_honoree


@dataclass
class Plan:
    """What an action on the chosen lines would do: the lines it acts on (list order), their
    prize money and goods, and the chosen lines it leaves out with the reason."""

    rows: list[Honoree]
    skipped: list[tuple[Honoree, str]] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [h.id for h in self.rows]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def total(self) -> int:
        return sum(h.amount for h in self.rows)

    @property
    def goods_text(self) -> str:
        return prize_goods.tally(self.rows).text()


def load(d: Decision, ids: list[int]) -> list[Honoree]:
    """The decision's lines with these ids, in the order of `ids` (an id of another decision is dropped:
    the form only carries ids, the decision was scope-checked by the view)."""
    found = {}
    for i in range(0, len(ids), 500):
        for h in db.session.scalars(select(Honoree).where(Honoree.decision_id == d.id,
                                                          Honoree.id.in_(ids[i:i + 500]))):
            found[h.id] = h
    return [found[i] for i in ids if i in found]


def plan_for(chosen: Callable[[], list[Honoree]],
             plan_of: Callable[[list[Honoree]], Plan]) -> tuple[Plan, Refusal | None]:
    """(the plan of the chosen lines, None), or (an empty plan, the refusal saying why there is none):
    the confirm page shows the refusal where the plan would be. Nothing written."""
    try:
        return plan_of(chosen()), None
    except Refusal as err:
        return Plan([]), err


def carry_out(plan: Plan, sel, work: Callable[[list[Honoree]], object]):
    """`work(plan.rows)` once the chosen lines are still those the confirm page showed (`sel`, an
    app.core.selection.Selection, refuses otherwise) and there is at least one."""
    sel.check_unchanged(plan.ids)
    if not plan.rows:
        raise CommendationError("Không còn dòng nào để làm trong lựa chọn này.")
    return work(plan.rows)


# ---- taking lines off a draft --------------------------------------------------------------------

def removal_plan(d: Decision, rows: list[Honoree]) -> Plan:
    check_draft(d)
    return Plan(rows)


def remove_many(d: Decision, rows: list[Honoree]) -> int:
    """Take the lines off the draft, each audited; CommendationError once it is issued."""
    check_draft(d)
    for h in rows:
        remove_honoree(h)
    return len(rows)


# ---- paying again after a reversal ("each" mode) ---------------------------------------------------

def payment_plan(d: Decision, rows: list[Honoree]) -> Plan:
    """The chosen lines whose prize can be paid now: issued, paid per person, with money or goods,
    and not paid (a reversal left them unpaid)."""
    if not d.frozen:
        raise CommendationError("Quyết định chưa ban hành: tiền thưởng chỉ được chi khi ban hành.")
    if d.payment_mode == "total":
        raise CommendationError(f"Tiền thưởng của Quyết định {d.number} được chi bằng một phiếu chi tổng: "
                                "hãy chi lại ở trang quyết định.")
    plan = Plan([])
    for h in rows:
        if h.amount <= 0 and h.goods_quantity is None:
            plan.skipped.append((h, "không có tiền thưởng"))
        elif prizes.is_paid(h):
            plan.skipped.append((h, "đã chi"))
        else:
            plan.rows.append(h)
    return plan


def pay_many(d: Decision, rows: list[Honoree], paid_on: date, control_total: int | None) -> int:
    """Pay the lines' prizes again dated `paid_on`, one phiếu chi each, in list order (the numbers
    follow the printed list); the control total typed by the treasurer must equal their sum."""
    plan = payment_plan(d, rows)
    if len(plan.rows) != len(rows):
        raise CommendationError("Có dòng đã được chi hoặc không có tiền thưởng: hãy xem lại.", "control_total")
    if control_total is None or control_total != plan.total:
        raise CommendationError("Tổng tiền kiểm tra phải bằng tổng số tiền sẽ chi ở trên.", "control_total")
    if d.fund is None and plan.total > 0:
        raise CommendationError("Quyết định chưa có quỹ chi tiền thưởng.", "paid_on")
    for h in plan.rows:
        prizes.pay_prize(h, paid_on)
    return plan.count
