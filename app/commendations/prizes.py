"""Prize money of an issued decision: paid at issue, reversed, paid again; always in step with the ledger.

Who holds the payment (the "target"):
- payment_mode "each": every honoree with an amount is paid by a phiếu chi of its own
  (source "prize", source_id = honoree id), pointed at by Honoree.payment_entry_id;
- payment_mode "total": one phiếu chi for the whole list (source "prize", source_id = decision id),
  pointed at by Decision.payment_entry_id.

The state is that pointer and nothing else: a target is paid while it points at its live phiếu chi
and unpaid while it is NULL. reverse_prize() voids the phiếu chi through app.funds.services.reverse
and clears the pointer in the same transaction; pay_prize() posts a new phiếu chi and sets it. So a
paid prize has exactly one live payment entry, an unpaid one none (app.books checks this), and
the voided vouchers stay in the ledger with their reversals as history.

Everything handed over for a prize goes through hand_over() / take_back(): issuing, paying again and
reversing all call them, so goods given with a prize (AWARD-GOODS) are added there, once.
Services never commit; each write is audited in the caller's transaction.
"""
from datetime import date

from sqlalchemy import func, select

from app.audit.duties import same_person
from app.audit.services import record
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry

from . import prize_goods
from .models import ISSUED, Decision, Honoree
from .services import CommendationError

# ---- what is paid, and by which voucher -------------------------------------------------------

def target_of(obj):
    """The record that holds the payment for `obj` (an honoree or a decision): the honoree in
    "each" mode, the decision in "total" mode."""
    d = obj if isinstance(obj, Decision) else obj.decision
    return d if d.payment_mode == "total" else obj


def decision_of(target) -> Decision:
    return target if isinstance(target, Decision) else target.decision


def amount_of(target) -> int:
    """The prize money the target's voucher carries (the list's total for a decision)."""
    if isinstance(target, Honoree):
        return target.amount
    return int(db.session.scalar(select(func.coalesce(func.sum(Honoree.amount), 0))
                                 .where(Honoree.decision_id == target.id)) or 0)


def is_paid(target) -> bool:
    # A prize in goods only is paid while its goods are out of the stock (AWARD-GOODS).
    return target.payment_entry_id is not None or prize_goods.handed_out(target)


def entry_of(target) -> LedgerEntry | None:
    """The target's live phiếu chi (None while unpaid)."""
    return db.session.get(LedgerEntry, target.payment_entry_id) if target.payment_entry_id else None


def owner_of_entry(entry) -> Honoree | Decision | None:
    """The honoree or decision a "prize" ledger entry pays, voided or not.

    A live voucher is found by its pointer. A voided one lost its pointer: source_id names an
    honoree in "each" mode or a decision in "total" mode, so the candidate whose decision pays from
    the entry's fund in that mode (and, should both fit, whose number the entry's basis names) owns it.
    """
    for model in (Honoree, Decision):
        found = db.session.scalar(select(model).where(model.payment_entry_id == entry.id))
        if found is not None:
            return found
    if not entry.source_id:
        return None
    found = []
    h = db.session.get(Honoree, entry.source_id)
    if h is not None and h.decision.payment_mode != "total" and h.decision.fund_id == entry.fund_id:
        found.append(h)
    d = db.session.get(Decision, entry.source_id)
    if d is not None and d.payment_mode == "total" and d.fund_id == entry.fund_id:
        found.append(d)
    if len(found) > 1:
        found = [t for t in found if entry.basis == _basis(decision_of(t))]
    return found[0] if len(found) == 1 else None


def _basis(d: Decision) -> str:
    return f"QĐ {d.number}"[:100]


def label_of(target) -> str:
    """"Nguyễn Văn An (QĐ 15/QĐ-HKH)" or "Quyết định 15/QĐ-HKH": what the pages and messages name."""
    if isinstance(target, Honoree):
        return f"{target.full_name} (Quyết định {target.decision.number})"
    return f"Quyết định {target.number}"


# ---- handing over and taking back: the one place for money (and, later, goods) --------------------

def hand_over(target, paid_on: date) -> None:
    """Post the target's phiếu chi dated `paid_on` and point the target at it.

    FundError when the fund cannot pay (a Refusal: it reaches the page as it is)."""
    d = decision_of(target)
    amount = amount_of(target)
    if amount > 0:
        if isinstance(target, Honoree):
            entry = funds.post_payment(
                d.fund, amount, entry_date=paid_on, source="prize", source_id=target.id, basis=_basis(d),
                recipient=target.full_name[:200], purpose=f"Tiền thưởng: {target.achievement or d.title}"[:500])
        else:
            entry = funds.post_payment(
                d.fund, amount, entry_date=paid_on, source="prize", source_id=d.id, basis=_basis(d),
                recipient=f"Người được khen theo danh sách kèm Quyết định số {d.number}"[:200],
                purpose=f"Chi tiền thưởng: {d.title}"[:500])
        target.payment_entry_id = entry.id
    # Goods handed out with the prize: one phiếu xuất per line (source "prize"), AWARD-GOODS.
    prize_goods.hand_out(target, paid_on, "paid_on")


