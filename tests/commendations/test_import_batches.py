"""A confirmed honoree list is written in batches (issue 15, finding 1): each batch commits with the
import's progress; every line is added once, and a second confirmation adds nothing."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.imports import ImportProgress
from app.extensions import db
from tests.commendations.test_import import PREFIX, admin, confirm_fields, count, draft, row, upload, xlsx  # noqa: F401

LINES = 8


def test_a_confirmed_list_is_written_in_batches_once(app, admin, draft):  # noqa: F811
    app.config.update(IMPORT_BATCH_ROWS=3, IMPORT_BATCH_PAUSE=0)
    before = count(draft)
    resp = upload(admin, draft, xlsx([row(f"Lê Văn Giỏi {i}", f"Học sinh giỏi môn {i}") for i in range(LINES)]))
    fields = confirm_fields(resp.get_data(as_text=True))
    url = f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan"
    assert admin.post(url, data=fields).status_code == 303
    db.session.rollback()
    assert count(draft) == before + LINES
    progress = db.session.scalar(select(ImportProgress))
    assert (progress.done, progress.batches) == (LINES, 3) and progress.finished_at is not None
    batches = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "bulk_add")).all()
    assert sum(a.after["added"] for a in batches) == LINES
    assert admin.post(url, data=fields).status_code == 303  # the same click again: nothing new
    db.session.rollback()
    assert count(draft) == before + LINES
