"""Publication of a unit's yearly disclosure (công khai): off until an admin turns it on.

One row per unit and calendar year. The report itself is computed from the ledger every time
(app.disclosure.report); the row only says whether the public may see it, since when and by
whom, and keeps the headline figures at the moment of publishing so the admin page can say
when the books changed afterwards.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.units.models import Unit, utcnow


class Publication(db.Model):
    __tablename__ = "disclosure_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int]
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Headline figures when published ({"income": ..., "spending": ..., "closing": ...}).
    figures: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    published_by = relationship("User")

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_disclosure_unit_year"),)

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "year": self.year, "published": self.published,
                "figures": self.figures}

    def __repr__(self) -> str:
        return f"<Publication unit={self.unit_id} {self.year} {'on' if self.published else 'off'}>"
