"""PostgreSQL backups with pg_dump (custom format) and restores with pg_restore.

pg_dump reads one consistent snapshot while the app keeps writing. We export that snapshot
from our own transaction first, count every table's rows in it and hand it to pg_dump
(--snapshot), so the check compares the dump against exactly the data it was taken from.
Connection settings go to the tools as PG* environment variables, never on the command line
(a password there is visible in the process list).
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import BackupError

log = logging.getLogger(__name__)

_COPY = re.compile(r'^COPY (?:"?([\w]+)"?\.)?"?([\w]+)"? \(.*\) FROM stdin;$')


def libpq_url(url: str) -> str:
    """postgresql+psycopg://... → postgresql://... (what libpq and psycopg understand)."""
    return "postgresql://" + url.split("://", 1)[1]


def pg_env(url: str) -> dict:
    parts = urlsplit(libpq_url(url))
    env = dict(os.environ)
    for key, value in (("PGHOST", parts.hostname), ("PGPORT", parts.port), ("PGUSER", parts.username),
                       ("PGPASSWORD", parts.password), ("PGDATABASE", parts.path.lstrip("/"))):
        if value:
            env[key] = unquote(str(value))
    for item in filter(None, parts.query.split("&")):  # e.g. sslmode=require
        key, _, value = item.partition("=")
        if key == "sslmode":
            env["PGSSLMODE"] = value
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy chương trình {name} (cài gói postgresql-client).")
    return path


def _run(args: list[str], url: str, crossing: bool = False, **kw) -> subprocess.CompletedProcess:
    env = pg_env(url)
    if crossing:  # the tool's session reads every unit's rows through the row policies
        env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + " -c skh.cross=on").strip()
    result = subprocess.run(args, env=env, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} báo lỗi: {result.stderr.strip()[:500]}")
    return result


def _counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def dump(url: str, target: Path) -> dict:
    """pg_dump the database into `target`; return the row counts of the dumped snapshot."""
    import psycopg  # heavy: loaded when first needed

    pg_dump = _tool("pg_dump")
    with psycopg.connect(libpq_url(url), autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # A backup holds every unit's rows: it says so to the row policies (app/core/rls.py), here
        # and, through PGOPTIONS, in pg_dump's own session.
        conn.execute("SELECT set_config('skh.cross', 'on', true)")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts(conn)
        revisions = sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        # The exporting transaction must stay open while pg_dump imports the snapshot.
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              "--enable-row-security", f"--file={target}"], url, crossing=True)
        conn.rollback()
    return {"tables": counts, "revisions": revisions}


def _dumped_counts(path: Path, url: str) -> dict[str, int]:
    """Rows per table in a dump: the data section streamed through pg_restore, COPY lines counted."""
    proc = subprocess.Popen([_tool("pg_restore"), "--data-only", "--file=-", str(path)], env=pg_env(url),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    counts: dict[str, int] = {}
    table = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if table is None:
            match = _COPY.match(line.rstrip("\n"))
            if match:
                table = match.group(2)
                counts[table] = 0
        elif line == "\\.\n":
            table = None
        else:
            counts[table] += 1
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0:
        raise BackupError(f"pg_restore không đọc được bản sao lưu: {stderr.strip()[:500]}")
    return counts


def check(path: Path, url: str, expected: dict | None = None) -> dict:
    """pg_restore --list reads the archive; each table's rows are counted against the snapshot."""
    listing = _run([_tool("pg_restore"), "--list", str(path)], url).stdout
    data_entries = len(re.findall(r"^\d+; \d+ \d+ TABLE DATA ", listing, flags=re.M))
    if "alembic_version" not in listing:
        raise BackupError("Tệp không phải là bản sao lưu của Sổ Khuyến Học (thiếu phiên bản cấu trúc).")
    counts = _dumped_counts(path, url)
    if expected is not None:
        wanted = expected.get("tables", {})
        diff = sorted(t for t in wanted if counts.get(t, 0) != wanted[t])
        if diff:
            raise BackupError("Số dòng của bản sao lưu khác cơ sở dữ liệu: " + ", ".join(diff[:10]))
    return {"pg_restore_list": data_entries, "tables": counts}


def _tables(url: str) -> list[str]:
    import psycopg  # heavy: loaded when first needed

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        return [r[0] for r in conn.execute(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]


# The lock phase gives up long before PostgreSQL's deadlock_timeout (1 s by default) lets a
# waiting request look for a cycle: a request that queued behind a table we already hold is then
# never the one chosen to die, we are, and we try again.
LOCK_PHASE = "300ms"
RESTORE_BUDGET_SECONDS = 120.0


def restore(path: Path, url: str, budget: float = RESTORE_BUDGET_SECONDS) -> None:
    """Replace the database's content with the archive, in one transaction: all of it, or nothing.

    pg_restore --clean alone, with the app running, deadlocks: it locks one table after another
    while the app's transactions hold others. So the restore script is run through psql in a
    transaction that first locks every table. LOCK TABLE takes a list one table at a time, so
    it too can close a cycle with a request that holds a later table and waits for an earlier
    one; the whole LOCK statement is therefore cut off at LOCK_PHASE and retried, and the
    requests waiting behind it carry on unharmed (they wait, then see the restored tables).
    New transactions queue behind our pending lock, so only those already running must end
    before an attempt succeeds.
    """
    pg_restore, psql = _tool("pg_restore"), _tool("psql")
    tables = _tables(url)
    statements = ["SET LOCAL lock_timeout = '120s'"]
    if tables:
        statements += [f"SET LOCAL statement_timeout = '{LOCK_PHASE}'",
                       f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE",
                       "SET LOCAL statement_timeout = 0"]
    env = pg_env(url)
    error = ""
    # The whole script first (a private temporary file): psql must never commit half a restore
    # because pg_restore stopped midway.
    fd, name = tempfile.mkstemp(prefix="skh-restore-", suffix=".sql")
    os.close(fd)
    script = Path(name)
    deadline = time.monotonic() + budget
    try:
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", f"--file={script}",
              str(path)], url)
        attempt = 0
        while True:
            attempt += 1
            args = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
            for statement in statements:  # each its own message: the timeout covers the LOCK alone
                args += ["-c", statement]
            applied = subprocess.run(args + ["-f", str(script)], env=env, capture_output=True, text=True)
            if applied.returncode == 0:
                return
            error = applied.stderr.strip()
            busy = "statement timeout" in error or "deadlock detected" in error
            if not busy or time.monotonic() >= deadline:
                break
            log.info("restore: tables busy with the app's transactions (attempt %d); trying again", attempt)
            time.sleep(min(0.05 * attempt, 1.0))
    finally:
        script.unlink(missing_ok=True)
    if "lock timeout" in error or "statement timeout" in error or "deadlock detected" in error:
        raise BackupError("Cơ sở dữ liệu đang bận quá lâu, chưa khôi phục được (không có gì thay đổi). "
                          "Hãy dừng ứng dụng rồi chạy lại lệnh.")
    raise BackupError(f"Không khôi phục được (không có gì thay đổi): {error[:500]}")
