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


def test_a_link_gone_stale_is_refused_before_the_first_batch_is_written(app, world, admin, draft):  # noqa: F811
    from datetime import date

    from app.pupils.models import Pupil
    from tests.factories_scholarships import make_pupil

    app.config.update(IMPORT_BATCH_ROWS=1, IMPORT_BATCH_PAUSE=0)
    pupil = make_pupil(world.branch, "Lê Văn An", birth_date=date(2013, 5, 2))
    before = count(draft)
    lines = [row(f"Lê Văn Giỏi {i}", f"Học sinh giỏi môn {i}") for i in range(3)] + [row("Lê Văn An", birth="02/05/2013")]
    fields = confirm_fields(upload(admin, draft, xlsx(lines)).get_data(as_text=True))
    # The linked pupil leaves the decision's unit after the preview (moved to another commune).
    db.session.execute(db.update(Pupil).where(Pupil.id == pupil.id).values(unit_id=world.other_commune.id))
    db.session.commit()
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan", data=fields)
    assert resp.status_code == 422 and "không thuộc đơn vị ra quyết định" in resp.get_data(as_text=True)
    db.session.rollback()
    assert count(draft) == before  # nothing written: the last line was checked before the first
