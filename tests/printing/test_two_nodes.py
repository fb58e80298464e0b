"""Two nodes in miniature (issue 20 A): two app instances, each with its own INSTANCE_PATH (its own
local disk), sharing one database. A print made on one downloads through the other; an import
previewed on one is confirmed on the other; nothing either needs sits on a local disk."""
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core import blobs
from app.extensions import db
from app.printing import jobs
from app.printing.models import PrintJob
from app.pupils.models import Pupil
from tests.conftest import login
from tests import nodes
from tests.nodes import local_files
from tests.pupils.test_import import _confirm_fields, _upload, row, xlsx
from tests import s3server

s3 = s3server.s3  # the fixtures: a real S3-compatible server and a fresh bucket; node B
second = nodes.second


@pytest.fixture
def document():
    def builder(params, progress):
        from app.printing.services import render_pdf

        progress(1, 1)
        return render_pdf("pdf/_base.html", page_numbers=False)

    jobs.register_document("test.nodes", builder)
    return "test.nodes"


def _print(world, kind):
    db.session.commit()  # no read snapshot older than the store's own writes (SQLite)
    job = jobs.request_print(kind, {"n": 1}, unit=world.commune, title="Danh sách", filename="Danh sách.pdf",
                             user=world.users["clerk"])
    db.session.commit()
    return job


def test_a_print_made_on_one_node_downloads_from_the_other(app, world, second, document):
    job = _print(world, document)  # rendered by node A (its queue runs at once in tests)
    assert job.status == "done" and job.file_path == f"print/{job.content_hash}.pdf"
    client = second.test_client()
    login(client, world.users["clerk"])
    page = client.get(f"/in-an/{job.id}").get_data(as_text=True)
    assert "Mở tệp PDF" in page and "không còn được lưu" not in page
    resp = client.get(f"/in-an/{job.id}/tai-ve")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    # Absence: neither node keeps the PDF on its disk. Positive control: a file written there is seen.
    assert local_files(app.instance_path) == [] and local_files(second.instance_path) == []
    (Path(second.instance_path) / "control.pdf").write_bytes(b"%PDF")
    assert len(local_files(second.instance_path)) == 1


def test_a_job_whose_file_is_gone_asks_for_a_reprint_and_is_printed_again(app, world, as_user, document):
    job = _print(world, document)
    legacy = PrintJob(unit_id=world.commune.id, user_id=world.users["clerk"].id, kind=document, params={"n": 1},
                      content_hash=job.content_hash, title="Danh sách cũ", status="done", progress=100,
                      file_path=f"{job.content_hash}.pdf")  # a row from before the store: a file on one disk
    db.session.add(legacy)
    db.session.commit()
    client = as_user(world.users["clerk"])
    # Positive control: the job printed through the store downloads.
    assert client.get(f"/in-an/{job.id}/tai-ve").status_code == 200
    page = client.get(f"/in-an/{legacy.id}")
    assert page.status_code == 200 and "không còn được lưu trên máy chủ" in page.get_data(as_text=True)
    assert client.get(f"/in-an/{legacy.id}/tai-ve").status_code == 404
    blobs.delete(job.file_path)  # the store lost it too (expired): the same document is printed again
    again = _print(world, document)
    assert again.id not in (job.id, legacy.id) and again.status == "done" and jobs.has_file(again)


def test_an_import_previewed_on_one_node_is_confirmed_on_the_other(app, world, second):
    from tests.factories_scholarships import make_school

    make_school(world.commune, "Trường THCS Lai Vung")
    db.session.commit()
    a, b = app.test_client(), second.test_client()
    login(a, world.users["clerk"])
    login(b, world.users["clerk"])
    before = db.session.scalar(select(func.count()).select_from(Pupil))
    page = _upload(a, xlsx([row("Phạm Văn Ân"), row("Lê Thị Hà")])).get_data(as_text=True)
    fields = _confirm_fields(page)
    assert not os.path.exists(os.path.join(app.instance_path, "imports"))  # nothing on node A's disk
    # Another user on node B cannot take it (same ownership check as before).
    other = second.test_client()
    login(other, world.users["admin"])
    assert other.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == before
    resp = b.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields)
    assert resp.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == before + 2


def test_with_an_s3_store_a_print_downloads_from_the_other_node(app, world, second, document, s3):
    from tests.s3server import keys

    bucket, client = s3
    job = _print(world, document)
    assert keys(client, bucket) == [f"skh/{job.file_path}"]  # in the bucket, not the database
    b = second.test_client()
    login(b, world.users["clerk"])
    resp = b.get(f"/in-an/{job.id}/tai-ve")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert local_files(app.instance_path) == [] and local_files(second.instance_path) == []


def test_an_import_stopped_on_one_node_is_finished_on_the_other(app, world, second, monkeypatch):
    """Node A writes one batch and fails; the same confirmation sent to node B writes exactly the rest
    (the staged rows in the blob store, how far it got in import_progress: both shared)."""
    from app.pupils import services

    app.config.update(IMPORT_BATCH_ROWS=2, IMPORT_BATCH_PAUSE=0)
    second.config.update(IMPORT_BATCH_ROWS=2, IMPORT_BATCH_PAUSE=0)
    names = [f"Trần Thị Nút {chr(65 + i)}" for i in range(5)]
    a, b = app.test_client(), second.test_client()
    login(a, world.users["clerk"])
    login(b, world.users["clerk"])
    fields = _confirm_fields(_upload(a, xlsx([row(n) for n in names])).get_data(as_text=True))
    real, calls = services.bulk_create_pupils, []

    def second_batch_fails(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise services.PupilError("Sự cố giả lập.")
        return real(*args, **kw)

    monkeypatch.setattr(services, "bulk_create_pupils", second_batch_fails)
    assert a.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields).status_code == 422
    monkeypatch.setattr(services, "bulk_create_pupils", real)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 2  # positive control: stopped midway
    assert b.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields).status_code == 303
    db.session.rollback()
    assert sorted(db.session.scalars(select(Pupil.ten))) == sorted(n.rsplit(" ", 1)[1] for n in names)
