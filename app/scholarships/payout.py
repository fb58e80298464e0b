"""Paying approved awards through the fund ledger, reversing them, and the round's figures.

Each cash award paid posts one phiếu chi (source "scholarship", source_id = nomination id)
against the round's fund, so the fund balance always tells the truth. A paid award is
never "un-paid": reverse_payment() voids the phiếu chi with a reason (a reversal entry).
"""
from collections import OrderedDict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.duties import same_person
from app.audit.services import record
from app.core import books, clock
from app.extensions import db
from app.funds import services as funds
from app.periods import services as periods
from app.pupils.models import LEVEL_SHORT, Pupil
from app.vn.dates import short_date
from app.vn.money import format_vnd

from . import award_goods
from .models import APPROVED, Nomination, ScholarshipRound
from .services import RoundError, report_sentence


def _recipient(nomination: Nomination) -> str:
    pupil = nomination.pupil
    return (pupil.full_name + (f" (PH: {pupil.guardian})" if pupil.guardian else ""))[:200]


FUTURE_CONFIRM = "Tôi xác nhận ngày chi ở tương lai"


def check_paid_on(paid_on: date, future_ok: bool = False) -> date:
    """The payout date inside the books' window; a date after today only when the user confirmed it
    (a ceremony date typed ahead is a common slip: the money is not out yet)."""
    books.check_entry_date(paid_on, "paid_on", error=RoundError)  # beside the form's date, before anything posts
    if paid_on > clock.today() and not future_ok:
        raise RoundError(f"Ngày chi {short_date(paid_on)} ở tương lai (hôm nay {short_date(clock.today())}). "
                         f"Nếu đúng, hãy đánh dấu “{FUTURE_CONFIRM}”; nếu không, sửa lại ngày chi.", "paid_on")
    return paid_on


def pay(nomination: Nomination, paid_on: date, field: str | None = None, *, future_ok: bool = False) -> Nomination:
    """Mark one approved award paid: a cash award posts its phiếu chi, an award with goods hands
    them out of the round's unit stock (a phiếu xuất); the fund's refusal goes through as it is, the
    stock's names the pupil.
    A date after today needs future_ok (the user's confirmation)."""
    rnd, cat = nomination.round, nomination.category
    if nomination.status != APPROVED:
        raise RoundError(f"{nomination.pupil.full_name}: đề cử chưa được duyệt, không thể chi trả.")
    if nomination.is_paid:
        raise RoundError(f"{nomination.pupil.full_name}: suất này đã chi trả rồi.")
    check_paid_on(paid_on, future_ok)

    periods.ensure_open(nomination.unit_id, paid_on, "paid_on", hint=periods.ENTRY_HINT, error=RoundError)
    purpose = f"{cat.name} - {rnd.name}"[:500]
    if nomination.amount:
        entry = funds.post_payment(  # a FundError (too little in the fund) goes through as it is
            rnd.fund, nomination.amount, entry_date=paid_on, recipient=_recipient(nomination),
            purpose=purpose, basis=rnd.decision_number[:100], source="scholarship", source_id=nomination.id)
        nomination.paid_entry_id = entry.id
    if cat.stock_goods:
        try:
            entry = award_goods.hand_out(
                rnd.unit, item=cat.goods_item, unit=cat.goods_unit, quantity=cat.goods_quantity, entry_date=paid_on,
                recipient=_recipient(nomination), purpose=purpose, basis=rnd.decision_number, source="scholarship",
                source_id=nomination.id, error=RoundError, field=field)
        except RoundError as err:
            raise RoundError(f"{nomination.pupil.full_name}: {err}", err.field) from err
        nomination.goods_entry_id = entry.id
    before = nomination.audit_dict()
    nomination.paid_on = paid_on
    db.session.flush()
    record("pay", nomination, before=before, after={**nomination.audit_dict(), **_same_person_note(nomination)})
    return nomination


def _same_person_note(nomination: Nomination) -> dict:
    """Separation of duties made visible (issue 14 B): the payout's audit entry names the person
    paying when they approved the award too (allowed in a small association, never silent); the
    round's summary counts them (bulk.same_person)."""
    return same_person(nomination.decided_by_id, first="duyệt", second="chi")


