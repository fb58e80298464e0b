"""Paying approved awards through the fund ledger, reversing them, and the round's figures.

Each cash award paid posts one phiếu chi (source "scholarship", source_id = nomination id)
against the round's fund, so the fund balance always tells the truth. A paid award is
never "un-paid": reverse_payment() voids the phiếu chi with a reason (a reversal entry).
"""
from collections import OrderedDict
from datetime import date

from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.funds import services as funds
from app.pupils.models import LEVEL_SHORT, Pupil
from app.vn.money import format_vnd

from .models import APPROVED, Nomination, ScholarshipRound
from .services import RoundError, report_sentence


def pay(nomination: Nomination, paid_on: date) -> Nomination:
    """Mark one approved award paid; a cash award posts its phiếu chi (FundError becomes RoundError)."""
    rnd = nomination.round
    if nomination.status != APPROVED:
        raise RoundError(f"{nomination.pupil.full_name}: đề cử chưa được duyệt, không thể chi trả.")
    if nomination.is_paid:
        raise RoundError(f"{nomination.pupil.full_name}: suất này đã chi trả rồi.")
    if nomination.amount:
        pupil = nomination.pupil
        recipient = pupil.full_name + (f" (PH: {pupil.guardian})" if pupil.guardian else "")
        try:
            entry = funds.post_payment(
                rnd.fund, nomination.amount, entry_date=paid_on, recipient=recipient[:200],
                purpose=f"{nomination.category.name} - {rnd.name}"[:500], basis=rnd.decision_number[:100],
                source="scholarship", source_id=nomination.id)
        except funds.FundError as err:
            raise RoundError(str(err)) from err
        nomination.paid_entry_id = entry.id
    before = nomination.audit_dict()
    nomination.paid_on = paid_on
    db.session.flush()
    record("pay", nomination, before=before, after=nomination.audit_dict())
    return nomination


def pay_many(rnd: ScholarshipRound, nominations: list[Nomination], paid_on: date, control_total: int) -> int:
    """Mark several awards paid from the signed sheet; the control total must equal their sum.

    All or nothing: the caller rolls back on RoundError. Returns the amount paid.
    """
    if not nominations:
        raise RoundError("Chưa chọn suất nào.", "ids")
    total = sum(n.amount for n in nominations)
    if control_total != total:
        raise RoundError(f"Tổng kiểm tra {format_vnd(control_total)} không khớp tổng các suất đã chọn "
                         f"{format_vnd(total)}. Hãy đối chiếu lại danh sách ký nhận.", "control_total")
    for n in nominations:
        if n.round_id != rnd.id:
            raise RoundError("Suất không thuộc đợt này.", "ids")
        pay(n, paid_on)
    return total


def reverse_payment(nomination: Nomination, reason: str) -> Nomination:
    """Void the award's phiếu chi with a reason; the award goes back to approved, not paid."""
    if not nomination.is_paid:
        raise RoundError("Suất này chưa chi trả.", "reason")
    before = nomination.audit_dict()
    if nomination.paid_entry_id:
        try:
            from app.funds.models import LedgerEntry

            entry = db.session.get(LedgerEntry, nomination.paid_entry_id)
            # A phiếu chi voided from the ledger page by older code left its award paid: it is not
            # voided twice, the award is only put back in step with the ledger.
            if not funds.is_reversed(entry):
                funds.reverse(entry, reason)
        except funds.FundError as err:
            raise RoundError(str(err), "reason") from err
    elif not (reason or "").strip():
        raise RoundError("Vui lòng nhập lý do hủy.", "reason")
    nomination.paid_on, nomination.paid_entry_id = None, None
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


def summary(rnd: ScholarshipRound) -> dict:
    """Recipients and totals by category, school, level and circumstance, and the report sentence."""
    awards = db.session.scalars(approved_query(rnd)).all()

    def group(key_of):
        out: OrderedDict = OrderedDict()
        for n in awards:
            for key in key_of(n):
                row = out.setdefault(key, {"count": 0, "total": 0, "paid": 0})
                row["count"] += 1
                row["total"] += n.amount
                row["paid"] += n.amount if n.is_paid else 0
        return sorted(out.items(), key=lambda kv: (-kv[1]["count"], kv[0]))

    levels = {n.pupil.level for n in awards}
    total = sum(n.amount for n in awards)
    return {
        "count": len(awards), "total": total, "paid": sum(n.amount for n in awards if n.is_paid),
        "paid_count": sum(1 for n in awards if n.is_paid),
        "by_category": group(lambda n: [n.category.name]),
        "by_school": group(lambda n: [n.pupil.school.name if n.pupil.school else "Chưa rõ trường"]),
        "by_level": group(lambda n: [LEVEL_SHORT.get(n.pupil.level, "Chưa rõ cấp học")]),
        "by_circumstance": group(lambda n: n.pupil.circumstances or ["Không thuộc diện khó khăn"]),
        "sentence": report_sentence(len(awards), total, kinds={n.category.kind for n in awards} or {"hardship"},
                                    students=bool(levels & {"university", "vocational"}) or not levels,
                                    goods_count=sum(1 for n in awards if n.category.goods)),
    }


def _sheet_columns():
    from app.printing.longlist import Column

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
