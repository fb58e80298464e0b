"""Donations: one row per gift; a gift of money posts one ledger entry (phiếu thu), a gift in kind
one goods entry (biên bản giao nhận hiện vật, app.goods), never cash.

A donation is never deleted. Voiding posts the reversal of its ledger (or goods) entry and
marks the row (voided_at, reason); the amounts stay for history.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.campaigns.models import Campaign
from app.core.clock import utcnow
from app.extensions import db
from app.funds.models import METHOD_LABELS, LedgerEntry
from app.goods.models import GoodsEntry
from app.units.models import Unit

from .donors import Donor  # noqa: F401  (one import point for the domain's models)

CASH, TRANSFER, IN_KIND = "cash", "transfer", "in_kind"
METHODS = {CASH: "Tiền mặt", TRANSFER: "Chuyển khoản", IN_KIND: "Hiện vật"}


class GiftText:
    """What a gift shows, from its own columns and the few related values it names (`entry.number`,
    `goods_entry.number`, `collector_unit.name`): shared by Donation and the gift list's plain rows
    (app.donations.gift_list.GiftRow), so both say it the same way."""

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    @property
    def in_kind(self) -> bool:
        return self.method == IN_KIND

    @property
    def number(self) -> str:
        """The number of the gift's paper: its biên bản giao nhận (GN-...) for goods, else its phiếu thu."""
        if self.goods_entry_id is not None:
            return self.goods_entry.number or ""
        return self.entry.number if self.entry is not None and self.entry.number else ""

    @property
    def paper_name(self) -> str:
        return "biên bản giao nhận hiện vật" if self.goods_entry_id is not None else "phiếu thu"

    @property
    def method_label(self) -> str:
        return METHODS.get(self.method, METHOD_LABELS.get(self.method, self.method))

    @property
    def in_kind_text(self) -> str:
        """"50 quyển vở" for gifts in kind, "" otherwise."""
        if self.method != IN_KIND:
            return ""
        qty = ""
        if self.quantity is not None:
            q = Decimal(self.quantity)
            qty = f"{q:f}".rstrip("0").rstrip(".") if "." in f"{q:f}" else f"{q:f}"
        return " ".join(p for p in (qty, self.item_unit, self.item) if p)

    @property
    def collector_label(self) -> str:
        parts = [self.collector_name, self.collector_unit.name if self.collector_unit else ""]
        return " - ".join(p for p in parts if p)


class Donation(GiftText, db.Model):
    __tablename__ = "donation"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    donor_id: Mapped[int] = mapped_column(ForeignKey("donor.id"))
    donation_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # đồng; for in-kind gifts the value "quy ra tiền"
    method: Mapped[str] = mapped_column(String(10), default=CASH)
    item: Mapped[str] = mapped_column(String(200), default="")  # in kind: "quyển vở"
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    item_unit: Mapped[str] = mapped_column(String(30), default="")  # "quyển", "chiếc"
    collector_name: Mapped[str] = mapped_column(String(120), default="")
    collector_key: Mapped[str] = mapped_column(String(120), default="")
    collector_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    # The donor asked for this gift to stay anonymous in public lists (disclosure, honour roll),
    # whatever the donor's kind; the receipt still carries the name.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Money gifts: their phiếu thu. Gifts in kind have none (since migration 0013; older ones keep
    # their reversed phiếu thu, printed ĐÃ HỦY) and post a goods entry (biên bản giao nhận) instead.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    goods_entry_id: Mapped[int | None] = mapped_column(ForeignKey("goods_entry.id"), unique=True)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    campaign: Mapped[Campaign] = relationship()
    donor: Mapped[Donor] = relationship()
    collector_unit: Mapped[Unit | None] = relationship(foreign_keys=[collector_unit_id])
    entry: Mapped[LedgerEntry | None] = relationship()
    goods_entry: Mapped[GoodsEntry | None] = relationship()

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_donation_unit_date", "unit_id", "donation_date", "id"),
        Index("ix_donation_campaign_date", "campaign_id", "donation_date", "id"),
        # Migration 0011: one index per filter and sort of the donation list (see its docstring).
        Index("ix_donation_date", "donation_date", "id"),
        Index("ix_donation_donor_live", "donor_id", "voided_at", "donation_date", "id", "amount"),
        Index("ix_donation_collector_unit", "collector_unit_id", "donation_date", "id"),
        Index("ix_donation_created_by", "created_by_id", "donation_date", "id"),
    )

    @property
    def moved_receipt(self):
        """The old phiếu thu of a gift in kind recorded as cash before migration 0013 (voided there)."""
        return self.entry if self.goods_entry_id is not None else None

    def audit_dict(self) -> dict:
        return {"campaign_id": self.campaign_id, "donor_id": self.donor_id, "unit_id": self.unit_id,
                "date": self.donation_date.isoformat(), "amount": self.amount, "method": self.method,
                "item": self.item, "quantity": None if self.quantity is None else str(self.quantity),
                "item_unit": self.item_unit, "collector_name": self.collector_name,
                "collector_unit_id": self.collector_unit_id, "note": self.note, "anonymous": self.anonymous,
                "entry_id": self.entry_id, "goods_entry_id": self.goods_entry_id,
                "voided": self.voided, "void_reason": self.void_reason}

    def __repr__(self) -> str:
        return f"<Donation {self.id} {self.amount}>"


class DonationImport(db.Model):
    """A parsed .xlsx upload waiting for the user's confirmation (keyed by a random token)."""

    __tablename__ = "donation_import"
    __not_counted__ = "an import's bookkeeping: the donations it writes are counted"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    filename: Mapped[str] = mapped_column(String(200), default="")
    rows_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
