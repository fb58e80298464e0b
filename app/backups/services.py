"""Backups of the whole database: made, checked, listed, pruned and restored.

A backup is one file in the backup directory (BACKUP_DIR, default instance/backups/), or in an
S3-compatible bucket every node reaches (BACKUP_STORE=s3://bucket/prefix: store.py), plus a
manifest beside it (same name + .json: when, what kind, sha256, row counts per table and the
checks passed). SQLite backups come from SQLite's online backup API, PostgreSQL ones from
pg_dump; both read one consistent snapshot while the app keeps running and both are checked
before they get their final name, so a file in the directory with a manifest is a good backup.

Daily backups: `backup_if_due()` runs every few minutes in the print worker (see tasks.py)
and makes an automatic backup when the newest one is older than a day, then deletes
automatic backups older than BACKUP_KEEP_DAYS (default 14), always keeping the newest few.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.engine import make_url

from app.audit.services import record
from app.core.db import write_mode
from app.extensions import db

from . import postgres, sqlite, store
from .errors import BackupError

KINDS = {"auto": "Tự động hằng ngày", "manual": "Tạo bằng lệnh", "pre-restore": "Trước khi khôi phục"}
_SUFFIX = {"auto": "-tudong", "manual": "", "pre-restore": "-truoc-khoi-phuc"}
KEEP_DAYS = 14
KEEP_AT_LEAST = 3  # automatic backups never pruned, whatever their age
DUE_AFTER = timedelta(hours=23)  # "daily", with slack for the check's own period
STALE_PARTIAL = timedelta(hours=6)

__all__ = ["Backup", "BackupError", "backup_dir", "make_backup", "verify", "list_backups", "latest",
           "prune", "backup_if_due", "restore", "resolve", "KINDS"]


@dataclass
class Backup:
    path: Path
    created_at: datetime  # UTC
    kind: str
    size: int
    sha256: str
    engine: str
    tables: dict = field(default_factory=dict)
    revisions: list = field(default_factory=list)
    where: str = ""  # s3://bucket/prefix/name for a backup kept in a bucket (store.py)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def location(self) -> str:
        """Where the backup is kept, as an operator would name it (a path, or the bucket's URL)."""
        return self.where or str(self.path)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def size_text(self) -> str:
        """"12,4 MB" (Vietnamese decimal comma), small files in KB."""
        if self.size >= 1024 * 1024:
            return f"{self.size / 1048576:.1f}".replace(".", ",") + " MB"
        return f"{max(1, round(self.size / 1024))} KB"

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def _setting(name: str, default=None):
    value = current_app.config.get(name)
    return value if value not in (None, "") else os.environ.get(name, default)


def keep_days() -> int:
    try:
        return max(1, int(_setting("BACKUP_KEEP_DAYS", KEEP_DAYS)))
    except (TypeError, ValueError):
        return KEEP_DAYS


def backup_dir() -> Path:
    path = Path(_setting("BACKUP_DIR") or Path(current_app.instance_path) / "backups")
    path.mkdir(parents=True, exist_ok=True)
    try:
        path.chmod(0o700)  # backups hold every household's data
    except OSError:
        pass
    return path


def _url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def engine_name(url: str | None = None) -> str:
    backend = make_url(url or _url()).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {backend}.")
    return backend


def live_sqlite_path(url: str | None = None) -> Path:
    database = make_url(url or _url()).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database).resolve()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _reserve(directory: Path, kind: str, ext: str, now: datetime) -> tuple[Path, Path]:
    """A fresh final name and its .partial file, created empty and private (0600) before any byte
    lands in it; O_EXCL makes two backups started in the same second take different names."""
    tz = ZoneInfo(current_app.config.get("VN_TIMEZONE", "Asia/Ho_Chi_Minh"))
    base = f"sokhuyenhoc-{now.astimezone(tz).strftime('%Y%m%d-%H%M%S')}{_SUFFIX[kind]}"
    for n in range(1, 1000):
        final = directory / (f"{base}{ext}" if n == 1 else f"{base}-{n}{ext}")
        partial = final.with_name(final.name + ".partial")
        if final.exists() or _manifest_path(final).exists():
            continue
        try:
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return final, partial
    raise BackupError("Không đặt được tên cho bản sao lưu mới.")


