"""A unit's own logo for its certificates (issue 18 C): the cleaned image itself, one per unit.

Kept in the database, not on disk: it travels with the backups, every worker sees the same bytes, and
nothing the user named ever becomes a path. The bytes are already cleaned (app.core.images); the
original upload is never stored. Replacing a logo rewrites the row in place; the audit log keeps the
digests before and after.
"""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

MIMES = ("image/svg+xml", "image/png")


class CertificateLogo(db.Model):
    __tablename__ = "certificate_logo"
    __not_counted__ = "a picture printed on certificates, not a figure"
    __table_args__ = (CheckConstraint("mime IN ('image/svg+xml', 'image/png')", name="mime"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), unique=True)
    mime: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    # PNG: pixels; SVG: viewBox units (their ratio is what the page needs to show it undistorted).
    width: Mapped[float | None] = mapped_column()
    height: Mapped[float | None] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()

    def audit_dict(self) -> dict:
        return {"mime": self.mime, "sha256": self.sha256, "bytes": len(self.data or b""),
                "width": self.width, "height": self.height}
