"""The goods register (sổ hiện vật): gifts in kind received, kept and handed out.

Goods are not cash: a treasurer counts the cash box against the fund ledger and the goods
against this register. Entries are append-only like the ledger (database triggers refuse
UPDATE and DELETE, migration 0013); a mistake is corrected by a reversal entry pointing at
the original through `reversal_of_id`, which is unique so an entry is voided once.
The stock of a unit and item is SUM(in) - SUM(out) over every entry, reversals included.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

IN, OUT = "in", "out"
DIRECTION_LABELS = {IN: "Nhập", OUT: "Xuất"}
RECEIPT, ISSUE = "GN", "XK"  # biên bản giao nhận hiện vật, phiếu xuất / biên bản bàn giao
SOURCE_LABELS = {
    "donation": "Đóng góp bằng hiện vật",
    "scholarship": "Học bổng",
    "prize": "Khen thưởng",
    "issue": "Xuất hiện vật",
    "reversal": "Hủy phiếu",
}


def format_quantity(value) -> str:
    """"50", "2,5" (Vietnamese decimal comma, no trailing zeros), "" for None."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + frac if frac else "")


class GoodsEntry(db.Model):
    __tablename__ = "goods_entry"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the unit that holds the stock
    entry_date: Mapped[date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(3))
    item: Mapped[str] = mapped_column(String(200))
    item_key: Mapped[str] = mapped_column(String(200))  # app.vn.text.fold(item)
    item_unit: Mapped[str] = mapped_column(String(30))  # "quyển", "chiếc", "kg", "bộ", "ngày công"
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    value: Mapped[int] = mapped_column(BigInteger, default=0)  # đồng, "quy ra tiền"
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None]
    # "GN-2026-0001" (in) / "XK-2026-0001" (out); reversals have none (the voided paper prints ĐÃ HỦY).
    number: Mapped[str | None] = mapped_column(String(20))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"))
    counterparty: Mapped[str] = mapped_column(String(200), default="")  # giver or recipient
    counterparty_address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    basis: Mapped[str] = mapped_column(String(100), default="")
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("goods_entry.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    campaign = relationship("Campaign")
    created_by = relationship("User")
    original: Mapped["GoodsEntry | None"] = relationship(
        remote_side="GoodsEntry.id", back_populates="reversal", foreign_keys=[reversal_of_id])
    reversal: Mapped["GoodsEntry | None"] = relationship(
        back_populates="original", foreign_keys=[reversal_of_id], uselist=False)

    __table_args__ = (
        UniqueConstraint("unit_id", "number", name="uq_goods_entry_unit_number"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("direction IN ('in', 'out')", name="direction_valid"),
        Index("ix_goods_entry_stock", "unit_id", "item_key", "item_unit", "direction"),
        Index("ix_goods_entry_unit_date", "unit_id", "entry_date", "id"),
        Index("ix_goods_entry_source", "source", "source_id"),
    )

    @property
    def kind(self) -> str | None:
        """"GN" or "XK" for numbered papers, None for reversals."""
        return self.number[:2] if self.number else None

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def quantity_text(self) -> str:
        return format_quantity(self.quantity)

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "number": self.number, "date": self.entry_date.isoformat(),
                "direction": self.direction, "item": self.item, "item_unit": self.item_unit,
                "quantity": str(self.quantity), "value": self.value, "source": self.source,
                "source_id": self.source_id, "campaign_id": self.campaign_id,
                "counterparty": self.counterparty, "description": self.description, "basis": self.basis,
                "reversal_of_id": self.reversal_of_id}

    def __repr__(self) -> str:
        return f"<GoodsEntry {self.id} {self.number} {self.direction} {self.quantity} {self.item_unit}>"
