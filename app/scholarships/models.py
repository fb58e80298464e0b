"""Scholarship rounds, award categories and nominations (with their approval and payout state).

A nomination's money goes out through the fund ledger: `paid_entry_id` points at the
phiếu chi (source "scholarship", source_id = nomination id). A reversal voids that entry
and clears the pointer; the ledger keeps both entries, so the history is never lost.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.funds.models import Fund, LedgerEntry
from app.goods.models import GoodsEntry
from app.pupils.models import Pupil
from app.units.models import Unit

from .award_goods import award_text

KINDS = {"hardship": "Hoàn cảnh khó khăn", "achievement": "Khuyến tài (thành tích)",
         "sponsorship": "Đỡ đầu"}
ROUND_STATUS = {"open": "Đang xét chọn", "closed": "Đã kết thúc"}
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUS_LABELS = {PENDING: "Chờ duyệt", APPROVED: "Đã duyệt", REJECTED: "Không duyệt"}


class ScholarshipRound(db.Model):
    __tablename__ = "scholarship_round"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200))
    ceremony_date: Mapped[date | None] = mapped_column(Date)
    budget: Mapped[int] = mapped_column(BigInteger)
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    fund: Mapped[Fund] = relationship(lazy="joined")
    categories: Mapped[list["AwardCategory"]] = relationship(back_populates="round",
                                                            order_by="AwardCategory.id")

    __table_args__ = (CheckConstraint("budget >= 0", name="budget_not_negative"),)

    @property
    def status_label(self) -> str:
        return ROUND_STATUS.get(self.status, self.status)

    def audit_dict(self) -> dict:
        return {"name": self.name, "school_year": self.school_year, "fund_id": self.fund_id,
                "budget": self.budget, "ceremony_date": str(self.ceremony_date or ""),
                "decision_number": self.decision_number, "status": self.status}


class AwardCategory(db.Model):
    __tablename__ = "award_category"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scholarship_round.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    # Shown text: derived from the three goods_* fields ("10 quyển vở"); free text in older categories.
    goods: Mapped[str] = mapped_column(String(200), default="")
    quota: Mapped[int | None]
    # Goods handed out with each award, taken from the round's unit stock (migration 0016).
    goods_item: Mapped[str] = mapped_column(String(200), default="")
    goods_unit: Mapped[str] = mapped_column(String(30), default="")
    goods_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    round: Mapped[ScholarshipRound] = relationship(back_populates="categories")
    unit: Mapped[Unit] = relationship()

    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),
                      CheckConstraint("goods_quantity IS NULL OR goods_quantity > 0",
                                      name="goods_quantity_positive"))

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def stock_goods(self) -> bool:
        """Whether each award takes goods from the stock (older free-text goods do not)."""
        return self.goods_quantity is not None

    @property
    def award_text(self) -> str:
        """"300.000 đ và 10 quyển vở", "10 quyển vở" or "300.000 đ"."""
        return award_text(self.amount, self.goods)

    def audit_dict(self) -> dict:
        return {"round_id": self.round_id, "name": self.name, "kind": self.kind, "amount": self.amount,
                "goods": self.goods, "quota": self.quota, "goods_item": self.goods_item,
                "goods_unit": self.goods_unit,
                "goods_quantity": None if self.goods_quantity is None else str(self.goods_quantity)}


class Nomination(db.Model):
    __tablename__ = "nomination"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("scholarship_round.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupil.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("award_category.id"))
    proposer: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    achievement: Mapped[str] = mapped_column(String(300), default="")
    achievement_key: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # copied from the category when decided
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    decision_reason: Mapped[str] = mapped_column(String(300), default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    # The goods register's "out" entry (phiếu xuất) when the award's goods were handed out.
    goods_entry_id: Mapped[int | None] = mapped_column(ForeignKey("goods_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[ScholarshipRound] = relationship()
    unit: Mapped[Unit] = relationship()
    pupil: Mapped[Pupil] = relationship(lazy="joined")
    category: Mapped[AwardCategory] = relationship(lazy="joined")
    paid_entry: Mapped[LedgerEntry | None] = relationship()
    goods_entry: Mapped[GoodsEntry | None] = relationship()

    __table_args__ = (
        Index("ix_nomination_round_status", "round_id", "status"),
        # Migration 0011: the selection page's filters read from the index alone; a pupil's nominations.
        Index("ix_nomination_round_filters", "round_id", "category_id", "status", "pupil_id"),
        Index("ix_nomination_pupil_round", "pupil_id", "round_id"),
        # Migration 0035: the round's totals grouped from the index alone (services.totals).
        Index("ix_nomination_round_totals", "round_id", "status", "paid_on", "category_id", "amount"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    @property
    def status_label(self) -> str:
        if self.status == APPROVED and self.paid_on:
            return "Đã chi trả"
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None

    def audit_dict(self) -> dict:
        return {"round_id": self.round_id, "pupil_id": self.pupil_id, "category_id": self.category_id,
                "status": self.status, "amount": self.amount, "reason": self.reason,
                "decision_reason": self.decision_reason, "paid_on": str(self.paid_on or ""),
                "paid_entry_id": self.paid_entry_id, "goods_entry_id": self.goods_entry_id}
