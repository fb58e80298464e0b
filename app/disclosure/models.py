"""Publication of a unit's yearly disclosure (công khai): off until an admin turns it on.

One row per unit and calendar year: whether the public may see it, since when and by whom, and
the report as it stood at that moment (snapshot, app.disclosure.snapshot). The public page and
the public PDF show the snapshot, never the live books, so nothing entered after publishing goes
public before an admin publishes again; the admin page compares it with the live report to say
when the books changed afterwards. The headline figures are kept too (audit log, older rows).
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

from .snapshot import digest


class Publication(db.Model):
    __tablename__ = "disclosure_publication"
    __not_counted__ = "whether a disclosure is public: reports never read it"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int]
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Headline figures when published ({"income": ..., "spending": ..., "closing": ...}).
    figures: Mapped[dict | None] = mapped_column(JSON)
    # The whole report when published (app.disclosure.snapshot.dump); None before migration 0012.
    snapshot: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # The publication this one replaced when an admin published again with different figures
    # (migration 0015): the public page and PDF say "Đã điều chỉnh ... thay cho bản ngày ...".
    previous_published_at: Mapped[datetime | None]
    previous_digest: Mapped[str | None] = mapped_column(String(64))
    # sha256 of the snapshot when published (migration 0017): the books check recomputes it.
    snapshot_digest: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    published_by = relationship("User")

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_disclosure_unit_year"),)

    def audit_dict(self) -> dict:
        # The snapshot's fingerprint, not the snapshot: a province's runs to thousands of lines.
        return {"unit_id": self.unit_id, "year": self.year, "published": self.published,
                "figures": self.figures, "snapshot_sha256": digest(self.snapshot)[:16]}

    def __repr__(self) -> str:
        return f"<Publication unit={self.unit_id} {self.year} {'on' if self.published else 'off'}>"
