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


def test_a_staged_upload_is_private(app, client, world):
    import io

    from tests.conftest import login
    from tests.proofs.specs import pupil_xlsx

    login(client, world.users["clerk"])
    folder = os.path.join(app.instance_path, "imports")
    before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    resp = client.post("/hoc-sinh/nhap-excel", data={"file": (io.BytesIO(pupil_xlsx("Hà Thị Riêng")), "hs.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 200
    staged = set(os.listdir(folder)) - before
    assert staged and all(_mode(os.path.join(folder, f)) == 0o600 for f in staged)
