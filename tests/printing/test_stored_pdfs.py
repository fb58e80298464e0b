"""Finished PDFs in the blob store (issue 20 A): a PDF over BLOB_MAX_MB fails its job with a message
and stores nothing; PRINT_KEEP_DAYS gives stored PDFs an expiry."""
from datetime import timedelta

from sqlalchemy import func, select

from app.core.blobs import StoredBlob
from app.core.clock import utcnow
from app.extensions import db
from app.printing import jobs


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredBlob).where(StoredBlob.kind == "print"))


def _register(size):
    def builder(params, progress):
        return b"%PDF-1.7\n" + b"0" * size

    jobs.register_document("test.sized", builder)


def _print(world, n):
    db.session.commit()
    job = jobs.request_print("test.sized", {"n": n}, unit=world.commune, title="Danh sách", filename="d.pdf",
                             user=world.users["clerk"])
    db.session.commit()
    return job


def test_a_pdf_over_the_cap_fails_its_job_and_stores_nothing(app, world):
    app.config["BLOB_MAX_MB"] = 1
    _register(500_000)
    small = _print(world, 1)  # positive control: under the cap it is stored
    assert small.status == "done" and _stored() == 1
    _register(1_200_000)
    big = _print(world, 2)
    assert big.status == "failed" and "Tệp quá lớn để lưu" in big.error and "tối đa 1 MB" in big.error
    assert _stored() == 1 and big.file_path is None


def test_print_keep_days_gives_stored_pdfs_an_expiry(app, world):
    _register(10)
    kept = _print(world, 1)
    row = db.session.get(StoredBlob, kept.file_path)
    assert row.expires_at is None  # unset: kept for good, as a file on disk was
    app.config["PRINT_KEEP_DAYS"] = 30
    dated = _print(world, 2)
    row = db.session.get(StoredBlob, dated.file_path)
    assert abs(row.expires_at - (utcnow() + timedelta(days=30))) < timedelta(minutes=5)
    jobs.register_document("test.public", lambda params, progress: b"%PDF-1.7 public", permanent=True)
    db.session.commit()
    public = jobs.request_print("test.public", {"n": 3}, unit=world.commune, title="Công khai", filename="c.pdf",
                                user=world.users["clerk"])
    db.session.commit()
    assert db.session.get(StoredBlob, public.file_path).expires_at is None  # a published paper: kept for good
