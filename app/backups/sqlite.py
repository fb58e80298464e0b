"""SQLite backups and restores through SQLite's online backup API.

Never a file copy: copying the live file while the app writes (or with committed pages still in
the -wal file) gives a torn or stale database. The backup API reads a consistent snapshot through
SQLite itself; in WAL mode that read blocks no writer.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import BackupError

TIMEOUT = 60  # seconds a restore waits for the live database's write lock


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=TIMEOUT, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={TIMEOUT * 1000}")
    return conn


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [r[0] for r in rows]


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _tables(conn)}


def _revisions(conn: sqlite3.Connection) -> list[str]:
    try:
        return sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.DatabaseError:
        return []


def dump(live: Path, target: Path) -> dict:
    """Write a consistent copy of `live` into `target` (a new file); return its row counts.

    The counts are read in the same read transaction the backup API copies from, so the check
    can compare the copy against exactly the snapshot it was taken from.
    """
    if not live.is_file():
        raise BackupError(f"Không tìm thấy tệp cơ sở dữ liệu {live}.")
    src = _connect(live)
    try:
        src.execute("BEGIN")  # one snapshot for the counts and the copy
        counts = _counts(src)
        revisions = _revisions(src)
        dst = sqlite3.connect(str(target), isolation_level=None)
        try:
            src.backup(dst)
            # The copy keeps the live file's WAL flag; a backup must be one self-contained file.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    return {"tables": counts, "revisions": revisions}


def check(path: Path, expected: dict | None = None) -> dict:
    """integrity_check, foreign_key_check and (when given) the row counts of the snapshot.

    Returns what was found; raises BackupError when the copy is not sound.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as err:
        raise BackupError(f"Không mở được bản sao lưu: {err}") from None
    try:
        try:
            integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fk_problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            counts = _counts(conn)
            revisions = _revisions(conn)
        except sqlite3.DatabaseError as err:
            raise BackupError(f"Tệp không phải là bản sao lưu SQLite hợp lệ: {err}") from None
    finally:
        conn.close()
    if integrity != ["ok"]:
        raise BackupError("Bản sao lưu bị hỏng (integrity_check): " + "; ".join(integrity[:5]))
    if fk_problems:
        raise BackupError(f"Bản sao lưu có {len(fk_problems)} dòng tham chiếu sai (foreign_key_check).")
    if not revisions:
        raise BackupError("Tệp không phải là bản sao lưu của Sổ Khuyến Học (thiếu phiên bản cấu trúc).")
    if expected is not None and counts != expected.get("tables"):
        diff = sorted(t for t in set(counts) | set(expected.get("tables", {}))
                      if counts.get(t) != expected["tables"].get(t))
        raise BackupError("Số dòng của bản sao lưu khác cơ sở dữ liệu: " + ", ".join(diff[:10]))
    return {"integrity_check": "ok", "foreign_key_check": 0, "tables": counts, "revisions": revisions}


def restore(backup: Path, live: Path) -> None:
    """Write `backup` into the live database through the backup API.

    The API takes the live database's write lock (waiting for a running request to finish) and
    replaces every page in one step, so the app's other connections see either the old or the
    restored database, never a mix; the live file keeps its WAL mode.
    """
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True, isolation_level=None)
    dst = _connect(live)
    try:
        src.backup(dst, sleep=0.05)
        integrity = [r[0] for r in dst.execute("PRAGMA integrity_check")]
    finally:
        dst.close()
        src.close()
    if integrity != ["ok"]:
        raise BackupError("Cơ sở dữ liệu sau khi khôi phục không toàn vẹn: " + "; ".join(integrity[:5]))
