"""Database engine behaviour that every deployment relies on.

SQLite: every connection gets WAL (readers never wait for the writer),
foreign keys, a busy timeout and synchronous=FULL (a committed donation
survives a power cut). pysqlite's own transaction handling is switched off so
that we issue BEGIN ourselves: requests that may write (POST and friends) and
blocks wrapped in `write_mode()` (CLI commands, background jobs) take the write
lock up front with BEGIN IMMEDIATE. A deferred BEGIN
that reads first and writes later fails with "database is locked" when another
writer committed in between, whatever the busy timeout.

Before BEGIN IMMEDIATE a writer takes its turn in the write queue
(app.core.writequeue): SQLite's busy handler retries with back-off, not in
arrival order, so without it a waiting writer could be overtaken for seconds.
The turn ends with the transaction (commit, rollback, or the connection's end).
"""
import logging
import os
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import ServiceUnavailable

from app.core import writequeue

log = logging.getLogger(__name__)

_force_write: ContextVar[bool] = ContextVar("force_write", default=False)
_force_read: ContextVar[bool] = ContextVar("force_read", default=False)
_skip_queue: ContextVar[bool] = ContextVar("skip_queue", default=False)
_TICKET = "write_queue_hold"  # key of a connection's queue turn in its pool record's info
# Threads holding a turn: a thread's second write connection must not queue behind the thread's own
# turn (it would wait for itself); SQLite's busy timeout decides for it, as it did before the queue.
_holders: dict[int, int] = {}
_holders_lock = threading.Lock()
BUSY = "Máy chủ đang bận, dữ liệu chưa được ghi. Vui lòng đợi một lát rồi gửi lại."


class ServerBusy(ServiceUnavailable):
    """503: the write queue did not reach this request in time (rather than a page that hangs)."""

    description = BUSY
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def wants_write() -> bool:
    """True when the current unit of work may write."""
    if _force_write.get():
        return True
    if _force_read.get():
        return False
    if has_request_context():
        return request.method not in SAFE_METHODS and not g.get(_ANSWERING, False)
    return False  # outside requests, writers say so with write_mode()


_ANSWERING = "db_answer_only"  # flask.g: the request's write has ended, the rest only reads to answer


def answer_only(on: bool = True) -> bool:
    """Mark (or unmark) the rest of this request as reading only: after attempt()'s commit the page
    that answers (a fresh form, the list of recent gifts) begins plain BEGIN instead of queueing for
    the write lock a second time. Returns the previous mark. Outside a request it does nothing."""
    if not has_request_context():
        return False
    before = g.get(_ANSWERING, False)
    setattr(g, _ANSWERING, on)
    return before


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
    queue = writequeue.queue_path(engine.url.database) if current_app.config.get("WRITE_QUEUE", True) else None
    timeout = float(current_app.config.get("WRITE_QUEUE_SECONDS", 10))

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
        if queue:
            private_files(queue)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if not wants_write():
            conn.exec_driver_sql("BEGIN")
            return
        if queue and not _skip_queue.get() and threading.get_ident() not in _holders:
            _take_turn(conn.connection.info, queue, timeout)
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    if queue:
        _release_with_transaction(engine)


def _take_turn(info: dict, queue: str, timeout: float) -> None:
    try:
        hold = writequeue.acquire(queue, timeout)
    except writequeue.QueueTimeout as err:
        log.warning("write queue: %s", err)
        raise ServerBusy() from err
    _end_turn(info)  # a turn left over from a transaction that ended unseen
    me = threading.get_ident()
    info[_TICKET] = (hold, me)
    with _holders_lock:
        _holders[me] = _holders.get(me, 0) + 1


def _end_turn(info: dict | None) -> None:
    held = info.pop(_TICKET, None) if info is not None else None
    if held is None:
        return
    hold, owner = held
    with _holders_lock:
        left = _holders.pop(owner, 1) - 1
        if left > 0:
            _holders[owner] = left
    hold.release()


def _info(dbapi_connection) -> dict | None:
    """The pool record's info of a proxied connection; None for the bare one the dialect's first
    connect rolls back (it has no record and never holds a turn)."""
    try:
        return dbapi_connection.info
    except (AttributeError, NotImplementedError):
        return None


def _release_with_transaction(engine: Engine) -> None:
    """End the queue turn right after COMMIT or ROLLBACK has run (the engine's commit event fires
    before it, too early: the next writer would meet the lock still held and fall back to SQLite's
    back-off). The pool's reset on return rolls back through do_rollback as well; a connection
    closed or invalidated mid-transaction ends its turn through the pool events."""
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        original = getattr(dialect, name)

        def ended(dbapi_connection, _original=original):
            try:
                _original(dbapi_connection)
            finally:
                _end_turn(_info(dbapi_connection))
        setattr(dialect, name, ended)

    @event.listens_for(engine, "close")
    @event.listens_for(engine, "invalidate")
    def _gone(_dbapi_conn, record, *_exc):
        _end_turn(record.info)


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
            skip = _skip_queue.set(True)  # it never waits, so it never queues either
            try:
                with write_mode():  # BEGIN IMMEDIATE: the lock now or never
                    work(conn)
                    conn.commit()
            finally:
                conn.rollback()
                raw.execute(f"PRAGMA busy_timeout={int(old)}")
                _skip_queue.reset(skip)
        else:
            conn.execute(text(f"SET LOCAL lock_timeout = '{PG_LOCK_TIMEOUT}'"))
            conn.execute(text("SET LOCAL statement_timeout = '2s'"))
            work(conn)
            conn.commit()
