"""Dues (hội phí): a unit's settings, batches collected from a chi hội's paper list, voiding a batch.

No rule is built in: a unit collects dues only once its DuesSetting says so (amount per member and
year, the operating fund the money goes into, never the Quỹ khuyến học). A batch is one phiếu thu
(source "dues", source_id = the batch) for the members ticked on the paper list; its payments say
who paid which year. A batch is voided as a whole (app.books.owners routes a ledger void here): its
phiếu thu is reversed and its payments voided, which frees those members' year.

Passing a share up to the unit above is in dues_remit.py; the lists (who paid, lapsed) in
dues_queries.py. Services never commit: the caller does (app.core.views.attempt).
"""
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core import books
from app.core.clock import today, utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds
from app.funds.models import Fund
from app.units.models import Unit
from app.vn.money import format_vnd
from app.vn.text import clean

from .models import ACTIVE, DuesBatch, DuesPayment, DuesSetting, Member

OPERATING_FUND_NAME = "Quỹ hoạt động Hội"
LAPSED_RANGE = (1, 5)
EARLIEST_YEAR = 2000


class DuesError(Refusal):
    """A refused dues setting, batch or void, beside its field."""


# ---- settings ----------------------------------------------------------------------------------

def setting_of(unit: Unit | int) -> DuesSetting | None:
    return db.session.get(DuesSetting, unit if isinstance(unit, int) else unit.id)


def collecting(unit: Unit) -> DuesSetting | None:
    """The unit's setting when it collects dues (enabled, with a fund and an amount), else None."""
    s = setting_of(unit)
    return s if s is not None and s.enabled and s.fund_id and s.amount > 0 else None


def operating_funds(unit: Unit) -> list[Fund]:
    """The unit's active funds dues may go into: every one but its default (the Quỹ khuyến học)."""
    return list(db.session.scalars(select(Fund).where(Fund.unit_id == unit.id, Fund.active.is_(True),
                                                      Fund.is_default.is_(False)).order_by(Fund.search_key)))


def save_setting(unit: Unit, *, enabled: bool, amount: int | None, fund_id: int | None, share_up: int | None,
                 lapsed_after: int | None, new_fund: bool = False) -> DuesSetting:
    """Create or change the unit's dues setting. `new_fund`: create "Quỹ hoạt động Hội" and use it.

    The fund must be one of the unit's own active funds and not its default fund; the share passed
    up lies in 0..amount; lapsed_after in 1..5 years. A disabled setting keeps its figures."""
    amount, share_up = amount or 0, share_up or 0
    if enabled and amount <= 0:
        raise DuesError("Vui lòng nhập mức hội phí mỗi hội viên một năm.", "amount")
    if amount:
        books.check_amount(amount, "amount", error=DuesError)
    if share_up < 0 or share_up > amount:
        raise DuesError(f"Phần nộp cấp trên phải từ 0 đến mức hội phí ({format_vnd(amount)}).", "share_up")
    lo, hi = LAPSED_RANGE
    if lapsed_after is None or not lo <= lapsed_after <= hi:
        raise DuesError(f"Số năm chưa đóng phải từ {lo} đến {hi}.", "lapsed_after")
    fund = None
    if new_fund:
        try:
            fund = funds.create_fund(unit, OPERATING_FUND_NAME, "Hội phí và chi hoạt động của Hội")
        except Refusal as err:
            raise err.at("fund_id")
    elif fund_id:
        fund = db.session.get(Fund, fund_id)
        if fund is None or fund.unit_id != unit.id:
            raise DuesError("Hãy chọn một quỹ của chính đơn vị này.", "fund_id")
        if fund.is_default:
            raise DuesError("Hội phí không được ghi vào Quỹ khuyến học: hãy chọn quỹ hoạt động của Hội.", "fund_id")
        if not fund.active:
            raise DuesError(f"Quỹ “{fund.name}” đã ngừng hoạt động.", "fund_id")
    if enabled and fund is None:
        raise DuesError("Hãy chọn quỹ nhận hội phí (hoặc tạo “Quỹ hoạt động Hội”).", "fund_id")

    setting = setting_of(unit)
    before = setting.audit_dict() if setting else None
    if setting is None:
        setting = DuesSetting(unit_id=unit.id)
        db.session.add(setting)
    setting.enabled, setting.amount, setting.share_up, setting.lapsed_after = bool(enabled), amount, share_up, lapsed_after
    if fund is not None:
        setting.fund_id = fund.id
    setting.updated_at = utcnow()
    db.session.flush()
    record("update" if before else "create", setting, before=before, after=setting.audit_dict(),
           unit_id=unit.id, object_type="dues_setting")
    return setting


# ---- batches -----------------------------------------------------------------------------------

def check_year(year) -> int:
    if not isinstance(year, int) or not EARLIEST_YEAR <= year <= today().year + 1:
        raise DuesError(f"Năm hội phí phải từ {EARLIEST_YEAR} đến {today().year + 1}.", "year")
    return year


def paid_member_ids(unit: Unit, year: int) -> set[int]:
    """Members of `unit` with a standing payment for `year`."""
    return set(db.session.scalars(
        select(DuesPayment.member_id).join(Member, Member.id == DuesPayment.member_id)
        .where(Member.unit_id == unit.id, DuesPayment.year == year, DuesPayment.voided == False)))  # noqa: E712


def roll(unit: Unit):
    """A select of the unit's active members in Vietnamese order (the paper list)."""
    return (select(Member).where(Member.unit_id == unit.id, Member.status == ACTIVE)
            .order_by(Member.name_key, Member.number))


def batch_description(unit: Unit, year: int, count: int) -> str:
    return f"Thu hội phí năm {year} của {count} hội viên {unit.name}"[:500]


