"""Stored runs of the books check (`flask books-check`, nightly in the print worker)."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.extensions import db

TRIGGERS = {"cli": "Chạy bằng lệnh", "nightly": "Tự động hằng đêm", "test": "Kiểm thử"}


class BooksCheckRun(db.Model):
    """One run: when, what was counted ({label: n}), and every finding as a dict
    (app.books.checks.Finding: kind, message, unit_id, ref)."""

    __tablename__ = "books_check_run"
    __system__ = "written by the books check (CLI, nightly), never from a form"  # app.core.owners

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    trigger: Mapped[str] = mapped_column(String(20), default="cli")
    finding_count: Mapped[int] = mapped_column(default=0)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def trigger_label(self) -> str:
        return TRIGGERS.get(self.trigger, self.trigger)

    def __repr__(self) -> str:
        return f"<BooksCheckRun {self.id} {self.started_at:%Y-%m-%d %H:%M} {self.finding_count} findings>"
