"""Files holding people's data are private to the app's user (0600), like the backups (issue 15, 9)."""
import os
import stat

from app.core.db import private_files
from app.core.files import write_private


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_write_private_is_0600_and_whole(tmp_path):
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)  # positive control: the mode a plain write_bytes leaves
    assert _mode(target) == 0o644
    write_private(target, b"%PDF-1.7 new")
    assert target.read_bytes() == b"%PDF-1.7 new" and _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]  # no temporary file left behind


def test_the_sqlite_file_and_its_wal_become_private(tmp_path):
    db = tmp_path / "x.db"
    for suffix in ("", "-wal", "-shm"):
        p = tmp_path / f"x.db{suffix}"
        p.write_bytes(b"")
        os.chmod(p, 0o644)
    private_files(str(db))
    assert {_mode(tmp_path / f"x.db{s}") for s in ("", "-wal", "-shm")} == {0o600}
    private_files(str(tmp_path / "missing.db"))  # nothing there yet: no error
    private_files(":memory:")


def test_a_staged_upload_goes_to_the_shared_store_not_a_local_file(app, client, world):
    """Issue 20: a staged upload lives in the blob store every node reads (the database here),
    never in one machine's instance/ folder, where the next request's node would not find it."""
    import io

    from sqlalchemy import func, select

    from app.core.blobs import StoredBlob
    from app.extensions import db
    from tests.conftest import login
    from tests.proofs.specs import pupil_xlsx

    def staged() -> int:
        return db.session.scalar(select(func.count()).select_from(StoredBlob).where(StoredBlob.kind == "import"))

    login(client, world.users["clerk"])
    before = staged()
    resp = client.post("/hoc-sinh/nhap-excel", data={"file": (io.BytesIO(pupil_xlsx("Hà Thị Riêng")), "hs.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 200
    assert staged() == before + 1  # positive control: the upload was staged
    assert not os.path.exists(os.path.join(app.instance_path, "imports"))
