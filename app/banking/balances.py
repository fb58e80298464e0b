"""An account's balances at the ends of a month (app.banking.reconcile): from the statements covering
it, moved to the month's first and last day by the lines in between; else from the lines' running
balances (a day's lines chained whatever order the bank lists them in); else unknown."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db

from .models import IN, BankAccount, BankLine, BankStatement


@dataclass
class Balance:
    value: int | None
    source: str  # where the figure comes from, in Vietnamese ("" when unknown)

    @property
    def known(self) -> bool:
        return self.value is not None



def _net(account: BankAccount, since: date, before: date) -> int:
    """The signed sum of the account's lines dated since <= day < before (0 for an empty range)."""
    if since >= before:
        return 0
    rows = db.session.execute(select(BankLine.direction, func.coalesce(func.sum(BankLine.amount), 0))
                              .where(BankLine.bank_account_id == account.id, BankLine.txn_date >= since,
                                     BankLine.txn_date < before).group_by(BankLine.direction)).all()
    return sum(int(total) if direction == IN else -int(total) for direction, total in rows)


def _statement_name(s: BankStatement) -> str:
    return f"sao kê {s.filename or '#' + str(s.id)} ({s.date_from:%d/%m/%Y} - {s.date_to:%d/%m/%Y})"


def opening(account, month, statements, lines) -> Balance:
    with_opening = [s for s in statements if s.opening_balance is not None]
    if with_opening:
        s = with_opening[0]
        value = s.opening_balance + _net(account, s.date_from, month.start) - _net(account, month.start, s.date_from)
        moved = "" if s.date_from == month.start else ", tính đến ngày đầu tháng bằng các giao dịch ở giữa"
        return Balance(value, f"Số dư đầu kỳ của {_statement_name(s)}{moved}.")
    first = _first_day_start(lines)
    if first is not None:
        return Balance(first, "Tính từ số dư sau giao dịch của các dòng sao kê trong tháng.")
    before = db.session.scalar(select(BankLine).where(
        BankLine.bank_account_id == account.id, BankLine.txn_date < month.start, BankLine.balance.is_not(None))
        .order_by(BankLine.txn_date.desc(), BankLine.id.desc()).limit(1))
    if before is not None:
        day_lines = _day(account, before.txn_date)
        end = _chain(day_lines)[1] if _chain(day_lines) else before.balance
        value = end + _net(account, before.txn_date + timedelta(days=1), month.start)
        return Balance(value, f"Số dư sau giao dịch cuối cùng trước tháng (ngày {before.txn_date:%d/%m/%Y}).")
    return Balance(None, "")


def closing(account, month, statements, lines) -> Balance:
    with_closing = [s for s in statements if s.closing_balance is not None]
    if with_closing:
        s = max(with_closing, key=lambda x: (x.date_to, x.id))
        after = month.end + timedelta(days=1)
        value = s.closing_balance - _net(account, after, s.date_to + timedelta(days=1)) \
            + _net(account, s.date_to + timedelta(days=1), after)
        moved = "" if s.date_to == month.end else ", tính về ngày cuối tháng bằng các giao dịch ở giữa"
        return Balance(value, f"Số dư cuối kỳ của {_statement_name(s)}{moved}.")
    last = _last_day_end(lines)
    if last is not None:
        return Balance(last, "Tính từ số dư sau giao dịch của các dòng sao kê trong tháng.")
    return Balance(None, "")


def _day(account: BankAccount, day: date) -> list[BankLine]:
    return list(db.session.scalars(select(BankLine).where(BankLine.bank_account_id == account.id,
                                                          BankLine.txn_date == day).order_by(BankLine.id)))


def _chain(day_lines: list[BankLine]) -> tuple[int, int] | None:
    """(balance before, balance after) a day's lines when each carries its running balance and they
    chain into one sequence. Banks list a day oldest first or newest first, so the order of the
    rows says nothing: the chain's start is the one "balance before" no other line ends on."""
    if not day_lines or any(x.balance is None for x in day_lines):
        return None
    befores = [x.balance - x.signed for x in day_lines]
    afters = [x.balance for x in day_lines]
    starts = [b for b in befores if b not in afters]
    ends = [a for a in afters if a not in befores]
    if len(starts) == 1 and len(ends) == 1:
        return starts[0], ends[0]
    return None


def _first_day_start(lines: list[BankLine]) -> int | None:
    if not lines:
        return None
    chain = _chain([x for x in lines if x.txn_date == lines[0].txn_date])
    if chain:
        return chain[0]
    # Rows in the file's order: the first one with a balance, less everything up to it.
    running = 0
    for line in lines:
        running += line.signed
        if line.balance is not None:
            return line.balance - running
    return None


def _last_day_end(lines: list[BankLine]) -> int | None:
    if not lines:
        return None
    chain = _chain([x for x in lines if x.txn_date == lines[-1].txn_date])
    if chain:
        return chain[1]
    running = 0
    for line in reversed(lines):
        if line.balance is not None:
            return line.balance + running
        running += line.signed
    return None
