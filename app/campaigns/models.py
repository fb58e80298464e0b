"""Campaigns (đợt vận động): a named drive of a unit that collects money into one fund."""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.funds.models import Fund
from app.units.models import Unit

FUND_DRIVE, PIGGY_BANK, SPONSORSHIP, OTHER = "fund_drive", "piggy_bank", "sponsorship", "other"
KIND_LABELS = {
    FUND_DRIVE: "Đợt vận động",
    PIGGY_BANK: "Nuôi heo đất",
    SPONSORSHIP: "Đỡ đầu",
    OTHER: "Khác",
}
OPEN, CLOSED = "open", "closed"
STATUS_LABELS = {OPEN: "Đang mở", CLOSED: "Đã kết thúc"}


class Campaign(db.Model):
    __tablename__ = "campaign"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=FUND_DRIVE)
    purpose: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    target_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: no target
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(lazy="joined")
    fund: Mapped[Fund] = relationship(lazy="joined")

    __table_args__ = (Index("ix_campaign_unit_status", "unit_id", "status"),)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def audit_dict(self) -> dict:
        return {"name": self.name, "unit_id": self.unit_id, "fund_id": self.fund_id, "kind": self.kind,
                "purpose": self.purpose, "start_date": self.start_date and self.start_date.isoformat(),
                "end_date": self.end_date and self.end_date.isoformat(),
                "target_amount": self.target_amount, "status": self.status}

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.name!r}>"
