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
  integer expression (plain, with FILTER, or over a window) is compiled (`_sqlite_sum` below) as

      CASE WHEN ABS(TOTAL(x)) < 2**53 THEN CAST(TOTAL(x) AS INTEGER) ELSE TOTAL(x) END

  TOTAL() adds in floating point and never fails. Whole numbers below 2**53 (9.007.199.254.740.992
  đ) are exact doubles, and so is their sum as long as every partial sum stays below 2**53: with
  amounts within the bound that takes 90,000 rows of the largest size in one sum, again out of
  reach by use. So for books kept within the bound the figure is the exact integer SUM() gives;
  only old rows above the bound can push a sum past 2**53, and then the page shows an approximate
  figure (a REAL) instead of a 500. SQLite computes identical aggregates once, so the three
  TOTAL(x) cost what one SUM(x) costs (measured over 200,000 rows). The one difference: a sum of no
  rows is 0, not NULL; callers write COALESCE(SUM(x), 0) or sum within GROUP BY anyway.
  Rejected: 32-bit halves, SUM(x >> 32) * 2**32 + SUM(x & (2**32 - 1)), exact up to 2**63 but two
  aggregates take twice the time on every report; a Python aggregate (a microsecond a row); a
  helper at each of the 40 SUM call sites (the 41st would forget it).

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

from flask import current_app, has_app_context
from sqlalchemy import BigInteger, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions, operators
from sqlalchemy.sql.elements import FunctionFilter, Over
from sqlalchemy.types import Integer

from app.core.clock import today
from app.core.refusal import Refusal
from app.extensions import db
from app.vn.dates import short_date
from app.vn.money import MAX_DIGITS, amount_in_words, format_vnd

__all__ = ["BooksError", "DEFAULT_MAX_AMOUNT", "max_amount", "check_amount", "amount_message", "today",
           "date_window", "check_entry_date", "OverBound", "money_columns", "amounts_over_bound"]

DEFAULT_MAX_AMOUNT = 100_000_000_000
HARD_LIMIT = 10**MAX_DIGITS - 1  # what parse_money takes at all: a setting cannot lift the bound past it
DEFAULT_EARLIEST_DATE = date(2000, 1, 1)
DEFAULT_DAYS_AHEAD = 31
MSG_BAD_DATE = "Vui lòng nhập ngày hợp lệ."


class BooksError(Refusal):
    """A refused amount or date: a Vietnamese message and the form field it concerns.

    Services pass their own error class (FundError, DonationError, ...) as `error=` instead,
    so callers keep catching the error they know; every one of them takes (message, field).
    """


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
    return [col for table in db.metadata.sorted_tables for col in table.columns
            if isinstance(col.type, BigInteger) and not col.primary_key and not col.foreign_keys
            and (table.name, col.name) not in NOT_MONEY]


def amounts_over_bound(limit: int = 100) -> list[OverBound]:
    """Rows whose amount is above max_amount() (or below its negative), at most `limit` per column.

    Nothing written through the services can be; data written before the bound existed may be.
    """
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

_EXACT = 2**53  # every whole number below it is an exact double


def _summable(fn) -> bool:
    if not isinstance(fn, functions.sum) or not isinstance(fn.type, Integer):
        return False
    args = fn.clauses.clauses
    # SUM(DISTINCT x) keeps SQLite's own SUM: TOTAL(DISTINCT x) would read the same, but nothing needs it.
    return len(args) == 1 and getattr(args[0], "operator", None) is not operators.distinct_op


def _total(compiler, fn, suffix: str = "", add_to_result_map=None, _bare_total=False, **kw) -> str:
    if add_to_result_map is not None:  # as visit_function does: the sum, not its argument, is the column
        add_to_result_map(fn.name, fn.name, (fn.name,), fn.type)
    total = f"TOTAL({compiler.process(fn.clauses.clauses[0], **kw)}){suffix}"
    if _bare_total:  # inside OVER (...): the window is added by visit_over, the CASE around it by us
        return total
    return f"(CASE WHEN ABS({total}) < {_EXACT}.0 THEN CAST({total} AS INTEGER) ELSE {total} END)"


@compiles(functions.sum, "sqlite")
def _sqlite_sum(element, compiler, **kw):
    if not _summable(element):
        kw.pop("_bare_total", None)
        return compiler.visit_function(element, **kw)
    return _total(compiler, element, **kw)


@compiles(FunctionFilter, "sqlite")
def _sqlite_sum_filter(element, compiler, **kw):
    if not _summable(element.func):
        return compiler.visit_funcfilter(element, **kw)
    criterion = {k: v for k, v in kw.items() if k != "add_to_result_map"}
    return _total(compiler, element.func, f" FILTER (WHERE {compiler.process(element.criterion, **criterion)})",
                  **kw)


@compiles(Over, "sqlite")
def _sqlite_sum_over(element, compiler, **kw):
    if not _summable(element.element):
        return compiler.visit_over(element, **kw)
    total = compiler.visit_over(element, _bare_total=True, **kw)  # "TOTAL(x) OVER (...)"
    return f"(CASE WHEN ABS({total}) < {_EXACT}.0 THEN CAST({total} AS INTEGER) ELSE {total} END)"
