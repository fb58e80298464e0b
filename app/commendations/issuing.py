"""Issuing a decision: freeze it, number the honours in the register, pay the prizes.

All of it happens in the caller's one write transaction: if the fund cannot pay, nothing is
issued and no register number is taken (the counter update rolls back with the rest), so the
register stays gap-free and a number, once issued, names one honour for ever.
"""

from app.audit.duties import same_person
from app.audit.services import record
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.funds import services as funds
from app.vn.money import format_vnd

from . import prize_goods
from .models import DRAFT, ISSUED, Decision
from .prizes import hand_over
from .queries import totals
from .services import CommendationError, check_draft, honorees, next_register_number


def issue(d: Decision) -> Decision:
    """Freeze `d`: register numbers in the list's Vietnamese order, then the prize payments.

    Raises CommendationError (nothing to issue, no fund, fund short of money); the caller rolls back.
    """
    check_draft(d)
    rows = honorees(d)
    if not rows:
        raise CommendationError("Danh sách khen thưởng đang trống.")
    count, total = totals(d)
    if total > 0:
        fund = d.fund
        if fund is None:
            raise CommendationError("Vui lòng chọn quỹ chi tiền thưởng trước khi ban hành.", "fund_id")
        available = funds.balance(fund)
        if available < total:
            raise CommendationError(
                f"Quỹ “{fund.name}” không đủ tiền thưởng: hiện có {format_vnd(available)}, "
                f"cần {format_vnd(total)} cho {count} người. Hãy nộp thêm vào quỹ hoặc giảm mức thưởng.",
                "fund_id")
    goods = prize_goods.tally(rows)
    if goods:  # prizes in goods: the unit's stock must cover the whole list (one message, nothing written)
        prize_goods.check_stock(d, rows)
    before = d.audit_dict()
    for h in rows:
        h.register_number = next_register_number(d.unit_id)
    try:
        if total > 0 or goods:
            _pay(d, rows, total)
    except funds.FundError as err:  # the ledger's refusal, said beside the decision's fund
        raise err.at("fund_id") from None
    d.status = ISSUED
    d.issued_at = utcnow()
    d.issued_by_id = actor_id()
    # Issuing pays the prizes in the same step: one person both issued and paid (said, never silent).
    paid_here = same_person(d.issued_by_id, first="ban hành", second="chi") if (total > 0 or goods) else {}
    record("issue", d, before=before, after={**d.audit_dict(), "count": count, "total": total,
                                             "goods": goods.text(),
                                             "register": [rows[0].register_number, rows[-1].register_number],
                                             **paid_here})
    return d


def _pay(d: Decision, rows, total: int) -> None:
    """The prize payments at issue, dated the decision's date: through prizes.hand_over, the one
    place that pays a prize (paying again after a reversal goes through it too)."""
    if d.payment_mode == "total":
        hand_over(d, d.decision_date)
        return
    for h in rows:
        if h.amount > 0 or h.goods_quantity is not None:  # money and/or goods (AWARD-GOODS)
            hand_over(h, d.decision_date)


def is_draft(d: Decision) -> bool:
    return d.status == DRAFT
