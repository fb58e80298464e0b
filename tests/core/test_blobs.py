"""The blob store every node reaches (issue 20 A): the database backend here; the S3 backend, against a
real S3-compatible server, in tests/core/test_blobs_s3.py (the same checks through `store`)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core import blobs
from app.core.blobs import BlobTooLarge, StoredBlob
from app.core.clock import utcnow
from app.extensions import db


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredBlob))


def check_round_trip():
    key = blobs.put("print", b"%PDF-1.7 one")
    other = blobs.put("print", b"%PDF-1.7 one")
    assert key != other and key.startswith("print/") and len(key) > 30  # random, unguessable
    assert blobs.get(key) == b"%PDF-1.7 one" and blobs.exists(key)
    assert b"".join(blobs.iter_chunks(key, size=4)) == b"%PDF-1.7 one"
    assert blobs.put("print", b"two", key="print/fixed.pdf") == "print/fixed.pdf"
    blobs.put("print", b"three", key="print/fixed.pdf")  # a given key is replaced
    assert blobs.get("print/fixed.pdf") == b"three"
    blobs.delete(key)
    assert blobs.get(key) is None and not blobs.exists(key) and blobs.iter_chunks(key) is None
    blobs.delete(key)  # gone already: nothing happens
    assert blobs.get("../etc/passwd") is None and blobs.get("print/never") is None
    with pytest.raises(ValueError):
        blobs.put("print", b"x", key="../outside")
    with pytest.raises(ValueError):
        blobs.put("Bad Kind", b"x")


def check_size_cap(app, count):
    app.config["BLOB_MAX_MB"] = 1
    small = blobs.put("print", b"x" * 900_000)  # positive control: under the cap is stored
    assert blobs.get(small) is not None
    before = count()
    with pytest.raises(BlobTooLarge) as err:
        blobs.put("print", b"x" * 1_100_000, key="print/big.pdf")
    assert "tối đa 1 MB" in str(err.value)
    assert count() == before and not blobs.exists("print/big.pdf")  # refused before anything was written


def check_sweep():
    gone = blobs.put("import", b"old", ttl=timedelta(seconds=-1))
    later = blobs.put("import", b"later", ttl=timedelta(hours=1))
    kept = blobs.put("print", b"kept")
    assert blobs.get(gone) is None and not blobs.exists(gone)  # expired reads as gone before any sweep
    assert blobs.sweep() == 1
    assert blobs.get(later) == b"later" and blobs.get(kept) == b"kept"
    assert blobs.sweep() == 0
    assert blobs.sweep(utcnow() + timedelta(hours=2)) == 1  # `later`, once its time has come
    assert blobs.get(kept) == b"kept"


def test_put_get_delete(app):
    assert blobs.backend_name() == "database"
    check_round_trip()
    assert rows() == 2  # `other` and print/fixed.pdf: the database really holds them


def test_the_size_cap_refuses_before_writing(app):
    check_size_cap(app, rows)


def test_sweep_removes_only_expired_blobs(app):
    check_sweep()
    assert rows() == 1


def test_a_blob_put_during_a_post_is_seen_by_another_connection(app, world, as_user):
    """On SQLite a POST's session holds the write lock: the put goes through it and commits, so a
    reader elsewhere (another node) sees the staged import at once (here: the next request)."""
    from tests.proofs.specs import pupil_xlsx
    import io

    client = as_user(world.users["clerk"])
    before = rows()
    resp = client.post("/hoc-sinh/nhap-excel", data={"file": (io.BytesIO(pupil_xlsx("Hà Thị Riêng")), "hs.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 200 and rows() == before + 1


def test_the_sweep_task_and_command_are_registered(app):
    from app.printing.queue import huey_for

    assert "blobs-sweep" in app.cli.list_commands(None)
    huey_for(app)
    assert app.extensions["blobs_sweep_task"].name == "blobs.sweep"
    blobs.put("import", b"old", ttl=timedelta(seconds=-1))
    result = app.test_cli_runner().invoke(args=["blobs-sweep"])
    assert result.exit_code == 0 and "Đã xoá 1 tệp hết hạn" in result.output and rows() == 0
