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
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

_force_write: ContextVar[bool] = ContextVar("force_write", default=False)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def wants_write() -> bool:
    """True when the current unit of work may write."""
    if _force_write.get():
        return True
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

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if wants_write() else "BEGIN")
