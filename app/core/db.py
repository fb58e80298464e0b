"""Database engine behaviour that every deployment relies on.

SQLite: every connection gets WAL (readers never wait for the writer),
foreign keys, a busy timeout and synchronous=FULL (a committed donation
survives a power cut). pysqlite's own transaction handling is switched off so
that we issue BEGIN ourselves: a request reads on a plain BEGIN (a WAL snapshot),
POSTs included, and takes the write lock up front with BEGIN IMMEDIATE only
inside `write_mode()` / `writing()` (attempt()'s commit, CLI commands,
background jobs, a login noted). A deferred BEGIN that reads first and writes
later fails with "database is locked" when another writer committed in between,
whatever the busy timeout: so `writing()` ends the request's read transaction
before the write begins, and a write in a POST's read transaction is caught
(`_guard_writes`: an error in tests, a warning in production).

Before BEGIN IMMEDIATE a writer takes its turn in the write queue
(app.core.writequeue): SQLite's busy handler retries with back-off, not in
arrival order, so without it a waiting writer could be overtaken for seconds.
The turn ends with the transaction (commit, rollback, or the connection's end),
so it covers the write only, not the reads of the view before it (issue 20 F).
"""
import logging
import os
import re
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import ServiceUnavailable

from app.core import writequeue

log = logging.getLogger(__name__)

_mode: ContextVar[str] = ContextVar("db_mode", default="")  # "write" / "read": the innermost block says
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
    """True when a transaction beginning now is to write: inside write_mode() / writing() only.
    A request reads first, whatever its method; it says when it writes (issue 20 F)."""
    return _mode.get() == "write"  # read_mode() or nothing said: a plain BEGIN


_BEGUN = "skh_begun"  # a connection's pool-record info: how its current transaction began
READ, WRITE, POST_READ = "read", "write", "post-read"  # POST_READ: a read begun by a POST request


def _in_post() -> bool:
    return has_request_context() and request.method not in SAFE_METHODS


def began_writing(session) -> bool:
    """True when `session` is in a transaction begun to write (IMMEDIATE on SQLite)."""
    if not session.in_transaction():
        return False
    return session.connection().info.get(_BEGUN) == WRITE


@contextmanager
def writing():
    """The write of a request that is not a form's attempt() (a login noted, a bank's notification,
    a print job queued): ends the transaction the request has read in so far (a snapshot that could
    not upgrade to write on SQLite; objects expire and reload under the lock), begins the write
    (its turn in the write queue, then BEGIN IMMEDIATE, at the block's first statement) and commits
    it when the block ends, or rolls it back on any exception. Inside a write already begun (a
    service that queues a print from attempt()'s work) it goes on in that transaction and commits
    it with the block, as the caller's commit would have."""
    from app.extensions import db  # composition: the extensions import this module's users

    session = db.session()  # the request's own, not the scoped proxy
    if session.in_transaction() and not began_writing(session):
        session.commit()  # ends the read; pending changes would be flushed here and caught below
    with write_mode():
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def write_mode():
    """Make transactions begun inside this block IMMEDIATE, after a turn in the write queue (CLI
    commands, jobs, an audit write during a GET). In a request, end the read first (or use writing()):
    a transaction already begun keeps the way it began."""
    token = _mode.set("write")
    try:
        yield
    finally:
        _mode.reset(token)


@contextmanager
def read_mode():
    """Make transactions begun inside this block plain BEGIN, even inside write_mode() (the innermost
    block decides): a long import confirmed in attempt() checks its rows on a snapshot (WAL) instead
    of holding the write lock while it reads. Write nothing inside: end the transaction (commit or
    rollback) before leaving the block."""
    token = _mode.set("read")
    try:
        yield
    finally:
        _mode.reset(token)


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
    @event.listens_for(engine, "begin")
    def _note_begin(conn):  # every dialect: writing() asks whether the session's transaction writes
        conn.info[_BEGUN] = WRITE if wants_write() else POST_READ if _in_post() else READ

    if engine.dialect.name != "sqlite":
        return  # PostgreSQL: row locks queue in arrival order, and a read transaction may write
    queue = writequeue.queue_path(engine.url.database) if current_app.config.get("WRITE_QUEUE", True) else None
    timeout = float(current_app.config.get("WRITE_QUEUE_SECONDS", 10))
    strict = bool(current_app.config.get("WRITE_TURN_STRICT", current_app.testing))

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

    _guard_writes(engine, strict)
    if queue:
        _release_with_transaction(engine)


_WRITES = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_CTE_WRITES = re.compile(r"\)\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class WriteOutsideTurn(RuntimeError):
    """A POST wrote in the transaction it began to read: say so with writing() / write_mode()."""


def _is_write(statement: str, context) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    if _WRITES.match(statement):
        return True
    return statement.lstrip()[:4].upper() == "WITH" and bool(_CTE_WRITES.search(statement))


def _guard_writes(engine: Engine, strict: bool) -> None:
    """The safety net behind writing(): a POST's transaction begins as a read (no turn in the
    queue, no write lock), so a write statement in it was not said. It is a programming error:
    raised under test (the suites post to every route, so each one is found), logged in
    production, where SQLite itself decides. SQLite is serialisable: a read transaction whose
    snapshot is stale (another writer committed since it began) cannot upgrade to write and
    fails with "database is locked" rather than write a lost update; a fresh one upgrades, after
    waiting in SQLite's busy handler instead of the queue."""

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn, _cursor, statement, _parameters, context, _executemany):
        if conn.info.get(_BEGUN) != POST_READ or not _is_write(statement, context):
            return
        where = f"{request.method} {request.path}" if has_request_context() else "a POST"
        message = (f"{where} writes in its read transaction ({statement.split(None, 3)[:3]}): "
                   "write inside attempt(), core_db.writing() or write_mode()")
        if strict:
            raise WriteOutsideTurn(message)
        log.warning("write queue: %s", message)


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
# PostgreSQL rolled the transaction back for a reason of timing alone: chosen as a deadlock's
# victim, or a serialisation failure. Nothing of it was written; running it again is safe.
_TRANSIENT = frozenset({"40P01", "40001"})


def transient(err: BaseException) -> bool:
    """True when a database error only says the transaction crossed another (see _TRANSIENT)."""
    return getattr(getattr(err, "orig", None), "sqlstate", None) in _TRANSIENT


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
