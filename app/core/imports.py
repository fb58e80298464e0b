"""Spreadsheet imports that wait for a confirmation: reading template cells, keeping the
checked rows server-side between the preview and the "Xác nhận" button, and writing them in
batches once confirmed (write_in_batches).

The checked rows go to the blob store (app.core.blobs: the database's stored_blob table or an S3
bucket, never the domain's tables, and never one machine's disk: the preview may be answered by one
web node and the confirmation by another): nothing a user uploads touches real data before they
confirm, and an abandoned preview expires after MAX_AGE (swept by the queue's blobs.sweep task).
A staged upload belongs to the user who sent it and to the record it was sent for; anyone else
asking for it gets None.
"""
import json
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app, flash
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from app.core import blobs
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.db import read_mode
from app.core.selection import replayed_url
from app.core.views import go
from app.extensions import db
from app.vn.text import clean, fold, nfc

MAX_AGE = 6 * 3600  # an upload waits this long for its confirmation
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_PREFIX = re.compile(r"^[a-z]{1,12}$")


def cell_text(value) -> str:
    """A cell as clean NFC text: None is "", a whole float (Excel's 2013.0) loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(nfc(str(value))) or ""


def header_columns(header_row, fields_by_header: dict[str, str]) -> dict[str, int]:
    """{field: column index} for the headers found in `header_row`, matched without diacritics
    or case, so a school that retypes "Ho va ten" or moves a column still imports."""
    folded = {fold(h): f for h, f in fields_by_header.items()}
    columns: dict[str, int] = {}
    for i, h in enumerate(header_row or []):
        key = folded.get(fold(cell_text(h)))
        if key and key not in columns:
            columns[key] = i
    return columns


def data_rows(sheet: list[list], columns_by_header: dict[str, str], error, max_rows: int):
    """(columns, [(line, get)]) for the non-empty data rows of `sheet` (header row first); `get(field)`
    reads that field's cell of the row. A file without data, without a name column or over `max_rows`
    rows raises `error(message, "file")`, the importing domain's own refusal."""
    if not sheet:
        raise error("Tệp không có dữ liệu.", "file")
    columns = header_columns(sheet[0], columns_by_header)
    if "name" not in columns:
        raise error("Không thấy cột “Họ và tên” ở dòng đầu. Vui lòng dùng đúng tệp mẫu.", "file")
    if len(sheet) - 1 > max_rows:
        raise error(f"Tệp có quá nhiều dòng (tối đa {max_rows} dòng).", "file")
    out = []
    for n, raw in enumerate(sheet[1:], start=2):
        if all(cell_text(v) == "" for v in raw):
            continue
        out.append((n, lambda f, raw=raw: raw[columns[f]] if f in columns and columns[f] < len(raw) else None))
    return columns, out


def _key(prefix: str, token: str) -> str | None:
    if not _PREFIX.match(prefix or "") or not isinstance(token, str) or not _TOKEN.match(token):
        return None
    return f"import/{prefix}-{token}.json"


def stage(prefix: str, payload: dict, **owner) -> str:
    """Keep `payload` (JSON-able) for the current user and `owner` (e.g. decision_id=7); return its token."""
    token = secrets.token_hex(16)
    meta = {"user_id": current_user.id, "owner": owner, "payload": payload}
    blobs.put("import", json.dumps(meta, ensure_ascii=False).encode("utf-8"), key=_key(prefix, token),
              ttl=timedelta(seconds=MAX_AGE))
    return token


def load_staged(prefix: str, token: str, **owner) -> dict | None:
    """The payload staged by the current user for the same `owner`, or None (unknown, expired, someone else's)."""
    key = _key(prefix, token)
    data = blobs.get(key) if key is not None else None
    if data is None:
        return None
    meta = json.loads(data.decode("utf-8"))
    if meta.get("user_id") != current_user.id or meta.get("owner") != owner:
        return None
    return meta["payload"]


EXPIRED = "Phiên nhập đã hết hạn hoặc không hợp lệ, vui lòng tải tệp lên lại."