def in_sheet_order(nominations) -> list[Nomination]:
    """The awards in the signing sheet's order (approved_query: given name, middle, family, then id),
    the order their phiếu chi are numbered in, whatever order they were chosen or loaded in."""
    return sorted(nominations, key=lambda n: (n.pupil.name_key, n.id))


def goods_of(nominations) -> award_goods.GoodsTally:
    """The goods (taken from the stock) the awards hand out, added up per item."""
    tally = award_goods.GoodsTally()
    for n in nominations:
        if n.category.stock_goods:
            tally.add(n.category.goods_item, n.category.goods_unit, n.category.goods_quantity)
    return tally


def batch_text(nominations) -> str:
    """"183 suất: 54.900.000 đ và 1.830 quyển vở"."""
    return award_goods.totals_text(sum(n.amount for n in nominations), goods_of(nominations), len(nominations))


def pay_many(rnd: ScholarshipRound, nominations: list[Nomination], paid_on: date, control_total: int, *,
             future_ok: bool = False) -> int:
    """Mark several awards paid from the signed sheet; the control total must equal their sum.

    The stock must cover the goods of the whole batch (checked before anything is written).
    The phiếu chi are numbered in the sheet's order (in_sheet_order), not the order chosen.
    All or nothing: the caller rolls back on RoundError. Returns the amount paid.
    """
    if not nominations:
        raise RoundError("Chưa chọn suất nào.", "ids")
    check_paid_on(paid_on, future_ok)
    nominations = in_sheet_order(nominations)
    total = sum(n.amount for n in nominations)
    if control_total != total:
        # With goods, name them too, so the treasurer counts notebooks against the same sheet;
        # money alone needs no repeat of the total in brackets.
        goods = f" ({batch_text(nominations)})" if goods_of(nominations) else ""
        raise RoundError(f"Tổng kiểm tra {format_vnd(control_total)} không khớp tổng các suất đã chọn "
                         f"{format_vnd(total)}{goods}. Hãy đối chiếu lại danh sách ký nhận.", "control_total")
    for n in nominations:
        if n.round_id != rnd.id:
            raise RoundError("Suất không thuộc đợt này.", "ids")
    award_goods.check_stock(rnd.unit, goods_of([n for n in nominations if not n.is_paid]), RoundError, "ids")
    for n in nominations:
        pay(n, paid_on, "ids", future_ok=future_ok)
    return total


def reverse_payment(nomination: Nomination, reason: str) -> Nomination:
    """Void the award's phiếu chi and its phiếu xuất with a reason, in the caller's one transaction;
    the award goes back to approved, not paid (its money back in the fund, its goods in the stock)."""
    if not nomination.is_paid:
        raise RoundError("Suất này chưa chi trả.", "reason")
    before = nomination.audit_dict()
    if not (reason or "").strip():
        raise RoundError("Vui lòng nhập lý do hủy.", "reason")

    periods.ensure_open(nomination.unit_id, nomination.paid_on, "reason", hint=periods.OWNER_HINT, error=RoundError)
    if nomination.paid_entry_id:
        try:
            from app.funds.models import LedgerEntry

            entry = db.session.get(LedgerEntry, nomination.paid_entry_id)
            # A phiếu chi voided from the ledger page by older code left its award paid: it is not
            # voided twice, the award is only put back in step with the ledger.
            if not funds.is_reversed(entry):
                funds.reverse(entry, reason)
        except funds.FundError as err:
            raise err.at("reason") from None  # the reversal form's one field
    award_goods.take_back(nomination.goods_entry_id, reason, RoundError, "reason")
    nomination.paid_on, nomination.paid_entry_id, nomination.goods_entry_id = None, None, None
    db.session.flush()
    record("reverse_payment", nomination, before=before, after={**nomination.audit_dict(), "reason": reason})
    return nomination


# ---- reading -----------------------------------------------------------------------------------

def approved_query(rnd: ScholarshipRound, school_id: int | None = None):
    """Approved awards of the round in Vietnamese name order (given name, middle, family)."""
    stmt = (select(Nomination).join(Pupil, Pupil.id == Nomination.pupil_id)
            .where(Nomination.round_id == rnd.id, Nomination.status == APPROVED))
    if school_id:
        stmt = stmt.where(Pupil.school_id == school_id)
    return stmt.order_by(Pupil.name_key, Nomination.id)


