"""An account's month, the bank's statement beside the book (đối chiếu số dư tài khoản ngân hàng).

What the page and the printed biên bản show, read live (nothing here writes):
- the statement's balances: the opening of the earliest statement covering the month and the
  closing of the latest one, moved to the month's first and last day by the lines between (a
  statement of 15/6-15/7 gives July's opening once the lines of 1/7-14/7 are known); without a
  statement, read from the lines' running balances; else said to be unknown;
- the statement's totals in and out: this account's lines dated in the month;
- the book's transfer entries: the unit's ledger entries of method "transfer" dated in the month.
  An entry voided (or corrected) in the same month is NETTED with its reversal: both are listed
  apart, counted in neither total nor as a difference. A reversal of an earlier month's entry stands
  as an entry of its own month. Fund-to-fund transfers inside the unit (both legs in the unit's
  funds) never touch a bank and are left out;
- matched pairs: this account's lines posted or linked to a standing entry;
- the differences: on the statement but not in the book (lines waiting or set aside, or posted to
  an entry since voided), and in the book but not on the statement (standing entries linked to no
  line of ANY account of the unit: listed once, on the unit's default account, since the book does
  not say which account a transfer went through);
- the check: opening + in - out = closing, and the gap when it does not hold.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.core.clock import today
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import IN, LedgerEntry
from app.printing.offer import DIRECT_MAX as PRINT_NOW_MAX

from . import balances
from .balances import Balance
from .models import LINKED, POSTED, WAITING, BankAccount, BankLine, BankStatement

KIND = "banking.reconcile"  # the background print job's kind (a long list of differences)
DIRECT_MAX = PRINT_NOW_MAX  # rows printed within the request: the one cut-off, tests lower it here
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return self.next.start - timedelta(days=1)

    @property
    def param(self) -> str:  # ?thang=2024-07
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:  # "07/2024"
        return f"{self.month:02d}/{self.year}"

    @property
    def prev(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)


def parse_month(text: str | None) -> Month | None:
    """"2024-07" -> Month(2024, 7); None for anything else (an empty or mistyped ?thang=)."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return Month(year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


def default_month(account: BankAccount) -> Month:
    """The last month the account has lines in, else this month."""
    last = db.session.scalar(select(func.max(BankLine.txn_date)).where(BankLine.bank_account_id == account.id))
    day = last or today()
    return Month(day.year, day.month)


# ---- the figures -------------------------------------------------------------------------------

@dataclass
class Item:
    """A difference or a matched pair: the bank line, the entry it stands for, and a note."""
    line: BankLine | None = None
    entry: LedgerEntry | None = None
    note: str = ""

    @property
    def day(self) -> date:
        return self.line.txn_date if self.line is not None else self.entry.entry_date

    @property
    def direction(self) -> str:
        return (self.line or self.entry).direction

    @property
    def amount(self) -> int:
        return (self.line or self.entry).amount

    @property
    def text(self) -> str:
        if self.line is not None:
            return self.line.description
        entry = self.entry
        return " - ".join(x for x in (entry.number or "", entry.counterparty, entry.description) if x)


