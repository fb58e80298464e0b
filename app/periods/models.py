"""Closed periods (khóa sổ): a month or a whole year of a unit's books that takes no more entries.

One row per unit, year and month (month 0 = the whole year). A closed row applies to the unit
and every unit below it: a commune closing 2025 closes its branches' 2025 books too, so the
figures the commune reported stay what they were. Reopening (an admin, with a reason) keeps the
row with `closed` off and the reopening noted; closing it again turns it back on. The audit log
holds every close and reopen.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

WHOLE_YEAR = 0
MANUAL, PUBLISH = "manual", "publish"  # how it was closed: by hand, or by publishing the year's disclosure


class ClosedPeriod(db.Model):
    __tablename__ = "closed_period"
    __not_counted__ = "which months are closed: no figure changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int]
    month: Mapped[int] = mapped_column(default=WHOLE_YEAR)  # 1..12, or 0 for the whole year
    closed: Mapped[bool] = mapped_column(default=True)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    via: Mapped[str] = mapped_column(String(10), default=MANUAL)
    # The last reopening (kept when closed again, for the page; the audit log has them all).
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reopen_reason: Mapped[str] = mapped_column(String(500), default="")

    unit: Mapped[Unit] = relationship()
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    reopened_by = relationship("User", foreign_keys=[reopened_by_id])

    __table_args__ = (
        UniqueConstraint("unit_id", "year", "month", name="uq_closed_period_unit_year_month"),
        CheckConstraint("month >= 0 AND month <= 12", name="month_valid"),
    )

    @property
    def is_year(self) -> bool:
        return self.month == WHOLE_YEAR

    @property
    def label(self) -> str:
        """"Tháng 09/2026" or "Năm 2026"."""
        return period_label(self.year, self.month)

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "year": self.year, "month": self.month, "closed": self.closed,
                "via": self.via, "reopen_reason": self.reopen_reason}

    def __repr__(self) -> str:
        return f"<ClosedPeriod {self.unit_id} {self.label} {'closed' if self.closed else 'open'}>"


def period_label(year: int, month: int = WHOLE_YEAR) -> str:
    return f"Năm {year}" if month == WHOLE_YEAR else f"Tháng {month:02d}/{year}"
