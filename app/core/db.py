"""Database engine behaviour that every deployment relies on.

SQLite: every connection gets WAL (readers never wait for the writer),
foreign keys, a busy timeout and synchronous=FULL (a committed donation
survives a power cut). pysqlite's own transaction handling is switched off so
that we issue BEGIN ourselves: requests that may write (POST and friends) and
blocks wrapped in `write_mode()` (CLI commands, background jobs) take the write
lock up front with BEGIN IMMEDIATE. A deferred BEGIN
that reads first and writes later fails with "database is locked" when another
writer committed in between, whatever the busy timeout.
"""
import os
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_force_write: ContextVar[bool] = ContextVar("force_write", default=False)
_force_read: ContextVar[bool] = ContextVar("force_read", default=False)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def wants_write() -> bool:
    """True when the current unit of work may write."""
    if _force_write.get():
        return True
    if _force_read.get():
        return False
    if has_request_context():
        return request.method not in SAFE_METHODS
    return False  # outside requests, writers say so with write_mode()


@contextmanager
def write_mode():
    """Make transactions begun inside this block IMMEDIATE (e.g. an audit write during a GET)."""
    token = _force_write.set(True)
    try:
        yield
    finally:
        _force_write.reset(token)


@contextmanager
def read_mode():
    """Make transactions begun inside this block plain BEGIN, even in a POST: a long import checks its
    rows on a snapshot (WAL) instead of holding the write lock while it reads. Write nothing inside:
    end the transaction (commit or rollback) before leaving the block."""
    token = _force_read.set(True)
    try:
        yield
    finally:
        _force_read.reset(token)


def private_files(database: str | None) -> None:
    """The database file and its WAL and shared-memory files readable by the app's user only: they
    hold every household's data, like the backups (0600). SQLite gives new -wal/-shm files the
    database file's mode, so they follow once it is private."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm"):
        try:
            os.chmod(database + suffix, 0o600)
        except OSError:  # not there yet, or another user's file: nothing to tighten
            pass


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we send BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()
        private_files(engine.url.database)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if wants_write() else "BEGIN")


PG_LOCK_TIMEOUT = "200ms"


def write_without_waiting(engine, work) -> None:
    """`work(conn)` in one short transaction of its own connection, failing at once rather than
    queueing behind another writer (no busy wait on SQLite, a short lock_timeout on PostgreSQL): for
    bookkeeping a request writes on the side (refusals, lookup counts) and may put off to next time."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            old = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute("PRAGMA busy_timeout=0")
            try:
                with write_mode():  # BEGIN IMMEDIATE: the lock now or never
                    work(conn)
                    conn.commit()
            finally:
                conn.rollback()
                raw.execute(f"PRAGMA busy_timeout={int(old)}")
        else:
            conn.execute(text(f"SET LOCAL lock_timeout = '{PG_LOCK_TIMEOUT}'"))
            conn.execute(text("SET LOCAL statement_timeout = '2s'"))
            work(conn)
            conn.commit()