@dataclass
class Reconciliation:
    account: BankAccount
    month: Month
    accounts: list[BankAccount]  # the unit's accounts
    home: BankAccount  # where the book-only differences are listed (the unit's default account)
    statements: list[BankStatement]
    lines: list[BankLine]
    opening: Balance
    closing: Balance
    book: list[LedgerEntry]  # standing transfer entries of the month
    netted: list[tuple[LedgerEntry, LedgerEntry]]  # (entry, its reversal) both in the month
    matched: list[Item]
    statement_only: list[Item]
    book_only: list[Item] = field(default_factory=list)

    @property
    def lists_book_only(self) -> bool:
        return self.home.id == self.account.id

    def _sum(self, rows, direction: str) -> int:
        return sum(r.amount for r in rows if r.direction == direction)

    @property
    def statement_in(self) -> int:
        return self._sum(self.lines, IN)

    @property
    def statement_out(self) -> int:
        return self._sum(self.lines, "out")

    @property
    def book_in(self) -> int:
        return self._sum(self.book, IN)

    @property
    def book_out(self) -> int:
        return self._sum(self.book, "out")

    @property
    def expected_closing(self) -> int | None:
        """Opening + in - out, from the statement's own figures."""
        if not self.opening.known:
            return None
        return self.opening.value + self.statement_in - self.statement_out

    @property
    def gap(self) -> int | None:
        """Closing - (opening + in - out): 0 when the statement adds up, None when it cannot be checked."""
        if self.expected_closing is None or not self.closing.known:
            return None
        return self.closing.value - self.expected_closing

    @property
    def balanced(self) -> bool | None:
        return None if self.gap is None else self.gap == 0

    @property
    def differences(self) -> int:
        return len(self.statement_only) + len(self.book_only)

    def fingerprint(self) -> dict:
        """What the printed sheet depends on (a finished print job is reused while it is the same)."""
        return {"account": self.account.audit_dict(), "month": self.month.param,
                "statements": [[s.id, s.opening_balance, s.closing_balance] for s in self.statements],
                "lines": [[x.id, x.status, x.donation_id, x.entry_id, x.payer_name] for x in self.lines],
                "book": [e.id for e in self.book], "netted": [[a.id, b.id] for a, b in self.netted],
                "book_only": [i.entry.id for i in self.book_only], "today": today().isoformat()}

    def digest(self) -> str:
        raw = json.dumps(self.fingerprint(), sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()


def unit_accounts(account: BankAccount) -> list[BankAccount]:
    return list(db.session.scalars(select(BankAccount).where(BankAccount.unit_id == account.unit_id)
                                   .order_by(BankAccount.id)))


def home_account(accounts: list[BankAccount]) -> BankAccount:
    """The unit's default account (the one its QR codes show), else its first active one, else its first."""
    return next((a for a in accounts if a.is_default), None) or next((a for a in accounts if a.active), accounts[0])


def reconcile(account: BankAccount, month: Month) -> Reconciliation:
    """The whole picture of `account` in `month` (see the module's docstring)."""
    accounts = unit_accounts(account)
    home = home_account(accounts)
    lines = list(db.session.scalars(
        select(BankLine).where(BankLine.bank_account_id == account.id, BankLine.txn_date >= month.start,
                               BankLine.txn_date <= month.end)
        .options(selectinload(BankLine.entry), selectinload(BankLine.donation).selectinload(Donation.entry))
        .order_by(BankLine.txn_date, BankLine.id)))
    statements = list(db.session.scalars(
        select(BankStatement).where(BankStatement.bank_account_id == account.id,
                                    BankStatement.date_from <= month.end, BankStatement.date_to >= month.start)
        .order_by(BankStatement.date_from, BankStatement.id)))
    book, netted = _book(account, month)
    undone = _undone_by(month, [_entry_of(x) for x in lines if x.status in (POSTED, LINKED)])
    matched, statement_only = [], []
    for line in lines:
        entry = _entry_of(line) if line.status in (POSTED, LINKED) else None
        if line.status == WAITING:
            statement_only.append(Item(line, None, "Chưa ghi vào sổ, chưa khớp."))
        elif line.status not in (POSTED, LINKED):
            statement_only.append(Item(line, None, "Đã bỏ qua" + (f": {line.reason}" if line.reason else ".")))
        elif entry is None:
            statement_only.append(Item(line, None, "Đã xử lý nhưng không còn bút toán trong sổ."))
        elif entry.id in undone:
            statement_only.append(Item(line, entry, f"Bút toán {entry.number or ''} đã hủy ngày "
                                                    f"{undone[entry.id].entry_date:%d/%m/%Y}."))
        else:
            note = "" if month.start <= entry.entry_date <= month.end else \
                f"Sổ ghi ngày {entry.entry_date:%d/%m/%Y} (khác tháng)."
            matched.append(Item(line, entry, note))
    result = Reconciliation(account, month, accounts, home, statements, lines, balances.opening(account, month, statements, lines),
                            balances.closing(account, month, statements, lines), book, netted, matched, statement_only)
    if result.lists_book_only:
        linked = _linked_entry_ids([e.id for e in book], [a.id for a in accounts])
        result.book_only = [Item(None, e, "Chưa thấy trên sao kê của tài khoản nào của đơn vị.")
                            for e in book if e.id not in linked]
    return result


def _entry_of(line: BankLine) -> LedgerEntry | None:
    if line.entry is not None:
        return line.entry
    return line.donation.entry if line.donation is not None else None


def _undoes(entry: LedgerEntry) -> int | None:
    """The entry `entry` voids or corrects, if it is a reversal or a correction."""
    return entry.reversal_of_id or entry.corrects_id


def _undone_by(month: Month, entries: list[LedgerEntry | None]) -> dict[int, LedgerEntry]:
    """Of `entries`, those voided or corrected by an entry dated on or before the month's end."""
    ids = [e.id for e in entries if e is not None]
    if not ids:
        return {}
    rows = db.session.scalars(select(LedgerEntry).where(
        or_(LedgerEntry.reversal_of_id.in_(ids), LedgerEntry.corrects_id.in_(ids)),
        LedgerEntry.entry_date <= month.end))
    return {_undoes(r): r for r in rows}


def _book(account: BankAccount, month: Month) -> tuple[list[LedgerEntry], list[tuple[LedgerEntry, LedgerEntry]]]:
    entries = list(db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.unit_id == account.unit_id, LedgerEntry.method == "transfer",
                                  LedgerEntry.entry_date >= month.start, LedgerEntry.entry_date <= month.end)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)))
    internal = _internal_transfer_ids(account.unit_id, entries)
    entries = [e for e in entries if e.id not in internal]
    by_id = {e.id: e for e in entries}
    netted = [(by_id[_undoes(e)], e) for e in entries if _undoes(e) in by_id]
    gone = {e.id for pair in netted for e in pair}
    return [e for e in entries if e.id not in gone], netted