def collect(unit: Unit, *, year: int, member_ids, collected_on: date, collector: str,
            control_total: int | None) -> DuesBatch:
    """One batch from a paper list: the ticked members pay the unit's amount for `year`.

    Refused, with nothing written: a unit that does not collect dues; no member ticked; a ticked
    member not active in the unit; a member who already paid that year (named); a control total
    that differs from the ticked sum (the difference is said). Posts ONE phiếu thu into the
    setting's fund for the whole batch."""
    setting = collecting(unit)
    if setting is None:
        raise DuesError(f"{unit.name} chưa bật thu hội phí: hãy vào Cài đặt hội phí trước.", "year")
    year = check_year(year)
    collector = clean(collector or "")
    if not collector:
        raise DuesError("Vui lòng nhập tên người nộp (người thu của chi hội).", "collector")
    if len(collector) > 200:
        raise DuesError("Tên người nộp dài quá 200 ký tự.", "collector")
    ids = sorted({int(i) for i in member_ids or ()})
    if not ids:
        raise DuesError("Chưa chọn hội viên nào.", "members")
    found = db.session.execute(select(Member.id, Member.ho, Member.dem, Member.ten, Member.joined_on).where(
        Member.id.in_(ids), Member.unit_id == unit.id, Member.status == ACTIVE)).all()
    if len(found) != len(ids):
        raise DuesError("Có hội viên đã chọn không còn sinh hoạt ở đơn vị này: hãy tải lại trang.", "members")
    later = sorted(" ".join(p for p in (r.ho, r.dem, r.ten) if p) for r in found if r.joined_on.year > year)
    if later:
        raise DuesError(f"Vào hội sau năm {year}, không đóng hội phí năm đó: {', '.join(later)}.", "members")
    paid = paid_member_ids(unit, year) & set(ids)
    if paid:
        names = sorted(" ".join(p for p in (r.ho, r.dem, r.ten) if p) for r in found if r.id in paid)
        raise DuesError(f"Đã đóng hội phí năm {year}: {', '.join(names)}. Hãy bỏ chọn trước khi ghi.", "members")
    total = setting.amount * len(ids)
    if control_total is None:
        raise DuesError("Vui lòng nhập tổng tiền ghi trên danh sách giấy.", "control_total")
    if control_total != total:
        diff = total - control_total
        raise DuesError(f"Tổng các hội viên đã chọn là {format_vnd(total)}, khác tổng trên giấy "
                        f"{format_vnd(control_total)}: lệch {format_vnd(abs(diff))} "
                        f"(đã chọn {'nhiều' if diff > 0 else 'ít'} hơn giấy). Chưa ghi gì; hãy kiểm tra lại.",
                        "control_total")

    batch = DuesBatch(unit_id=unit.id, year=year, collected_on=collected_on, collector=collector,
                      count=len(ids), total=total)
    db.session.add(batch)
    db.session.flush()
    try:
        entry = funds.post_income(setting.fund, total, entry_date=collected_on, source="dues", source_id=batch.id,
                                  counterparty=collector, description=batch_description(unit, year, len(ids)),
                                  basis=f"Danh sách thu hội phí {len(ids)} hội viên")
    except Refusal as err:
        raise err.at("collected_on" if err.field == "entry_date" else err.field)
    batch.ledger_entry_id = entry.id
    try:
        with db.session.begin_nested():  # a concurrent batch naming a member for the year loses here
            db.session.add_all([DuesPayment(batch_id=batch.id, member_id=i, year=year, amount=setting.amount)
                                for i in ids])
    except IntegrityError:
        raise DuesError(f"Có hội viên vừa được ghi đã đóng hội phí năm {year}: hãy tải lại trang.", "members")
    record("create", batch, after=dict(batch.audit_dict(), member_ids=ids))
    return batch


def void_batch(batch: DuesBatch, reason: str) -> DuesBatch:
    """Void a whole batch: its phiếu thu reversed, its payments voided (the year is free again)."""
    if batch.voided:
        raise DuesError("Đợt thu này đã được hủy trước đó.", "reason")
    reason = clean(reason or "")
    if not reason:
        raise DuesError("Vui lòng nhập lý do hủy.", "reason")
    before = batch.audit_dict()
    if batch.ledger_entry is not None and not funds.is_reversed(batch.ledger_entry):
        funds.reverse(batch.ledger_entry, reason)  # its FundError (fund short, closed period) goes through
    batch.voided_at, batch.void_reason = utcnow(), reason[:500]
    db.session.execute(update(DuesPayment).where(DuesPayment.batch_id == batch.id).values(voided=True))
    db.session.flush()
    record("void", batch, before=before, after=batch.audit_dict())
    return batch


def batch_rows(batch: DuesBatch) -> list[DuesPayment]:
    """The batch's payments in Vietnamese order of the members' names."""
    return list(db.session.scalars(select(DuesPayment).join(Member, Member.id == DuesPayment.member_id)
                                   .where(DuesPayment.batch_id == batch.id).order_by(Member.name_key, Member.number)))


def recent_batches(unit_ids, limit: int = 30) -> list[DuesBatch]:
    return list(db.session.scalars(select(DuesBatch).where(DuesBatch.unit_id.in_(unit_ids))
                                   .order_by(DuesBatch.collected_on.desc(), DuesBatch.id.desc()).limit(limit)))


def start_year(unit_id: int) -> int | None:
    """The first dues year the unit collected (a standing batch): years before it are owed by nobody."""
    return db.session.scalar(select(func.min(DuesBatch.year)).where(DuesBatch.unit_id == unit_id,
                                                                    DuesBatch.voided_at.is_(None)))