def staged_for_confirm(prefix: str, form, restart_url: str, **owner):
    """(payload, None) when a confirm form names a live upload of this user and owner, else
    (None, the answer to give): a second click after the first wrote the rows (and dropped the
    upload) goes where the first went, anything else back to the upload page with a message."""
    staged = load_staged(prefix, form.token.data or "", **owner) if form.validate_on_submit() else None
    if staged is not None:
        return staged, None
    if url := replayed_url(form.idem_key.data):
        return None, go(url)
    flash(EXPIRED, "error")
    return None, go(restart_url)


def discard(prefix: str, token: str) -> None:
    """Forget a staged upload (after it was written): a second confirmation finds nothing."""
    key = _key(prefix, token)
    if key is not None:
        blobs.delete(key)


# ---- writing a confirmed import in batches ------------------------------------------------------
#
# One transaction for a 5,000-row import held SQLite's write lock for half a minute: every other
# commune's save waited and failed with "database is locked" after the busy timeout. So a confirmed
# import is written in batches of about BATCH_SECONDS each, committed one by one, with a pause
# between them that lets waiting writers in. SQLite's busy handler is not fair (a waiter sleeps and
# polls, up to every 100 ms), so the pause is longer than its poll. Each batch records how far the
# import got (ImportProgress) in the same transaction as its rows: a crash, a refused batch or a
# worker timeout leaves whole batches behind, never half a batch, and confirming the same upload
# again continues from the next unwritten row; a double submit writes each row once.

BATCH_SECONDS = 0.3  # the write lock is held about this long per batch
FIRST_BATCH = 100  # rows in the first batch, before the import's speed is known
MAX_BATCH = 2000
PAUSES = {"sqlite": 0.12, "postgresql": 0.005}  # seconds between batches (SQLite polls every 100 ms)
REQUEST_BUDGET = 40.0  # seconds of writing per request; gunicorn stops a worker after 60


class ImportProgress(db.Model):
    """How far a confirmed import got: `done` of its `total` rows are written (in `batches` commits)."""

    __tablename__ = "import_progress"
    __system__ = "written by the import's own confirmation, never by a form (app.core.owners)"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)  # "<prefix>-<token>" of the staged upload
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    total: Mapped[int]
    done: Mapped[int] = mapped_column(default=0)
    batches: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(Text, default="{}")  # what later batches need (JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


@dataclass
class Written:
    """The outcome of write_in_batches for the request that called it."""

    done: int  # rows written so far, by any request
    total: int
    wrote: int = 0  # rows this request wrote
    finished: bool = False  # every row is written
    by_me: bool = False  # this request wrote the last batch (False: an earlier or concurrent one did)
    state: dict = field(default_factory=dict)
    batches: int = 0  # batches this request committed
    writing: float = 0.0  # seconds spent inside them (the write lock held, on SQLite)
    longest: float = 0.0  # the longest of them

    @property
    def left(self) -> int:
        return self.total - self.done


def progress_key(prefix: str, token: str) -> str:
    return f"{prefix}-{token}"[:60]


def progress_of(key: str) -> ImportProgress | None:
    return db.session.scalar(select(ImportProgress).where(ImportProgress.key == key))


@contextmanager
def checking():
    """Check the rows to be written on a read snapshot, without the write lock (a POST takes it up
    front): the request's transaction is committed first, and the reading one ended after."""
    db.session.commit()
    with read_mode():
        try:
            yield
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()  # read only: ends the snapshot before any batch writes