def _internal_transfer_ids(unit_id: int, entries: list[LedgerEntry]) -> set[int]:
    """Entries of fund-to-fund transfers whose every leg is in the unit's own funds (no bank involved)."""
    tids = {e.transfer_id for e in entries if e.transfer_id}
    if not tids:
        return set()
    legs = db.session.execute(select(LedgerEntry.transfer_id, LedgerEntry.unit_id)
                              .where(LedgerEntry.transfer_id.in_(tids))).all()
    outside = {tid for tid, unit in legs if unit != unit_id}
    return {e.id for e in entries if e.transfer_id and e.transfer_id not in outside}


def _linked_entry_ids(entry_ids: list[int], account_ids: list[int]) -> set[int]:
    """Of `entry_ids`, those a bank line of one of `account_ids` is posted or linked to."""
    if not entry_ids:
        return set()
    direct = db.session.scalars(select(BankLine.entry_id).where(
        BankLine.bank_account_id.in_(account_ids), BankLine.entry_id.in_(entry_ids)))
    through = db.session.scalars(select(Donation.entry_id).join(BankLine, BankLine.donation_id == Donation.id).where(
        BankLine.bank_account_id.in_(account_ids), Donation.entry_id.in_(entry_ids)))
    return set(direct) | set(through)


# ---- the printed biên bản ----------------------------------------------------------------------

def title(account: BankAccount, month: Month) -> str:
    return f"Biên bản đối chiếu tài khoản {account.account_number} tháng {month.label}"


def print_lines(rec: Reconciliation) -> int:
    """About how long the sheet is, in rows (the heading, balance table and signatures count ~30)."""
    return 30 + rec.differences


def render(rec: Reconciliation, progress=None) -> bytes:
    from app.printing.services import render_pdf  # heavy: loaded when first needed

    pdf = render_pdf("pdf/banking/reconcile.html", rec=rec, today=today())
    if progress is not None:
        progress(1, 1)
    return pdf


def _load(params: dict) -> Reconciliation:
    return reconcile(db.session.get(BankAccount, params["account_id"]), parse_month(params["month"]))


def register() -> None:
    """Declare the printed sheet to the print engine (a long list of differences prints in the background)."""
    from app.printing.jobs import register_document  # heavy: loaded when first needed

    register_document(KIND, lambda params, progress: render(_load(params), progress),
                      fingerprint=lambda params: _load(params).digest(), version="1")
