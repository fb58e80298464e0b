"""The pupil list's import is written in batches (issue 15, finding 1): a failure in batch k keeps the
batches before it, the user is told how far it got, and confirming the same upload again adds
exactly the rest (each new school and pupil once)."""
from sqlalchemy import func, select

from app.core.imports import ImportProgress
from app.extensions import db
from app.pupils import services
from app.pupils.models import Pupil, School
from tests.pupils.test_import import _confirm_fields, _upload, row, xlsx

PUPILS = 8


def _count(model):
    db.session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_failed_batch_keeps_the_earlier_ones_and_a_second_confirm_adds_exactly_the_rest(
        app, world, as_user, monkeypatch):
    app.config.update(IMPORT_BATCH_ROWS=3, IMPORT_BATCH_PAUSE=0)
    client = as_user(world.users["clerk"])
    schools = _count(School)
    names = [f"Trần Thị Lô {chr(65 + i)}" for i in range(PUPILS)]
    page = _upload(client, xlsx([row(n, school="Trường THCS Mới Mở") for n in names])).get_data(as_text=True)
    fields = _confirm_fields(page)
    real, calls = services.bulk_create_pupils, []

    def second_fails(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise services.PupilError("Sự cố giả lập.")
        return real(*args, **kw)

    monkeypatch.setattr(services, "bulk_create_pupils", second_fails)
    resp = client.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields)
    assert resp.status_code == 422 and f"Đã ghi 3/{PUPILS} học sinh mới" in resp.get_data(as_text=True)
    assert _count(Pupil) == 3 and _count(School) == schools + 1
    monkeypatch.setattr(services, "bulk_create_pupils", real)
    assert client.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields).status_code == 303  # the same upload
    assert sorted(db.session.scalars(select(Pupil.ten))) == sorted(n.rsplit(" ", 1)[1] for n in names)
    assert _count(School) == schools + 1
    progress = db.session.scalar(select(ImportProgress))
    assert (progress.done, progress.batches) == (PUPILS, 3) and progress.finished_at is not None
    client.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields)  # a third click: nothing new
    assert _count(Pupil) == PUPILS
