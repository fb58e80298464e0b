"""Bank accounts, the lines of their statements, and the statements they came in (issue 17).

A bank line is a fact the bank reported (from an uploaded statement or a live notification), not a
posting: it never changes the books by itself. A treasurer confirms it, and only then does it
become a transfer gift (a Donation with its phiếu thu) or get linked to an entry already in the
book. A line's identity (the bank's reference, or a digest of what identifies it when the bank
gives none) is unique per account, so the same statement imported twice adds nothing.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.banking.napas import Bank, bank_by_bin
from app.core.clock import utcnow
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.units.models import Unit

IN, OUT = "in", "out"
# A line's state: waiting for the treasurer, posted as a new gift, linked to an entry already in the
# book, or set aside (with a reason: not the association's money, a bank fee recorded elsewhere...).
WAITING, POSTED, LINKED, IGNORED = "waiting", "posted", "linked", "ignored"
STATUS_LABELS = {WAITING: "Chờ xử lý", POSTED: "Đã ghi thành khoản đóng góp", LINKED: "Đã khớp với sổ",
                 IGNORED: "Đã bỏ qua"}
STATEMENT, WEBHOOK = "statement", "webhook"
SOURCE_LABELS = {STATEMENT: "Sao kê", WEBHOOK: "Báo có tự động"}


class BankAccount(db.Model):
    """A unit's account at a bank of the NAPAS list (app.banking.napas), shown in every VietQR."""

    __tablename__ = "bank_account"
    __not_counted__ = "the account's details: no report figure reads them (its lines are counted)"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    bin: Mapped[str] = mapped_column(String(6))  # NAPAS bank identification number, 6 digits
    account_number: Mapped[str] = mapped_column(String(19))  # digits (some banks allow letters): as printed
    account_name: Mapped[str] = mapped_column(String(70))  # upper case, no diacritics, as the bank shows it
    label: Mapped[str] = mapped_column(String(100), default="")  # "Tài khoản Quỹ khuyến học"
    is_default: Mapped[bool] = mapped_column(default=False)  # the account a drive's QR shows
    active: Mapped[bool] = mapped_column(default=True)
    # The statement layout this account's uploads are read with ("" = the bank's own, by BIN) and the
    # columns the user pointed at once for the generic layout (JSON), kept for the next upload.
    layout: Mapped[str] = mapped_column(String(20), default="")
    mapping_json: Mapped[str] = mapped_column(Text, default="")
    # The live feed's HMAC key (app.banking.webhook); None: the feed is off for this account.
    webhook_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()

    __table_args__ = (UniqueConstraint("unit_id", "bin", "account_number", name="uq_bank_account_number"),)

    @property
    def bank(self) -> Bank | None:
        return bank_by_bin(self.bin)

    @property
    def bank_name(self) -> str:
        bank = self.bank
        return bank.short_name if bank else self.bin

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "bin": self.bin, "account_number": self.account_number,
                "account_name": self.account_name, "label": self.label, "is_default": self.is_default,
                "active": self.active, "layout": self.layout, "webhook": self.webhook_secret is not None}

    def __repr__(self) -> str:
        return f"<BankAccount {self.id} {self.bin} {self.account_number}>"


class BankStatement(db.Model):
    """One uploaded statement file (sao kê): its period and balances as the bank printed them."""

    __tablename__ = "bank_statement"
    __not_counted__ = "an import's bookkeeping: the gifts its lines become are counted"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    digest: Mapped[str] = mapped_column(String(64), default="")  # sha256 of the file, to say "already imported"
    layout: Mapped[str] = mapped_column(String(20), default="")
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    opening_balance: Mapped[int | None] = mapped_column(BigInteger)  # số dư đầu kỳ, when the file says
    closing_balance: Mapped[int | None] = mapped_column(BigInteger)  # số dư cuối kỳ
    lines_total: Mapped[int] = mapped_column(default=0)  # lines in the file
    lines_new: Mapped[int] = mapped_column(default=0)  # of them, not seen before
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    account: Mapped[BankAccount] = relationship()

    def audit_dict(self) -> dict:
        return {"bank_account_id": self.bank_account_id, "filename": self.filename, "layout": self.layout,
                "date_from": self.date_from and self.date_from.isoformat(),
                "date_to": self.date_to and self.date_to.isoformat(), "opening_balance": self.opening_balance,
                "closing_balance": self.closing_balance, "lines_total": self.lines_total,
                "lines_new": self.lines_new}


class BankLine(db.Model):
    """One transaction the bank reported on an account, waiting for or past the treasurer's decision."""

    __tablename__ = "bank_line"
    __not_counted__ = "no cached report reads them: the queue and the reconciliation are read live"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    source: Mapped[str] = mapped_column(String(10), default=STATEMENT)
    # Unique per account: "ref:<bank reference>" or "sum:<sha256 of date, amount, direction,
    # description, balance and the ordinal among identical lines>", or "hook:<feed id>".
    identity: Mapped[str] = mapped_column(String(80))
    reference: Mapped[str] = mapped_column(String(64), default="")  # the bank's own reference (số bút toán)
    txn_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # whole đồng, always positive; direction says which way
    direction: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(String(500), default="")  # the bank's text, NFC
    balance: Mapped[int | None] = mapped_column(BigInteger)  # the running balance after it, when given
    code: Mapped[str] = mapped_column(String(25), default="")  # the payment code found in the description
    payer_name: Mapped[str] = mapped_column(String(120), default="")  # read from the description, editable
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    reason: Mapped[str] = mapped_column(String(300), default="")  # why it was set aside
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donation.id"), unique=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    account: Mapped[BankAccount] = relationship()
    statement: Mapped[BankStatement | None] = relationship()
    donation: Mapped[Donation | None] = relationship()
    entry: Mapped[LedgerEntry | None] = relationship()

    __table_args__ = (
        UniqueConstraint("bank_account_id", "identity", name="uq_bank_line_identity"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("direction IN ('in', 'out')", name="direction_valid"),
        Index("ix_bank_line_account_date", "bank_account_id", "txn_date", "id"),
        Index("ix_bank_line_account_status", "bank_account_id", "status", "txn_date"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def signed(self) -> int:
        return self.amount if self.direction == IN else -self.amount

    def audit_dict(self) -> dict:
        return {"bank_account_id": self.bank_account_id, "identity": self.identity, "reference": self.reference,
                "date": self.txn_date.isoformat(), "amount": self.amount, "direction": self.direction,
                "description": self.description, "code": self.code, "payer_name": self.payer_name,
                "status": self.status, "reason": self.reason, "donation_id": self.donation_id,
                "entry_id": self.entry_id}

    def __repr__(self) -> str:
        return f"<BankLine {self.id} {self.direction} {self.amount} {self.status}>"