def make_backup(kind: str = "manual", now: datetime | None = None) -> Backup:
    """Write a consistent, checked copy of the live database into the backup directory."""
    if kind not in KINDS:
        raise ValueError(kind)
    url, engine = _url(), engine_name()
    directory = backup_dir()
    now = now or datetime.now(timezone.utc)
    final, partial = _reserve(directory, kind, ".db" if engine == "sqlite" else ".dump", now)
    linked = False
    try:
        if engine == "sqlite":
            # SQLite treats the empty file as a new database and keeps its 0600 mode.
            snapshot = sqlite.dump(live_sqlite_path(url), partial)
            checks = sqlite.check(partial, snapshot)
        else:
            snapshot = postgres.dump(url, partial)
            checks = postgres.check(partial, url, snapshot)
        _fsync(partial)
        backup = Backup(path=final, created_at=now, kind=kind, size=partial.stat().st_size,
                        sha256=_sha256(partial), engine=engine, tables=snapshot["tables"],
                        revisions=snapshot["revisions"])
        manifest = {"file": final.name, "created_at": now.isoformat(), "kind": kind, "engine": engine,
                    "size": backup.size, "sha256": backup.sha256, "tables": backup.tables,
                    "revisions": backup.revisions,
                    "checks": {k: v for k, v in checks.items() if k != "tables"}}
        # A hard link, not a rename: it never replaces an existing file, and the .partial name
        # stays reserved until the manifest is in place.
        os.link(partial, final)
        linked = True
        tmp = _manifest_path(final).with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, _manifest_path(final))
        partial.unlink()
        _fsync(directory)
        if store.location() is not None:
            # Every node lists and restores from the bucket; this node keeps no copy of its own.
            store.upload(final, _manifest_path(final))
            backup.path, backup.where = Path(final.name), store.describe(final.name)
            _manifest_path(final).unlink()
            final.unlink()
    except BaseException:
        partial.unlink(missing_ok=True)
        if linked:
            final.unlink(missing_ok=True)
            _manifest_path(final).unlink(missing_ok=True)
        raise
    return backup


def _from_manifest(data: dict, path: Path, size: int, where: str = "") -> Backup:
    return Backup(path=path, created_at=datetime.fromisoformat(data["created_at"]), kind=data["kind"],
                  size=size, sha256=data["sha256"], engine=data["engine"], tables=data.get("tables", {}),
                  revisions=data.get("revisions", []), where=where)


def _load(manifest: Path) -> Backup | None:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        path = manifest.with_name(data["file"])
        if not path.is_file():
            return None
        return _from_manifest(data, path, path.stat().st_size)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _stored() -> list[Backup]:
    found = []
    for data in store.manifests():
        try:
            name = Path(data["file"]).name
            found.append(_from_manifest(data, Path(name), int(data["size"]), store.describe(name)))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def list_backups() -> list[Backup]:
    """Every complete backup (file with manifest) in the backup directory or the bucket, newest first."""
    if store.location() is not None:
        found = _stored()
    else:
        found = [b for m in backup_dir().glob("*.json") if (b := _load(m)) is not None]
    return sorted(found, key=lambda b: (b.created_at, b.name), reverse=True)


def open_backup(backup: Backup):
    """A reader of the backup's bytes (the admins' download), wherever it is kept."""
    return store.open_stream(backup.name) if backup.where else backup.path.open("rb")


def latest(kinds=("auto", "manual")) -> Backup | None:
    """The newest backup of the database as it was used (pre-restore copies are not offered)."""
    return next((b for b in list_backups() if b.kind in kinds), None)


def note_download(backup: Backup, unit_id: int) -> None:
    """Audit-log one download of `backup` (by the current user, of `unit_id`), committed at once: the
    file leaves the server whatever happens next."""
    db.session.rollback()  # end the read transaction: the audit write takes the lock up front
    with write_mode():
        record("download", object_type="backup", unit_id=unit_id,
               after={"file": backup.name, "sha256": backup.sha256, "size": backup.size})
        db.session.commit()