def with_receipts(rnd: ScholarshipRound, school_id: int | None = None) -> list[Nomination]:
    """The approved awards in sheet order with their phiếu chi and phiếu xuất (one IN query each, not
    one query per paid row): the payout page and its export."""
    return db.session.scalars(approved_query(rnd, school_id).options(
        selectinload(Nomination.paid_entry), selectinload(Nomination.goods_entry))).all()


def summary(rnd: ScholarshipRound) -> dict:
    """Recipients and totals by category, school, level and circumstance, and the report sentence."""
    awards = db.session.scalars(approved_query(rnd)).all()

    def group(key_of):
        out: OrderedDict = OrderedDict()
        for n in awards:
            for key in key_of(n):
                row = out.setdefault(key, {"count": 0, "total": 0, "paid": 0, "goods": award_goods.GoodsTally(),
                                           "goods_paid": award_goods.GoodsTally()})
                row["count"] += 1
                row["total"] += n.amount
                row["paid"] += n.amount if n.is_paid else 0
                if n.category.stock_goods:
                    args = (n.category.goods_item, n.category.goods_unit, n.category.goods_quantity)
                    row["goods"].add(*args)
                    if n.is_paid:
                        row["goods_paid"].add(*args)
        return sorted(out.items(), key=lambda kv: (-kv[1]["count"], kv[0]))

    levels = {n.pupil.level for n in awards}
    total = sum(n.amount for n in awards)
    paid = [n for n in awards if n.is_paid]
    goods, goods_paid = goods_of(awards), goods_of(paid)
    return {
        "count": len(awards), "total": total, "paid": sum(n.amount for n in paid),
        "paid_count": len(paid),
        # Goods from the stock: approved and handed out ("1.830 quyển vở"); "" when none.
        "goods": goods.text(), "goods_paid": goods_paid.text(),
        "total_text": award_goods.totals_text(total, goods),
        "paid_text": award_goods.totals_text(sum(n.amount for n in paid), goods_paid),
        "by_category": group(lambda n: [n.category.name]),
        "by_school": group(lambda n: [n.pupil.school.name if n.pupil.school else "Chưa rõ trường"]),
        "by_level": group(lambda n: [LEVEL_SHORT.get(n.pupil.level, "Chưa rõ cấp học")]),
        "by_circumstance": group(lambda n: n.pupil.circumstances or ["Không thuộc diện khó khăn"]),
        "sentence": report_sentence(len(awards), total, kinds={n.category.kind for n in awards} or {"hardship"},
                                    students=bool(levels & {"university", "vocational"}) or not levels,
                                    goods_count=sum(1 for n in awards if n.category.goods)),
    }


def goods_needs(rnd: ScholarshipRound) -> list[dict]:
    """Goods the approved, unpaid awards still need against the round's unit stock, per item:
    needed, on_hand, short and the text "Cần 1.830 quyển vở, trong kho còn 1.500 quyển"."""
    cats = {c.id: c for c in rnd.categories if c.stock_goods}
    if not cats:
        return []
    rows = db.session.execute(
        select(Nomination.category_id, func.count())
        .where(Nomination.round_id == rnd.id, Nomination.status == APPROVED, Nomination.paid_on.is_(None),
               Nomination.category_id.in_(cats))
        .group_by(Nomination.category_id)).all()
    tally = award_goods.GoodsTally()
    for category_id, count in rows:
        c = cats[category_id]
        tally.add(c.goods_item, c.goods_unit, c.goods_quantity, times=count)
    return award_goods.needs(rnd.unit, tally)


def _sheet_columns():
    from app.printing.services import Column  # heavy: loaded when first needed

    return [Column("stt", "STT", 4, "stt"), Column("full_name", "Họ và tên", 19), Column("class", "Lớp", 6, align="c"),
            Column("school", "Trường", 16), Column("category", "Loại học bổng", 14),
            Column("amount", "Số tiền (đồng)", 10, "money"), Column("goods", "Hiện vật", 12),
            Column("sign", "Ký nhận", 19)]


SHEET_COLUMNS = _sheet_columns()


def sheet_rows(awards: list[Nomination]) -> list[dict]:
    """Rows of the signing sheet, in the order given (approved_query sorts them the Vietnamese way)."""
    return [{"full_name": n.pupil.full_name, "class": n.pupil.class_text,
             "school": n.pupil.school.name if n.pupil.school else "", "category": n.category.name,
             "amount": n.amount, "goods": n.category.goods, "sign": ""} for n in awards]
