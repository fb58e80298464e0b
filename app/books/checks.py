"""The books check: every invariant of the money and goods books, across domains, in one run.

Each invariant is a function `check(seen) -> list[Finding]`: it counts what it looked at into
`seen` (a label -> number dict, printed by `flask books-check`) and returns one Finding per thing
that is wrong, with a Vietnamese message, the unit it concerns and a reference ("donation:12").
Every check is set-based SQL (a few aggregate queries over whole tables, never a query per row),
so a province of 200,000 gifts is checked in seconds; only the rows that are wrong come back.

The invariants (checks_owners.py, checks_goods.py and checks_series.py hold most of them):
- funds: every fund's balance as the app computes it equals the sum of its entries, is never
  below zero, and never went below zero at any entry (in the order entries were written);
- owners: every ledger entry has a live owner (app.books.owners) and every owner's state matches
  its entries: a live gift of money has exactly one live income of its amount, a voided gift
  none; a counted pig's fund part exactly one, a paid award exactly one payment of its amount
  and an unpaid one none; a paid prize (pointer set) exactly one, an unpaid one none; every
  reversal voids an entry of the same fund in the other direction for the same amount; transfer
  legs come in pairs of equal amount, voided together;
- goods, number series, published snapshots and amounts within the bound: the other modules.

run_all() runs them all inside one read transaction (REPEATABLE READ on PostgreSQL, a WAL
snapshot on SQLite), so a write committed meanwhile cannot make the figures disagree; a check
that fails outright becomes a finding of its own instead of stopping the run.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import case, func, select

from app.core.clock import utcnow
from app.extensions import db
from app.funds import services as funds
from app.funds.models import IN, OUT, Fund, LedgerEntry

from . import checks_goods, checks_owners, checks_series
from .findings import KINDS, Finding, Report, capped, entry_name, listed, money  # noqa: F401  (read as checks.*)

log = logging.getLogger(__name__)


# ---- funds --------------------------------------------------------------------------------------

_SIGNED = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)


def fund_balances(seen: dict) -> list[Finding]:
    """Every fund's balance (as app.funds.services computes it) = its incomes - its payments, >= 0,
    and no entry of the fund belongs to another unit than the fund's."""
    rows = db.session.execute(
        select(Fund.id, Fund.unit_id, Fund.name,
               func.coalesce(func.sum(case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=0)), 0),
               func.coalesce(func.sum(case((LedgerEntry.direction == OUT, LedgerEntry.amount), else_=0)), 0),
               func.count(LedgerEntry.id))
        .select_from(Fund).outerjoin(LedgerEntry, LedgerEntry.fund_id == Fund.id)
        .group_by(Fund.id, Fund.unit_id, Fund.name)).all()
    app_balance = funds.balances([r[0] for r in rows])
    seen["quỹ"] = len(rows)
    seen["bút toán sổ quỹ"] = sum(int(r[5]) for r in rows)
    out = []
    for fid, unit_id, name, income, spending, _n in rows:
        income, spending = int(income), int(spending)
        if app_balance.get(fid, 0) != income - spending:
            out.append(Finding("balance", f"Quỹ “{name}”: số dư phần mềm tính ra {money(app_balance.get(fid))} "
                                          f"khác tổng thu trừ tổng chi {money(income - spending)}.", unit_id, f"fund:{fid}"))
        if income - spending < 0:
            out.append(Finding("balance", f"Quỹ “{name}” bị âm: thu {money(income)}, chi {money(spending)}, "
                                          f"số dư {money(income - spending)}.", unit_id, f"fund:{fid}"))
    stray = listed(select(LedgerEntry.id, LedgerEntry.number, LedgerEntry.unit_id, Fund.name, Fund.unit_id)
                   .join(Fund, Fund.id == LedgerEntry.fund_id).where(LedgerEntry.unit_id != Fund.unit_id))
    out += [Finding("balance", f"{entry_name(number, eid).capitalize()} thuộc quỹ “{name}” nhưng ghi cho một "
                               "đơn vị khác đơn vị của quỹ.", fund_unit, f"ledger_entry:{eid}")
            for eid, number, _unit, name, fund_unit in stray]
    return capped(out, "balance", "quỹ")


def fund_never_negative(seen: dict) -> list[Finding]:
    """Running balance of each fund, entry by entry in the order written (id), never below zero:
    every write that lowers a balance checks it under the fund's lock, so a dip means an entry
    that went round the rules (or a data migration that did)."""
    running = select(LedgerEntry.fund_id.label("fund_id"), LedgerEntry.id.label("id"),
                     func.sum(_SIGNED).over(partition_by=LedgerEntry.fund_id, order_by=LedgerEntry.id)
                     .label("balance")).subquery()
    first = (select(running.c.fund_id, func.min(running.c.id).label("first_id"))
             .where(running.c.balance < 0).group_by(running.c.fund_id).subquery())
    rows = listed(select(first.c.fund_id, first.c.first_id, Fund.name, Fund.unit_id, LedgerEntry.number,
                         LedgerEntry.entry_date)
                  .join(Fund, Fund.id == first.c.fund_id).join(LedgerEntry, LedgerEntry.id == first.c.first_id)
                  .order_by(first.c.fund_id))
    seen["số dư lũy kế theo từng bút toán"] = seen.get("bút toán sổ quỹ", 0)
    return capped([Finding("balance", f"Quỹ “{name}” bị âm ngay sau {entry_name(number, eid)} ngày "
                                      f"{day:%d/%m/%Y}: một khoản chi hoặc hủy thu đã vượt số dư lúc ghi.",
                           unit_id, f"ledger_entry:{eid}")
                   for _fid, eid, name, unit_id, number, day in rows], "balance", "quỹ")


# ---- running them all ---------------------------------------------------------------------------

def all_checks() -> list[tuple[str, Callable[[dict], list[Finding]]]]:
    """(name, check) of every invariant, in the order they run and print."""
    return [
        ("Số dư mỗi quỹ bằng tổng các bút toán, không âm", fund_balances),
        ("Quỹ không bị âm sau bất kỳ bút toán nào", fund_never_negative),
        *checks_owners.CHECKS,
        *checks_goods.CHECKS,
        *checks_series.CHECKS,
    ]


def _begin_read() -> None:
    """One consistent snapshot for the whole run (PostgreSQL: REPEATABLE READ; SQLite's WAL read
    transaction is one already)."""
    db.session.rollback()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def run_all(only: list[str] | None = None) -> Report:
    """Run every check (or those whose function name is in `only`); nothing is written.

    The run ends the caller's transaction first (it reads from a snapshot of its own): commit
    what you wrote before calling it."""
    report = Report(started_at=utcnow())
    _begin_read()
    try:
        for name, check in all_checks():
            if only and check.__name__ not in only:
                continue
            try:
                with db.session.begin_nested():
                    found = check(report.counts)
            except Exception as err:  # noqa: BLE001 - a broken check is a finding, the others still run
                log.exception("books check %s failed", check.__name__)
                found = [Finding("error", f"Không chạy được phép kiểm tra “{name}”: "
                                          f"{type(err).__name__}: {str(err)[:300]}")]
            report.checks[name] = len(found)
            report.findings += found
    finally:
        db.session.rollback()
    report.finished_at = utcnow()
    return report
