"""Funds and their ledger: a fund's balance is always the sum of its entries.

Ledger entries are append-only (database triggers refuse UPDATE and DELETE, see
migration 0002); a mistake is corrected by a reversal entry pointing at the
original through `reversal_of_id`, which is unique so an entry is voided once.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

IN, OUT = "in", "out"
DIRECTION_LABELS = {IN: "Thu", OUT: "Chi"}
SOURCE_LABELS = {
    "donation": "Đóng góp, ủng hộ",
    "piggy_bank": "Heo đất khuyến học",
    "payment": "Chi quỹ",
    "transfer": "Chuyển quỹ",
    "reversal": "Hủy bút toán",
    "scholarship": "Học bổng",
    "prize": "Khen thưởng",
    "dues": "Hội phí",
    "adjustment": "Điều chỉnh",  # a correction of an entry in a closed period (corrects_id)
}
METHOD_LABELS = {"cash": "Tiền mặt", "transfer": "Chuyển khoản", "in_kind": "Hiện vật (quy ra tiền)"}
RECEIPT, VOUCHER = "PT", "PC"  # phiếu thu, phiếu chi


class Fund(db.Model):
    __tablename__ = "fund"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(500), default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    # One name per unit; also stops two concurrent default_fund() calls creating two defaults.
    __table_args__ = (UniqueConstraint("unit_id", "search_key", name="uq_fund_unit_name"),)

    def audit_dict(self) -> dict:
        return {"name": self.name, "unit_id": self.unit_id, "description": self.description,
                "is_default": self.is_default}

    def __repr__(self) -> str:
        return f"<Fund {self.id} {self.name!r}>"


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"))
    # Copied from the fund: numbers are unique per unit, and the scope check needs `unit`.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    entry_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    direction: Mapped[str] = mapped_column(String(3))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None]
    # "PT-2026-0001" / "PC-2026-0001"; reversals have none (the voided document is kept, marked ĐÃ HỦY).
    number: Mapped[str | None] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10), default="cash")
    counterparty: Mapped[str] = mapped_column(String(200), default="")  # payer or recipient
    counterparty_address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(String(500), default="")  # purpose / reason
    basis: Mapped[str] = mapped_column(String(100), default="")  # e.g. "15/QĐ-HKH"
    transfer_id: Mapped[str | None] = mapped_column(String(32), index=True)
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    # A correction (source "adjustment", no number) of an entry in a closed period, dated in an open
    # one; not unique: a correction voided by mistake can be followed by a new one (checked under
    # the fund lock by app.funds.services.correct).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    fund: Mapped[Fund] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by = relationship("User")
    original: Mapped["LedgerEntry | None"] = relationship(
        remote_side="LedgerEntry.id", back_populates="reversal", foreign_keys=[reversal_of_id])
    reversal: Mapped["LedgerEntry | None"] = relationship(
        back_populates="original", foreign_keys=[reversal_of_id], uselist=False)
    corrected: Mapped["LedgerEntry | None"] = relationship(
        remote_side="LedgerEntry.id", back_populates="corrections", foreign_keys=[corrects_id])
    corrections: Mapped[list["LedgerEntry"]] = relationship(
        back_populates="corrected", foreign_keys=[corrects_id], order_by="LedgerEntry.id")

    __table_args__ = (
        UniqueConstraint("unit_id", "number", name="uq_ledger_entry_unit_number"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("direction IN ('in', 'out')", name="direction_valid"),
        Index("ix_ledger_entry_fund_date", "fund_id", "entry_date"),
        # Migration 0011: the ledger's direction and source filters; the balance as an index-only sum.
        Index("ix_ledger_entry_fund_direction", "fund_id", "direction", "entry_date", "id", "amount"),
        Index("ix_ledger_entry_fund_source", "fund_id", "source", "entry_date", "id"),
    )

    @property
    def signed(self) -> int:
        return self.amount if self.direction == IN else -self.amount

    @property
    def kind(self) -> str | None:
        """"PT" or "PC" for numbered documents, None for reversals."""
        return self.number[:2] if self.number else None

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)

    def audit_dict(self) -> dict:
        return {"fund_id": self.fund_id, "number": self.number, "date": self.entry_date.isoformat(),
                "amount": self.amount, "direction": self.direction, "source": self.source,
                "source_id": self.source_id, "counterparty": self.counterparty,
                "description": self.description, "basis": self.basis, "transfer_id": self.transfer_id,
                "reversal_of_id": self.reversal_of_id, "corrects_id": self.corrects_id}

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.id} {self.number} {self.direction} {self.amount}>"


class DocumentCounter(db.Model):
    """The next receipt/voucher number per unit, kind and year, bumped inside the write transaction."""

    __tablename__ = "document_counter"
    __not_counted__ = "receipt and voucher numbering"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    next_number: Mapped[int] = mapped_column(default=1)
