"""Passing dues up (nộp cấp trên): a unit owes its parent share_up đồng per paid member-year.

owed up (unit, year) = standing paid member-years × share_up − standing remittances. One remittance
is one fund transfer (app.funds.services.transfer) from the unit's dues fund to the parent's dues
fund (the parent's DuesSetting.fund). A remittance stands while it is not voided and its transfer
is not reversed: a transfer voided on the ledger page (which owns transfers) frees the amount too.
Services never commit.
"""
from datetime import date

from sqlalchemy import func, select

from app.audit.services import record
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.core.rls import cross_units
from app.extensions import db
from app.funds import services as funds
from app.funds.models import OUT, LedgerEntry
from app.units.models import Unit
from app.vn.money import format_vnd
from app.vn.text import clean

from .dues import DuesError, check_year, setting_of
from .models import DuesBatch, DuesPayment, DuesRemittance, DuesSetting

UP = "passing dues up writes the receiving side in the unit above's fund"


def out_leg(rem: DuesRemittance) -> LedgerEntry | None:
    if not rem.transfer_id:
        return None
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.transfer_id == rem.transfer_id,
                                                       LedgerEntry.direction == OUT,
                                                       LedgerEntry.reversal_of_id.is_(None)))


def standing(rem: DuesRemittance) -> bool:
    if rem.voided_at is not None:
        return False
    leg = out_leg(rem)
    return leg is not None and not funds.is_reversed(leg)


def paid_count(unit_id: int, year: int) -> int:
    return int(db.session.scalar(select(func.count()).select_from(DuesPayment).join(DuesBatch)
                                 .where(DuesBatch.unit_id == unit_id, DuesPayment.year == year,
                                        DuesPayment.voided == False)) or 0)  # noqa: E712


def remittances(unit_id: int, year: int | None = None) -> list[DuesRemittance]:
    stmt = select(DuesRemittance).where(DuesRemittance.unit_id == unit_id)
    if year is not None:
        stmt = stmt.where(DuesRemittance.year == year)
    return list(db.session.scalars(stmt.order_by(DuesRemittance.remitted_on, DuesRemittance.id)))


def position(unit: Unit, year: int) -> dict:
    """What `unit` owes its parent for `year`: paid, share, due, remitted, owed and the remittances."""
    setting = setting_of(unit)
    share = setting.share_up if setting else 0
    paid = paid_count(unit.id, year)
    rems = remittances(unit.id, year)
    remitted = sum(r.amount for r in rems if standing(r))
    return {"unit": unit, "year": year, "paid": paid, "share": share, "due": paid * share, "remitted": remitted,
            "owed": paid * share - remitted, "remittances": rems, "setting": setting}


def positions(unit_ids, year: int) -> list[dict]:
    """The position of every unit among `unit_ids` that has a parent and a dues setting with a share
    up, or payments or remittances that year; in the units' tree order."""
    with_setting = set(db.session.scalars(select(DuesSetting.unit_id).where(DuesSetting.unit_id.in_(unit_ids),
                                                                            DuesSetting.share_up > 0)))
    with_pay = set(db.session.scalars(select(DuesBatch.unit_id).where(DuesBatch.unit_id.in_(unit_ids),
                                                                      DuesBatch.year == year)))
    with_rem = set(db.session.scalars(select(DuesRemittance.unit_id).where(DuesRemittance.unit_id.in_(unit_ids),
                                                                           DuesRemittance.year == year)))
    ids = with_setting | with_pay | with_rem
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.parent_id.is_not(None))
                               .order_by(Unit.path)) if ids else []
    return [position(u, year) for u in units]


def remit(unit: Unit, year: int, *, remitted_on: date) -> DuesRemittance:
    """Pass up what `unit` still owes for `year`: one transfer to the parent's dues fund."""
    year = check_year(year)
    if unit.parent is None:
        raise DuesError("Đơn vị cấp cao nhất không có cấp trên để nộp.", "year")
    setting = setting_of(unit)
    if setting is None or not setting.fund_id:
        raise DuesError(f"{unit.name} chưa chọn quỹ hội phí: hãy vào Cài đặt hội phí trước.", "year")
    # Passing up is the one write of a unit into the unit above: the parent's dues fund is read and
    # its side of the transfer written crossing units (app/core/rls.py); the view authorised `unit`.
    with cross_units(UP):
        parent_setting = setting_of(unit.parent)
    if parent_setting is None or not parent_setting.fund_id:
        raise DuesError(f"{unit.parent.name} chưa chọn quỹ nhận hội phí: cấp trên cần cài đặt quỹ hội phí "
                        "trước khi chi hội nộp lên.", "year")
    pos = position(unit, year)
    if pos["owed"] <= 0:
        raise DuesError(f"Năm {year} {unit.name} không còn khoản nào phải nộp cấp trên "
                        f"(phải nộp {format_vnd(pos['due'])}, đã nộp {format_vnd(pos['remitted'])}).", "year")
    reason = (f"Nộp cấp trên hội phí năm {year}: {pos['paid']} hội viên × {format_vnd(pos['share'])}"
              + (f", đã nộp trước {format_vnd(pos['remitted'])}" if pos["remitted"] else ""))
    try:
        with cross_units(UP):
            out, _into = funds.transfer(setting.fund, parent_setting.fund, pos["owed"], entry_date=remitted_on,
                                        reason=reason)
    except Refusal as err:
        raise err.at("remitted_on") if err.field == "entry_date" else err
    rem = DuesRemittance(unit_id=unit.id, to_unit_id=unit.parent_id, year=year, amount=pos["owed"],
                         transfer_id=out.transfer_id, remitted_on=remitted_on)
    db.session.add(rem)
    db.session.flush()
    record("create", rem, after=rem.audit_dict())
    return rem


def void_remittance(rem: DuesRemittance, reason: str) -> DuesRemittance:
    """Void a remittance: both legs of its transfer reversed (unless the ledger did it already)."""
    if rem.voided_at is not None:
        raise DuesError("Lần nộp này đã được hủy trước đó.", "reason")
    reason = clean(reason or "")
    if not reason:
        raise DuesError("Vui lòng nhập lý do hủy.", "reason")
    before = rem.audit_dict()
    leg = out_leg(rem)
    if leg is not None and not funds.is_reversed(leg):
        with cross_units("voiding a passing-up reverses the receiving side in the unit above's fund too"):
            funds.reverse(leg, reason)
    rem.voided_at, rem.void_reason = utcnow(), reason[:500]
    db.session.flush()
    record("void", rem, before=before, after=rem.audit_dict())
    return rem
