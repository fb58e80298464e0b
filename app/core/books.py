"""What the books accept: the largest single amount, the window of entry dates, sums that cannot overflow.

Amounts
-------
A single amount (a gift, a payment, a budget, an award, a prize, a campaign target, seed money)
is at most `max_amount()` đồng: the setting MAX_AMOUNT, by default 100.000.000.000 đ (100 tỷ).
That is far above anything a khuyến học fund sees (a province's whole year is a few tỷ) and far
below what breaks arithmetic. `check_amount()` is the one rule: MoneyField applies it to what
people type (the message shows beside the field) and every service applies it again to what
reaches it by other paths (imports, bulk entry, other services), raising its own domain error
through the `error=` argument so the message keeps its field.

Why no total can overflow
-------------------------
- PostgreSQL: SUM(bigint) is numeric (arbitrary precision) and the code never casts a sum back to
  bigint, so no total overflows there.
- SQLite: SUM() of integers fails with "integer overflow" once its running total passes 2**63 - 1
  (9.22e18). With every amount at most 10**11, one sum needs 92 million rows of the largest size
  to get there, 460 times the bench province's 200,000 gifts: out of reach by use. But rows written
  before the bound existed may hold up to 10**15 - 1 (the 15 digits the parser allows), and 9,224
  of those reach the limit: the issue's two imports of 4,700 such gifts made the dashboards, the
  fund lists and the very void that would repair them answer 500. So on SQLite every SUM of an
  integer expression is compiled (`_sqlite_sum` below) as two sums of 32-bit halves:

      SUM(x >> 32) * 4294967296 + SUM(x & 4294967295)

  Each half of a row is below 2**31 in size (x >> 32 is below 2**31 even for the largest bigint),
  so neither partial sum can overflow before 2**32 rows; the result is exact whenever the total
  fits in 64 bits, and beyond that SQLite's arithmetic (unlike its SUM) turns the result into a
  REAL: an approximate figure on the page instead of a 500. Only rows above the bound can get a
  total there; `amounts_over_bound()` lists them for the books check. The split costs about
  40 ns a summed row (8 ms over 200,000 rows, on a report that is then cached). The alternatives
  were worse: TOTAL() is a float for every sum (inexact past 2**53), a Python aggregate costs a
  microsecond a row, and a helper at each of the 40 SUM call sites would be forgotten at the 41st.

Dates
-----
Every posted entry (money and goods, reversals included) and every date a money or goods record
is made on lies between BOOKS_EARLIEST_DATE (default 2000-01-01) and today in Vietnam plus
BOOKS_DAYS_AHEAD days (default 31: a receipt written up for an event early next month).
A year-1 voucher "PC-1-0001" or a gift dated 9999 is refused beside the date field.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import BigInteger, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions, operators
from sqlalchemy.sql.elements import FunctionFilter, Over
from sqlalchemy.types import Integer

from app.vn.dates import short_date
from app.vn.money import MAX_DIGITS, amount_in_words, format_vnd

__all__ = ["BooksError", "DEFAULT_MAX_AMOUNT", "max_amount", "check_amount", "amount_message", "today",
           "date_window", "check_entry_date", "OverBound", "money_columns", "amounts_over_bound"]

DEFAULT_MAX_AMOUNT = 100_000_000_000
HARD_LIMIT = 10**MAX_DIGITS - 1  # what parse_money takes at all: a setting cannot lift the bound past it
DEFAULT_EARLIEST_DATE = date(2000, 1, 1)
DEFAULT_DAYS_AHEAD = 31
MSG_BAD_DATE = "Vui lòng nhập ngày hợp lệ."


class BooksError(ValueError):
    """A refused amount or date: a Vietnamese message and the form field it concerns.

    Services pass their own error class (FundError, DonationError, ...) as `error=` instead,
    so callers keep catching the error they know; every one of them takes (message, field).
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def _setting(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


# ---- amounts -----------------------------------------------------------------------------------

def max_amount() -> int:
    """The largest single amount, read from the config at each call (tests and deployments change it)."""
    value = int(_setting("MAX_AMOUNT", DEFAULT_MAX_AMOUNT))
    return max(1, min(value, HARD_LIMIT))


def amount_message(label: str = "Số tiền") -> str:
    """"Số tiền quá lớn: tối đa 100.000.000.000 đ (một trăm tỷ đồng).\""""
    limit = max_amount()
    words = amount_in_words(limit)
    return f"{label} quá lớn: tối đa {format_vnd(limit)} ({words[:1].lower()}{words[1:]})."


def check_amount(value, field: str | None = "amount", *, allow_zero: bool = False, label: str = "Số tiền",
                 error: type[Exception] = BooksError) -> int:
    """`value` as an int of whole đồng in [1 (0 with allow_zero), max_amount()], else error(message, field)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{label} phải là số nguyên đồng.", field)
    if value < 0 or (value == 0 and not allow_zero):
        raise error(f"{label} không được âm." if allow_zero else f"{label} phải lớn hơn 0.", field)
    if value > max_amount():
        raise error(amount_message(label), field)
    return value


# ---- dates -------------------------------------------------------------------------------------

def today() -> date:
    """Today in the association's time zone (the server runs in UTC)."""
    return datetime.now(ZoneInfo(_setting("VN_TIMEZONE", "Asia/Ho_Chi_Minh"))).date()


def date_window() -> tuple[date, date]:
    """(earliest, latest) entry date accepted today."""
    earliest = _setting("BOOKS_EARLIEST_DATE", DEFAULT_EARLIEST_DATE)
    if isinstance(earliest, str):
        earliest = date.fromisoformat(earliest)
    if isinstance(earliest, datetime):
        earliest = earliest.date()
    ahead = int(_setting("BOOKS_DAYS_AHEAD", DEFAULT_DAYS_AHEAD))
    return earliest, today() + timedelta(days=ahead)


def check_entry_date(value, field: str | None = "entry_date", *, error: type[Exception] = BooksError) -> date:
    """`value` when it is a date inside date_window(), else error("Ngày phải từ ... đến ...", field)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise error(MSG_BAD_DATE, field)
    earliest, latest = date_window()
    if not earliest <= value <= latest:
        raise error(f"Ngày phải từ {short_date(earliest)} đến {short_date(latest)}.", field)
    return value


# ---- rows above the bound (for the books check) ------------------------------------------------

# BigInteger columns that do not hold đồng.
NOT_MONEY = {("report_version", "version")}


@dataclass(frozen=True)
class OverBound:
    table: str
    column: str
    row_id: int
    amount: int


def money_columns():
    """Every BigInteger column that holds đồng, found in the models (a new money column is covered
    without being listed here)."""
    from app.extensions import db

    return [col for table in db.metadata.sorted_tables for col in table.columns
            if isinstance(col.type, BigInteger) and not col.primary_key and not col.foreign_keys
            and (table.name, col.name) not in NOT_MONEY]


def amounts_over_bound(limit: int = 100) -> list[OverBound]:
    """Rows whose amount is above max_amount() (or below its negative), at most `limit` per column.

    Nothing written through the services can be; data written before the bound existed may be.
    """
    from app.extensions import db

    bound, found = max_amount(), []
    for col in money_columns():
        pk = list(col.table.primary_key.columns)
        if len(pk) != 1:
            continue
        rows = db.session.execute(select(pk[0], col).where(or_(col > bound, col < -bound))
                                  .order_by(pk[0]).limit(limit))
        found += [OverBound(col.table.name, col.name, int(row_id), int(amount)) for row_id, amount in rows]
    return found


# ---- SQLite: integer sums that cannot overflow (see the module docstring) ----------------------

_HALF = 32


def _summable(fn, kw) -> bool:
    if kw.get("_plain_sum") or not isinstance(fn, functions.sum) or not isinstance(fn.type, Integer):
        return False
    args = fn.clauses.clauses
    # SUM(DISTINCT x) cannot be split into halves: it keeps SQLite's own SUM.
    return len(args) == 1 and getattr(args[0], "operator", None) is not operators.distinct_op


def _split(compiler, fn, where: str, add_to_result_map=None, **kw) -> str:
    if add_to_result_map is not None:  # as visit_function does; the argument is no result column
        add_to_result_map(fn.name, fn.name, (fn.name,), fn.type)
    arg = compiler.process(fn.clauses.clauses[0], **kw)
    return (f"(SUM(({arg}) >> {_HALF}){where} * {1 << _HALF} "
            f"+ SUM(({arg}) & {(1 << _HALF) - 1}){where})")


@compiles(functions.sum, "sqlite")
def _sqlite_sum(element, compiler, **kw):
    if not _summable(element, kw):
        kw.pop("_plain_sum", None)
        return compiler.visit_function(element, **kw)
    return _split(compiler, element, "", **kw)


@compiles(FunctionFilter, "sqlite")
def _sqlite_sum_filter(element, compiler, **kw):
    if not _summable(element.func, kw):
        return compiler.visit_funcfilter(element, **kw)
    criterion = {k: v for k, v in kw.items() if k != "add_to_result_map"}
    where = f" FILTER (WHERE {compiler.process(element.criterion, **criterion)})"
    return _split(compiler, element.func, where, **kw)


@compiles(Over, "sqlite")
def _sqlite_sum_over(element, compiler, **kw):
    # A window SUM cannot be split into two windows cheaply: it keeps SQLite's own SUM.
    return compiler.visit_over(element, _plain_sum=True, **kw)
