"""Print jobs: a PDF rendered in the background, cached by the hash of its inputs."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

JOB_STATUSES = ("queued", "running", "done", "failed")
STATUS_LABELS = {
    "queued": "Đang chờ in",
    "running": "Đang in",
    "done": "Đã in xong",
    "failed": "In không thành công",
}


class PrintJob(db.Model):
    __tablename__ = "print_job"
    __not_counted__ = "the print queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # sha256 of everything that determines the bytes (kind, version, params, fingerprint).
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)  # 0-100
    pages: Mapped[int | None]
    file_path: Mapped[str | None] = mapped_column(String(500))  # its key in app.core.blobs
    error: Mapped[str | None] = mapped_column(Text)  # Vietnamese, shown to the user
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # Written every few seconds by the worker while it renders: a job "running" without a
    # recent heartbeat was left behind by a dead worker and is queued again.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_valid"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        Index("ix_print_job_hash_status", "content_hash", "status"),
        Index("ix_print_job_status_heartbeat", "status", "heartbeat_at"),
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")
