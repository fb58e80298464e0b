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
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import aliased

from app.core.clock import utcnow
from app.extensions import db
from app.funds.models import IN, OUT, Fund, LedgerEntry
from app.vn.money import format_vnd

log = logging.getLogger(__name__)

ADJUSTMENT = "adjustment"  # a correction of a closed period's entry (app.periods, funds.services.correct)
MAX_LISTED = 200  # findings listed per check; more of the same kind are summed up in one line
KINDS = {
    "balance": "Số dư quỹ",
    "owner": "Bút toán và chứng từ gốc",
    "goods": "Sổ hiện vật",
    "series": "Dãy số chứng từ",
    "snapshot": "Bản công khai đã công bố",
    "bound": "Số tiền vượt giới hạn",
    "error": "Lỗi khi kiểm tra",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of KINDS
    message: str  # Vietnamese, says what is wrong and where
    unit_id: int | None = None
    ref: str = ""  # "table:id" of the record to look at

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # what was checked: label -> how many
    checks: dict[str, int] = field(default_factory=dict)  # the invariants run: name -> findings
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def by_kind(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.kind, []).append(f)
        return out


# ---- helpers shared by the check modules --------------------------------------------------------

def money(value) -> str:
    return format_vnd(int(value or 0))


def listed(stmt) -> list:
    """The first MAX_LISTED + 1 rows of a query of wrong things (one more tells "there are more")."""
    return db.session.execute(stmt.limit(MAX_LISTED + 1)).all()


def capped(findings: list[Finding], kind: str, what: str) -> list[Finding]:
    """At most MAX_LISTED findings of one check, then one line saying more were left out."""
    if len(findings) <= MAX_LISTED:
        return findings
    return findings[:MAX_LISTED] + [Finding(kind, f"Còn thêm {what} khác cùng loại (chỉ liệt kê {MAX_LISTED} "
                                              "vấn đề đầu tiên).")]


def count(model_or_col, *where) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model_or_col).where(*where)) or 0)


def entry_name(number, entry_id) -> str:
    return f"bút toán {number}" if number else f"bút toán hủy #{entry_id}"


def live_ledger(source: str, amount=LedgerEntry.amount):
    """A subquery: per source_id, the live (not reversed, not a reversal) entries of `source`:
    owner_id, n, total, entry_id (the lowest id), direction_ok (all of them in the expected
    direction is checked by the caller with n_in / n_out)."""
    r = aliased(LedgerEntry)
    le = LedgerEntry
    return (select(le.source_id.label("owner_id"), func.count().label("n"), func.sum(amount).label("total"),
                   func.min(le.id).label("entry_id"),
                   func.sum(case((le.direction == IN, 1), else_=0)).label("n_in"))
            .select_from(le).outerjoin(r, r.reversal_of_id == le.id)
            .where(le.source == source, le.reversal_of_id.is_(None), r.id.is_(None))
            .group_by(le.source_id).subquery())


def orphans(source: str, owner_model, label: str, book=LedgerEntry, direct_ok: bool = False) -> list[Finding]:
    """Entries of `source` whose source_id names no record of the owner's table.

    direct_ok: an entry naming no record at all (source_id NULL) is the book's own, not an orphan:
    an income posted straight to the ledger ("thu khác", e.g. a fund handed over with its balance),
    which the reports count as other income (app.reports.figures)."""
    rows = listed(select(book.id, book.unit_id, book.number).where(
        book.source == source, book.reversal_of_id.is_(None),
        *([book.source_id.is_not(None)] if direct_ok else []),
        ~exists().where(owner_model.id == book.source_id)).order_by(book.id))
    what = "Bút toán" if book is LedgerEntry else "Phiếu hiện vật"
    kind = "owner" if book is LedgerEntry else "goods"
    return capped([Finding(kind, f"{what} {number or '#' + str(eid)} ghi nguồn “{source}” nhưng không gắn với "
                                 f"{label} nào.", unit_id, f"{book.__tablename__}:{eid}")
                   for eid, unit_id, number in rows], kind, "bút toán không có chứng từ gốc")


# ---- funds --------------------------------------------------------------------------------------

_SIGNED = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)


def fund_balances(seen: dict) -> list[Finding]:
    """Every fund's balance (as app.funds.services computes it) = its incomes - its payments, >= 0,
    and no entry of the fund belongs to another unit than the fund's."""
    from app.funds import services as funds

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
    from . import checks_goods, checks_owners, checks_series

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