def take_back(target, reason: str) -> None:
    """Void the target's phiếu chi and clear the pointer.

    A voucher already voided from the ledger by older code (which left the prize marked paid) is
    not voided twice: the pointer is cleared, which puts the prize back in step with the ledger."""
    entry = entry_of(target)
    if entry is not None and not funds.is_reversed(entry):
        funds.reverse(entry, reason)
    target.payment_entry_id = None
    # Goods handed out with the prize go back to the stock (their phiếu xuất reversed), AWARD-GOODS.
    prize_goods.take_back(target, reason)


# ---- the services the pages call ----------------------------------------------------------------

def _lock(target) -> None:
    """Lock the target's row, then re-read it: two tabs reversing (or paying) the same prize
    serialise here and the second sees the first's result (SQLite: BEGIN IMMEDIATE already)."""
    model = type(target)
    db.session.execute(select(model.id).where(model.id == target.id).with_for_update())
    db.session.refresh(target)


def _check_target(target) -> Decision:
    d = decision_of(target)
    if d.status != ISSUED:
        raise CommendationError("Quyết định chưa ban hành: tiền thưởng chỉ được chi khi ban hành.")
    if target_of(target) is not target:
        if isinstance(target, Honoree):
            raise CommendationError(f"Tiền thưởng của Quyết định {d.number} được chi bằng một phiếu chi tổng: "
                                    "hãy hoàn chi hoặc chi lại ở trang quyết định.")
        raise CommendationError(f"Tiền thưởng của Quyết định {d.number} được chi cho từng người: "
                                "hãy hoàn chi hoặc chi lại ở từng dòng của danh sách.")
    return d


def refusal(target) -> str:
    """Why neither a reversal nor a new payment can be made for `target` ("" when they can):
    the pages say it before the user types a reason."""
    try:
        _check_target(target)
    except CommendationError as err:
        return str(err)
    return ""


def _audit(action: str, target, before: dict, **extra) -> None:
    record(action, target, before=before,
           after={"payment_entry_id": target.payment_entry_id, "amount": amount_of(target), **extra})


def reverse_prize(target, reason: str):
    """Hoàn chi tiền thưởng: void the target's phiếu chi with a reason; the prize becomes unpaid
    (and can be paid again). CommendationError when it is not paid or the ledger refuses."""
    reason = (reason or "").strip()
    if not reason:
        raise CommendationError("Vui lòng nhập lý do hoàn chi.", "reason")
    _check_target(target)
    _lock(target)
    if not is_paid(target):
        raise CommendationError(f"Tiền thưởng của {label_of(target)} chưa được chi (hoặc đã hoàn chi).", "reason")
    before = {"payment_entry_id": target.payment_entry_id}
    take_back(target, reason)  # the ledger's refusals (FundError) already concern the reason
    db.session.flush()
    _audit("reverse_prize", target, before, reason=reason)
    return target


def pay_prize(target, paid_on: date):
    """Chi lại tiền thưởng: post a new phiếu chi for an unpaid prize of an issued decision."""
    d = _check_target(target)
    _lock(target)
    if is_paid(target):
        raise CommendationError(f"Tiền thưởng của {label_of(target)} đã được chi rồi.", "paid_on")
    if amount_of(target) <= 0 and not prize_goods.has_goods(target):
        raise CommendationError("Không có tiền thưởng để chi.", "paid_on")
    if d.fund is None and amount_of(target) > 0:
        raise CommendationError("Quyết định chưa có quỹ chi tiền thưởng.", "paid_on")
    if isinstance(paid_on, date) and paid_on < d.decision_date:
        raise CommendationError("Ngày chi không được trước ngày quyết định.", "paid_on")
    before = {"payment_entry_id": None}
    try:
        hand_over(target, paid_on)
    except funds.FundError as err:  # the ledger's refusal, said beside the date of the new voucher
        raise err.at("paid_on") from None
    db.session.flush()
    _audit("pay_prize", target, before, paid_on=paid_on.isoformat(),
           **same_person(d.issued_by_id, first="ban hành", second="chi"))
    return target


def reverse_for(record_, reason: str):
    """Reverse the prize that `record_` (an honoree, or a decision) belongs to: the ledger's and the
    goods register's owner void (app.books.owners), whatever the decision's payment mode."""
    return reverse_prize(target_of(record_), reason)


def vouchers(targets) -> dict[int, str]:
    """{entry id: number} of the targets' live vouchers in one query (the decision page's rows)."""
    ids = [t.payment_entry_id for t in targets if t.payment_entry_id]
    if not ids:
        return {}
    return dict(db.session.execute(select(LedgerEntry.id, LedgerEntry.number).where(LedgerEntry.id.in_(ids))).all())
