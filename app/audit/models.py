"""The audit log: append-only, written by the services in the same transaction as the change."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __not_counted__ = "the log of changes, not a figure"
    __system__ = "append-only, written by the services beside each change"  # app.core.owners

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # UTC
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(60), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")

    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        Index("ix_audit_unit_at", "unit_id", "at"),
        Index("ix_audit_object", "object_type", "object_id"),
        Index("ix_audit_action_id", "action", "id"),  # migration 0011: the log's filters, newest first
        Index("ix_audit_type_id", "object_type", "id"),
    )