def prune(now: datetime | None = None) -> list[str]:
    """Delete automatic backups older than BACKUP_KEEP_DAYS, keeping the newest few whatever their age.

    Manual and pre-restore backups are left alone: whoever made them by hand removes them.
    Also removes the leftovers of a backup interrupted long ago (*.partial).
    """
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=keep_days())
    autos = [b for b in list_backups() if b.kind == "auto"]
    gone = []
    for backup in autos[KEEP_AT_LEAST:]:
        if backup.created_at < cutoff:
            if backup.where:
                store.remove(backup.name)
            else:
                backup.path.unlink(missing_ok=True)
                _manifest_path(backup.path).unlink(missing_ok=True)
            gone.append(backup.name)
    for partial in backup_dir().glob("*.partial"):
        try:
            if partial.stat().st_mtime < time.time() - STALE_PARTIAL.total_seconds():
                partial.unlink()
        except OSError:
            pass
    return gone


LOCK_ID = 2026_12_07_20  # pg_try_advisory_lock's key for "a backup is running"


@contextmanager
def _exclusive():
    """One backup run at a time (several workers may share a queue); yields False when busy.
    PostgreSQL: an advisory lock, held by whichever node's worker took it (workers on several
    machines share no lock file). SQLite (one box): a lock file in the backup directory."""
    if engine_name() == "postgresql":
        from sqlalchemy import text

        with db.engine.connect() as conn:
            mine = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_ID}).scalar()
            conn.commit()
            try:
                yield bool(mine)
            finally:
                if mine:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_ID})
                    conn.commit()
        return
    with open(backup_dir() / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def backup_if_due(now: datetime | None = None) -> Backup | None:
    """The daily backup: made when the newest backup is older than a day; then old ones pruned.

    Run every few minutes rather than once at a fixed hour, so a server that is off at night
    still gets its backup soon after it is switched on.
    """
    now = now or datetime.now(timezone.utc)
    with _exclusive() as mine:
        if not mine:
            return None
        newest = latest()
        if newest is not None and now - newest.created_at < DUE_AFTER:
            return None
        backup = make_backup("auto", now)
        prune(now)
        return backup


def resolve(name_or_path: str) -> Path:
    """A backup named by path, or by its file name in the backup directory, or in the bucket (then
    fetched with its manifest into the backup directory, from any node: store.fetch)."""
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        candidate = backup_dir() / Path(name_or_path).name
        if candidate.is_file():
            path = candidate
        elif store.location() is not None:
            path = store.fetch(Path(name_or_path).name, backup_dir()) or path
    if not path.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu {name_or_path}.")
    return path.resolve()


def verify(path: Path) -> dict:
    """Check a backup before it is restored: its manifest's sha256 (when it has one) and its content."""
    manifest = _manifest_path(path)
    expected = None
    if manifest.is_file():
        backup = _load(manifest)
        if backup is not None:
            if _sha256(path) != backup.sha256:
                raise BackupError("Tệp sao lưu đã bị thay đổi hoặc hỏng (mã kiểm tra sha256 không khớp).")
            expected = {"tables": backup.tables}
    engine = engine_name()
    if engine == "sqlite":
        return sqlite.check(path, expected)
    return postgres.check(path, _url(), expected)


def restore(path: Path, *, safety_copy: bool = True) -> Backup | None:
    """Put a backup back in place of the live database; returns the copy made just before.

    The backup is checked first; then the live database is itself backed up (kind "pre-restore",
    so a wrong restore can be undone) and replaced in one step: SQLite through the backup API
    into the live file, PostgreSQL with pg_restore --clean in a single transaction.
    """
    verify(path)
    engine = engine_name()
    before = None
    if safety_copy and (engine != "sqlite" or live_sqlite_path().is_file()):
        before = make_backup("pre-restore")
    db.session.remove()
    db.engine.dispose()  # our own pooled connections must not hold the old database open
    if engine == "sqlite":
        sqlite.restore(path, live_sqlite_path())
    else:
        # Dropping and recreating tables is the owner's: MIGRATE_DATABASE_URL when the app's login
        # role owns nothing (row-level security, app/core/rls.py).
        postgres.restore(path, os.environ.get("MIGRATE_DATABASE_URL") or _url())
    return before
