"""Closing and reopening periods, and the one check every posting goes through.

Contract:
- `ensure_open(unit, d, field)` raises PeriodClosed (a FundError: every caller that already turns
  FundError into its own error shows the message beside its field) when `d` falls in a month or
  year closed for `unit` or for any unit above it. The ledger (app.funds.services._post and
  reverse), the goods register (app.goods.services._post) and the owners' own voids
  (donations, piggy-bank openings, award payments) call it.
- `close()` and `reopen()` never commit (the caller commits) and are audited in the same
  transaction. Closing needs a period that has ended; reopening needs a reason (and, in the
  views, an admin).
- Publishing a year's disclosure closes that year for the unit (`close_for_publish`).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, case, event, func, or_, select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.core.actor import actor_id
from app.core.authz import scope_unit_ids
from app.core.clock import today, utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.funds.errors import FundError
from app.funds.models import IN, Fund, LedgerEntry
from app.units.models import Unit
from app.vn.dates import local_datetime
from app.vn.text import clean

from .models import MANUAL, PUBLISH, WHOLE_YEAR, ClosedPeriod, period_label

FIRST_YEAR = 2000
POST_HINT = "Hãy ghi bút toán điều chỉnh vào ngày hôm nay."
ENTRY_HINT = "Hãy ghi vào một ngày chưa khóa sổ, ví dụ ngày hôm nay."  # a gift, a count, a payment
VOID_HINT = "Không hủy được chứng từ của kỳ đã khóa: hãy ghi bút toán điều chỉnh vào ngày hôm nay."
OWNER_HINT = ("Không hủy được chứng từ của kỳ đã khóa. Nếu thật sự cần, quản trị viên có thể mở lại kỳ "
              "(ghi rõ lý do) tại trang Khóa sổ.")


class PeriodClosed(FundError):
    """A posting, void or back-dated entry refused because its date lies in a closed period."""

    def __init__(self, message: str, field: str | None = None, period: ClosedPeriod | None = None):
        super().__init__(message, field)
        self.period = period


class PeriodError(Refusal):
    """A refused close or reopen, with a Vietnamese message and the form field it concerns."""



def local_day(at: datetime | None) -> str:
    """"05/10/2026": the local day of a stored UTC time (app.vn.dates.local_datetime's day part)."""
    tz = current_app.config.get("VN_TIMEZONE", "Asia/Ho_Chi_Minh") if has_app_context() else "Asia/Ho_Chi_Minh"
    return local_datetime(at, tz)[:10]


def chain_ids(unit: Unit | int) -> list[int]:
    """The ids of `unit` and every unit above it (from the materialised path)."""
    if not isinstance(unit, Unit):
        unit = db.session.get(Unit, unit)
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def period_end(year: int, month: int = WHOLE_YEAR) -> date:
    if month in (WHOLE_YEAR, 12):
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def period_start(year: int, month: int = WHOLE_YEAR) -> date:
    return date(year, month or 1, 1)


# ---- reading ------------------------------------------------------------------------------------

def closed_rows(unit: Unit | int, year: int | None = None) -> list[ClosedPeriod]:
    """The closed periods that bind `unit`: its own and those of every unit above it."""
    stmt = select(ClosedPeriod).where(ClosedPeriod.unit_id.in_(chain_ids(unit)), ClosedPeriod.closed.is_(True))
    if year is not None:
        stmt = stmt.where(ClosedPeriod.year == year)
    return list(db.session.scalars(stmt.order_by(ClosedPeriod.month, ClosedPeriod.closed_at)))


def covering(rows: list[ClosedPeriod], d: date) -> ClosedPeriod | None:
    """The row among `rows` that closes day `d` (a whole year first), or None."""
    found = [r for r in rows if r.year == d.year and r.month in (WHOLE_YEAR, d.month)]
    return min(found, key=lambda r: (r.month != WHOLE_YEAR, r.closed_at)) if found else None


_CACHE = "closed_periods"  # db.session.info: {unit_id: closed rows binding it}, for one transaction


@event.listens_for(Session, "after_transaction_end")
def _end_of_transaction(session, transaction):
    if transaction.parent is None:
        session.info.pop(_CACHE, None)
        session.info.pop(_GUARDED, None)


def binding_rows(unit: Unit | int) -> list[ClosedPeriod]:
    """Every closed row binding `unit` (any year), read once per transaction: an import of thousands
    of gifts, or a ledger page of fifty entries, asks the database once."""
    unit_id = unit if isinstance(unit, int) else unit.id
    cache = db.session.info.setdefault(_CACHE, {})
    if unit_id not in cache:
        cache[unit_id] = closed_rows(unit)
    return cache[unit_id]


def closing_period(unit: Unit | int, d: date) -> ClosedPeriod | None:
    """The closed period `d` falls in for `unit` (its own or one above it), or None when open."""
    return covering(binding_rows(unit), d)


def is_closed(unit: Unit | int, d: date) -> bool:
    """True when `d` lies in a closed period of `unit` (list pages ask it once per row)."""
    return closing_period(unit, d) is not None


def describe(row: ClosedPeriod, unit: Unit | int | None = None) -> str:
    """"Tháng 09/2026 đã khóa sổ (Nguyễn Văn An khóa ngày 05/10/2026)", naming the unit when the
    period was closed above `unit`, and publishing when that closed it."""
    unit_id = unit if isinstance(unit, int) or unit is None else unit.id
    where = f" tại {row.unit.name}" if unit_id is not None and row.unit_id != unit_id else ""
    who = f"{row.closed_by.full_name} " if row.closed_by is not None else ""
    how = f", khi công khai báo cáo năm {row.year}" if row.via == PUBLISH else ""
    return f"{row.label} đã khóa sổ{where} ({who}khóa ngày {local_day(row.closed_at)}{how})"


_GUARDED = "closed_periods_guarded"  # db.session.info: unit ids whose chain this transaction holds


def _guard_against_close(unit: Unit | int) -> None:
    """PostgreSQL: hold a FOR KEY SHARE lock on `unit` and every unit above it until commit.

    A close takes FOR UPDATE on its unit's row (`_lock_unit`), which conflicts with it: a close waits
    for the postings already past their check to commit, and a posting that starts while a close is
    under way waits for it, then reads the closed rows afresh. Without it a gift dated in September
    could pass its check, a close of September commit, and the gift commit into the closed month.
    KEY SHARE does not conflict with other postings, nor with the goods register's NO KEY UPDATE on
    the unit. SQLite needs nothing: its writers are serialised by BEGIN IMMEDIATE."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    unit_id = unit if isinstance(unit, int) else unit.id
    guarded = db.session.info.setdefault(_GUARDED, set())
    if unit_id in guarded:
        return
    chain = chain_ids(unit)
    db.session.execute(select(Unit.id).where(Unit.id.in_(chain)).order_by(Unit.id)
                       .with_for_update(read=True, key_share=True))
    guarded.add(unit_id)
    db.session.info.get(_CACHE, {}).pop(unit_id, None)  # read the closed rows again, after the lock


def _lock_unit(unit: Unit) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())


def ensure_open(unit: Unit | int, d: date, field: str | None = "entry_date", *, hint: str = POST_HINT,
                error: type[Exception] | None = None) -> None:
    """Refuse `d` when it lies in a closed period of `unit` or above it.

    Raises PeriodClosed(message, field), or `error(message, field)` when given (the goods
    register raises its own GoodsError). `hint` says what to do instead.
    """
    if not isinstance(d, date):
        return  # the caller's own date check answers for a missing or malformed date
    _guard_against_close(unit)
    row = closing_period(unit, d)
    if row is None:
        return
    message = f"{describe(row, unit)}. {hint}"
    if error is not None:
        raise error(message, field)
    raise PeriodClosed(message, field, row)


def ensure_open_many(unit: Unit | int, days, field: str | None = "entry_date", *, hint: str = POST_HINT) -> None:
    """ensure_open for many dates of one unit with one query (bulk imports)."""
    _guard_against_close(unit)
    rows = binding_rows(unit)
    if not rows:
        return
    for d in sorted({d for d in days if isinstance(d, date)}):
        row = covering(rows, d)
        if row is not None:
            raise PeriodClosed(f"{describe(row, unit)}. {hint}", field, row)


# ---- closing and reopening ----------------------------------------------------------------------

def own_row(unit: Unit, year: int, month: int) -> ClosedPeriod | None:
    return db.session.scalar(select(ClosedPeriod).where(ClosedPeriod.unit_id == unit.id, ClosedPeriod.year == year,
                                                        ClosedPeriod.month == month))


def check_period(year, month, day: date | None = None) -> tuple[int, int]:
    """A period that can be closed: a real month (or the whole year) that has ended."""
    day = day or today()
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= day.year:
        raise PeriodError(f"Năm không hợp lệ: chỉ từ {FIRST_YEAR} đến {day.year}.", "year")
    if isinstance(month, bool) or not isinstance(month, int) or not 0 <= month <= 12:
        raise PeriodError("Tháng không hợp lệ.", "month")
    if period_end(year, month) >= day:
        raise PeriodError(f"{period_label(year, month)} chưa kết thúc: chỉ khóa sổ được kỳ đã qua.", "month")
    return year, month


def period_refusal(year, month) -> str:
    """Why this period cannot be closed (check_period's message), or "" when it can."""
    try:
        check_period(year, month)
    except PeriodError as err:
        return str(err)
    return ""


def close(unit: Unit, year: int, month: int = WHOLE_YEAR, *, via: str = MANUAL) -> ClosedPeriod:
    """Close a month (1..12) or the whole year (0) of `unit`'s books, and of every unit below it."""
    year, month = check_period(year, month)
    _lock_unit(unit)  # wait for postings in flight below this unit (see _guard_against_close)
    if via == MANUAL:
        if not unit.active:
            raise PeriodError("Đơn vị này đã ngừng hoạt động.", "unit_id")
        # Already closed here or above (a closed year holds its months): nothing to close.
        binding = [r for r in closed_rows(unit, year) if r.month in (WHOLE_YEAR, month)]
        if binding:
            raise PeriodError(describe(binding[0], unit) + ".", "month")
    # Publishing closes the unit's own year even when a unit above closed it already: reopening
    # there must not reopen what this unit showed the public.
    row = own_row(unit, year, month)
    before = row.audit_dict() if row is not None else None
    if row is None:
        row = ClosedPeriod(unit=unit, year=year, month=month)
        db.session.add(row)
    row.closed, row.closed_at, row.closed_by_id, row.via = True, utcnow(), actor_id(), via
    db.session.flush()
    db.session.refresh(row)  # closed_by, for the messages of this same request
    record("close", row, before=before, after=row.audit_dict())
    _forget()
    return row


def close_for_publish(unit: Unit, year: int) -> ClosedPeriod | None:
    """Publishing a year's disclosure closes that year for the unit (when the year has ended and the
    unit has not closed it itself). Returns the new closed row, or None when nothing changed."""
    day = today()
    if year >= day.year:
        return None  # the year is still running: its books stay open until it ends
    row = own_row(unit, year, WHOLE_YEAR)
    if row is not None and row.closed:
        return None
    return close(unit, year, WHOLE_YEAR, via=PUBLISH)


def reopen(row: ClosedPeriod, reason: str) -> ClosedPeriod:
    """Reopen a closed period (an admin's decision, with a reason, audited)."""
    reason = clean(reason or "")
    if not reason:
        raise PeriodError("Vui lòng nhập lý do mở lại kỳ đã khóa.", "reason")
    if len(reason) > 500:
        raise PeriodError("Lý do dài quá 500 ký tự.", "reason")
    if not row.closed:
        raise PeriodError(f"{row.label} của {row.unit.name} đang mở, không cần mở lại.", "reason")
    before = row.audit_dict()
    row.closed, row.reopened_at, row.reopened_by_id, row.reopen_reason = False, utcnow(), actor_id(), reason
    db.session.flush()
    record("reopen", row, before=before, after=row.audit_dict())
    _forget()
    return row


def _forget() -> None:
    db.session.info.pop(_CACHE, None)


# ---- the page ---------------------------------------------------------------------------------------

def rows_in_scope(root: Unit, *, closed_only: bool = True):
    """A select of the periods of `root`, the units below it and the units above it (which bind it)."""
    stmt = select(ClosedPeriod).where(or_(ClosedPeriod.unit_id.in_(scope_unit_ids(root)),
                                          ClosedPeriod.unit_id.in_(chain_ids(root))))
    if closed_only:
        stmt = stmt.where(ClosedPeriod.closed.is_(True))
    return stmt.order_by(ClosedPeriod.year.desc(), ClosedPeriod.month.desc(), ClosedPeriod.unit_id)


def year_status(unit: Unit, year: int) -> dict:
    """For the page: the year's own state and each month's, from one query.

    {"year": (row binding the whole year or None), "months": [(month, row or None, ended), ...],
     "own": {month: own row (closed or reopened)}}
    """
    rows = closed_rows(unit, year)
    own = {r.month: r for r in db.session.scalars(select(ClosedPeriod).where(
        ClosedPeriod.unit_id == unit.id, ClosedPeriod.year == year))}
    day = today()
    year_row = covering([r for r in rows if r.month == WHOLE_YEAR], date(year, 1, 1))
    months = [(m, covering(rows, date(year, m, 1)), period_end(year, m) < day) for m in range(1, 13)
              if date(year, m, 1) <= day]
    return {"year": year_row, "months": months, "own": own, "year_ended": period_end(year) < day}


def summary(unit: Unit, year: int, month: int = WHOLE_YEAR) -> dict:
    """What closing would freeze: entries in the period (unit and below) and each fund's balance
    at the period's end."""
    start, end = period_start(year, month), period_end(year, month)
    scope = scope_unit_ids(unit)
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.unit_id.in_(scope), LedgerEntry.entry_date >= start, LedgerEntry.entry_date <= end))
    signed = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)
    balances = dict(db.session.execute(
        select(LedgerEntry.fund_id, func.sum(signed)).where(LedgerEntry.unit_id.in_(scope),
                                                            LedgerEntry.entry_date <= end)
        .group_by(LedgerEntry.fund_id)).all())
    funds = list(db.session.scalars(select(Fund).join(Fund.unit).where(
        Fund.unit_id.in_(scope)).order_by(Unit.path, Fund.is_default.desc(), Fund.search_key)))
    lines = [(f, int(balances.get(f.id) or 0)) for f in funds if f.id in balances]
    goods = _goods_count(scope, start, end)
    units = db.session.scalar(select(func.count()).select_from(Unit).where(Unit.id.in_(scope))) or 1
    return {"start": start, "end": end, "entries": int(entries or 0), "goods": goods, "funds": lines,
            "total": sum(b for _, b in lines), "units_below": int(units) - 1}


def _goods_count(scope, start: date, end: date) -> int | None:
    """Goods entries in the period (None while the goods register is not installed)."""
    try:
        from app.goods.models import GoodsEntry
    except ImportError:
        return None

    return int(db.session.scalar(select(func.count()).select_from(GoodsEntry).where(
        GoodsEntry.unit_id.in_(scope), and_(GoodsEntry.entry_date >= start, GoodsEntry.entry_date <= end))) or 0)