def _claim(key: str, total: int) -> ImportProgress:
    """The import's progress row, locked for this transaction (created by the first batch).

    SQLite: the batch's BEGIN IMMEDIATE already serialises writers. PostgreSQL: FOR UPDATE makes a
    concurrent confirmation of the same upload wait, then read how far this one got."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(ImportProgress).values(key=key, user_id=actor_id(), total=total, done=0, batches=0,
                                                     state="{}", started_at=utcnow()).on_conflict_do_nothing())
    return db.session.scalars(select(ImportProgress).where(ImportProgress.key == key).with_for_update()
                              .execution_options(populate_existing=True)).one()


def _setting(name: str, default):
    value = current_app.config.get(name)
    return default if value is None else value


RUNNER = "_runner"  # state key: the request writing the import now
STALE = 5.0  # seconds without a batch after which a confirmation is taken over (its worker died)


def _busy_elsewhere(progress: ImportProgress, state: dict, me: str) -> bool:
    runner = state.get(RUNNER)
    return (runner not in (None, me) and progress.updated_at is not None
            and (utcnow() - progress.updated_at).total_seconds() < STALE)


def _wait_while_busy(key: str, me: str) -> None:
    """Look (on a snapshot, no write lock) until the other confirmation finished, stopped or died."""
    while True:
        time.sleep(0.25)
        with read_mode():
            progress = progress_of(key)
            busy = progress is not None and progress.finished_at is None and _busy_elsewhere(
                progress, json.loads(progress.state or "{}"), me)
            db.session.rollback()
        if not busy:
            return


def write_in_batches(key: str, total: int, write: Callable[[int, int, dict], None],
                     finish: Callable[[dict, ImportProgress], None] | None = None) -> Written:
    """Write rows [0, total) of a checked import with `write(start, stop, state)`, one commit per batch.

    `write` writes rows start..stop-1 and never commits; `state` (JSON-able) carries what later
    batches need (e.g. {line: new pupil id}) and survives a crash with the progress. `finish(state,
    progress)` runs in the last batch's transaction (the audit entry, the upload marked done).
    Check every row before calling this: a refusal raised by `write` rolls back its own batch only,
    and the earlier batches stay written (the caller says how many; confirming again continues).
    Returns after the last batch, or after REQUEST_BUDGET seconds with the rest left for the
    next confirmation.
    """
    fixed = current_app.config.get("IMPORT_BATCH_ROWS")  # tests: batches of a known size
    seconds = _setting("IMPORT_BATCH_SECONDS", BATCH_SECONDS)
    pause = _setting("IMPORT_BATCH_PAUSE", PAUSES.get(db.session.get_bind().dialect.name, 0.05))
    budget = _setting("IMPORT_REQUEST_BUDGET", REQUEST_BUDGET)
    size = fixed or FIRST_BATCH
    db.session.commit()  # whatever the request holds: each batch is a transaction of its own
    began_all, wrote, timings = time.monotonic(), 0, []

    def outcome(done, **kw):
        return Written(done, total, wrote, batches=len(timings), writing=sum(timings), longest=max(timings or [0]),
                       **kw)

    me = secrets.token_hex(8)
    while True:
        began = time.monotonic()
        try:
            progress = _claim(key, total)
            state = json.loads(progress.state or "{}")
            if progress.finished_at is not None:
                db.session.rollback()
                return outcome(progress.done, finished=True, state=state)
            if _busy_elsewhere(progress, state, me):
                # A double click: the first confirmation is writing this upload. Two writers of one
                # import would take turns and shut everyone else out; wait for it instead.
                db.session.rollback()
                if time.monotonic() - began_all > budget:
                    return outcome(progress.done, state=state)
                _wait_while_busy(key, me)
                continue
            state[RUNNER] = me
            start = progress.done
            stop = min(total, start + size)
            write(start, stop, state)
            last = stop >= total
            stopping = last or time.monotonic() - began_all > budget
            if stopping:
                state.pop(RUNNER, None)  # a click now continues at once, without waiting for STALE
            progress.done, progress.batches = stop, progress.batches + 1
            progress.state, progress.updated_at = json.dumps(state, ensure_ascii=False), utcnow()
            if last:
                progress.finished_at = progress.updated_at
                if finish is not None:
                    finish(state, progress)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        wrote += stop - start
        timings.append(time.monotonic() - began)
        if last:
            return outcome(stop, finished=True, by_me=True, state=state)
        if stopping:
            return outcome(stop, state=state)
        if not fixed:  # aim at BATCH_SECONDS of lock per batch, whatever the rows cost
            rate = (stop - start) / max(timings[-1], 0.001)
            size = max(10, min(MAX_BATCH, int(rate * seconds), size * 2))
        time.sleep(pause)  # let the writers who waited through this batch in
