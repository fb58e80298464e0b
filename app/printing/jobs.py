"""Background print jobs: the public API other domains call.

    from app.printing.jobs import register_document, request_print, PrintError
    from app.printing.services import render_list_pdf

    def build_list(params, progress):          # runs in the worker, inside an app context
        decision = db.session.get(Decision, params["decision_id"])
        return render_list_pdf("pdf/commendations/list.html", rows, progress=progress, ...)

    register_document("commendation.list", build_list,
                      fingerprint=lambda params: decision_snapshot(params["decision_id"]))

    # in a POST view, after authorize(...):
    job = request_print("commendation.list", {"decision_id": d.id}, unit=d.unit,
                        title="Danh sách khen thưởng", filename=f"Danh sách {d.number}.pdf")
    return go(url_for("printing.status", job_id=job.id))

The status page (GET /in-an/<id>) shows the progress bar and then the download link.
A builder that raises PrintError("...") fails the job with that Vietnamese message; any other
exception fails it with a generic Vietnamese message (and is logged).

A user has at most PRINT_MAX_PENDING_PER_USER (default 3) jobs queued or running: request_print
raises QueueFull beyond that (offer.queue_from_form answers its message). The worker takes jobs in
fair order between users, and writes their state in short transactions of its own (jobstate.py).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from app.audit.services import record
from app.core import db as core_db
from app.core.actor import actor
from app.core.clock import utcnow
from app.core.blobs import BlobTooLarge, is_contention
from app.core.refusal import Refusal
from app.core.rls import cross_units
from app.extensions import db
from app.papers.site import job_site, site_root
from app.users.models import User

from . import jobstate
from .models import PrintJob
from .queue import huey_for, on_queue
from .stored import has_file, job_file, needs_reprint, print_key, store_pdf

__all__ = ["register_document", "request_print", "PrintError", "QueueFull", "Progress", "Builder", "job_file",
           "has_file", "needs_reprint", "print_key", "document_key", "store_pdf",
           "requeue_abandoned", "run_job", "run_next", "content_hash", "registered_kinds", "pending_jobs", "init_queue",
           "print_task"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # progress(done, total)
Builder = Callable[[dict, Progress], bytes]  # builder(params, progress) -> PDF bytes

GENERIC_ERROR = "Không in được tài liệu do lỗi hệ thống. Vui lòng thử lại sau hoặc báo quản trị viên."
UNKNOWN_KIND = "Loại tài liệu này không còn được hỗ trợ."
STALE_AFTER = timedelta(minutes=10)  # default PRINT_STALE_MINUTES
HEARTBEAT_SECONDS = 2.0
PROGRESS_SECONDS = 1.0  # at most one progress write a second (the status page polls every second)
MAX_PENDING_PER_USER = 3  # default PRINT_MAX_PENDING_PER_USER
PENDING = ("queued", "running")


class PrintError(Refusal):
    """Raised by a builder to fail its job with a Vietnamese message shown to the user."""


class QueueFull(Exception):
    """Raised by request_print when the user already has the most pending jobs allowed; nothing is queued."""

    def __init__(self, pending: list[PrintJob]):
        self.pending = pending
        super().__init__(f"Bạn đang có {len(pending)} bản in chờ xử lý; vui lòng đợi xong rồi in tiếp.")


@dataclass(frozen=True)
class _Document:
    builder: Builder
    fingerprint: Callable[[dict], Any] | None
    version: str
    permanent: bool = False


_DOCUMENTS: dict[str, _Document] = {}


def register_document(kind: str, builder: Builder, *, fingerprint: Callable[[dict], Any] | None = None,
                      version: str = "1", permanent: bool = False) -> None:
    """Declare a printable document kind (call at import time, e.g. from a domain's init_app).

    builder(params, progress) -> bytes runs in the worker inside an app context; it calls
    progress(done, total) now and then (the bar and the worker's heartbeat). fingerprint(params),
    called in the web request, returns JSON-serialisable data that, together with kind, version
    and params, determines the output (e.g. the decision's frozen rows or its updated_at): an
    identical hash reuses the finished file. Bump ``version`` when the template changes.
    ``permanent``: its PDF is kept whatever PRINT_KEEP_DAYS says (a published paper served to
    visitors, which nobody would print again).
    """
    _DOCUMENTS[kind] = _Document(builder, fingerprint, str(version), permanent)


def registered_kinds() -> list[str]:
    return sorted(_DOCUMENTS)


def content_hash(kind: str, params: dict) -> str:
    """sha256 of everything that determines the bytes of a document.

    Not the site's address that travels with a job (params["_site"], printed beside a paper's QR):
    a file is found again from its record alone (a published report served to a visitor), and a
    site reached by two names prints the same paper once, with the address of the first request
    (PUBLIC_URL makes it one address)."""
    doc = _DOCUMENTS.get(kind)
    if doc is None:
        raise KeyError(f"unknown print document kind: {kind!r}")
    params = {k: v for k, v in params.items() if k != "_site"}
    payload = {"kind": kind, "version": doc.version, "params": params,
               "fingerprint": doc.fingerprint(params) if doc.fingerprint else None}
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def document_key(kind: str, params: dict) -> str:
    """The key under which the document `kind` with `params` is kept once printed."""
    return print_key(content_hash(kind, params))


def max_pending() -> int:
    """PRINT_MAX_PENDING_PER_USER: jobs a user may have queued or running at once (0: no limit)."""
    value = current_app.config.get("PRINT_MAX_PENDING_PER_USER")
    if value is None:
        value = os.environ.get("PRINT_MAX_PENDING_PER_USER") or MAX_PENDING_PER_USER
    return int(value)


def pending_jobs(user_id: int) -> list[PrintJob]:
    """The user's jobs still queued or running, oldest first."""
    return list(db.session.scalars(select(PrintJob).where(PrintJob.user_id == user_id, PrintJob.status.in_(PENDING))
                                   .order_by(PrintJob.id)))


def request_print(kind: str, params: dict, *, unit, title: str, filename: str, user=None,
                  limit: bool = True) -> PrintJob:
    """Queue a document for printing, or reuse an identical one; returns the job (committed).

    Reuse: a finished job of the same unit with the same content hash and its file still kept is
    answered with a job that points at that file (the document is not rendered again); a job of
    the same user still queued or running is returned as is (a double submit makes one job).
    Otherwise a user who already has max_pending() jobs queued or running gets QueueFull and
    nothing is queued (``limit=False`` for a job the app queues by itself, e.g. after publishing).
    The job is committed here (with whatever the session holds) because the worker must see it;
    then it is enqueued. In immediate mode (tests) the job has already run when this returns.
    """
    user = user if user is not None else actor()
    params = json.loads(json.dumps(params, default=str))  # what the worker will see
    # The site's address printed beside each paper's verification QR (app.papers.site): the worker
    # has no request to take it from.
    params.setdefault("_site", site_root())
    digest = content_hash(kind, params)
    user_id = user.id if user is not None else None
    # The request's write (app.core.db.writing): its reads so far end, and the checks below run under
    # the write lock (SQLite) or the user's row lock (PostgreSQL); the job is committed at the block's end.
    with core_db.writing():
        if user_id is not None:
            _lock_user(user_id)
        base = select(PrintJob).where(PrintJob.unit_id == unit.id, PrintJob.content_hash == digest)

        done = db.session.scalars(base.where(PrintJob.status == "done")
                                  .order_by(PrintJob.finished_at.desc(), PrintJob.id.desc())).first()
        if done is not None and has_file(done):
            if done.user_id == user_id:
                return done
            job = PrintJob(unit_id=unit.id, user_id=user_id, kind=kind, params=params, content_hash=digest,
                           title=title, filename=filename, status="done", progress=100, pages=done.pages,
                           file_path=done.file_path, finished_at=utcnow())
            db.session.add(job)
            db.session.flush()
            record("create", job, after={"kind": kind, "reused_job": done.id})
            return job

        pending = db.session.scalars(base.where(PrintJob.status.in_(("queued", "running")),
                                                PrintJob.user_id == user_id)).first()
        if pending is not None:
            return pending
        most = max_pending() if limit and user_id is not None else 0
        if most > 0:
            count = db.session.scalar(select(func.count(PrintJob.id)).where(PrintJob.user_id == user_id,
                                                                            PrintJob.status.in_(PENDING)))
            if count >= most:
                raise QueueFull(pending_jobs(user_id))

        job = PrintJob(unit_id=unit.id, user_id=user_id, kind=kind, params=params, content_hash=digest,
                       title=title, filename=filename, status="queued", progress=0)
        db.session.add(job)
        db.session.flush()
        record("create", job, after={"kind": kind, "params": params})
        # Keep the id: reading it after commit would reload the row, opening a new transaction of the
        # session's before an immediate-mode worker runs.
        job_id = job.id
    enqueue(job_id)
    db.session.refresh(job)
    return job


def _lock_user(user_id: int) -> None:
    """Serialise one user's print requests, so two at once cannot both pass the limit or both
    queue the same document: PostgreSQL locks the user's row; SQLite needs nothing (request_print's
    transaction is BEGIN IMMEDIATE, app.core.db.writing, and FOR UPDATE is not emitted there)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def init_queue(app: Flask) -> None:
    """Declare the print task and the periodic re-queue check (added when the queue is built)."""
    on_queue(app, _add_print_tasks)


def print_task(app: Flask):
    """The task that queues a print job id (a test may put its own in app.extensions)."""
    task = app.extensions.get("print_task")
    if task is None:
        huey_for(app)
        task = app.extensions["print_task"]
    return task


def _add_print_tasks(app: Flask, huey) -> None:
    from huey import crontab  # heavy: loaded when first needed

    def run_print_job(job_id: int) -> None:
        # One task per queued job, but it renders the next job in fair order between users
        # (run_next), not necessarily job_id: a burst of one user's jobs cannot hold back
        # another user's. Every queued job still has a task, so none is left behind.
        with app.app_context(), cross_units("the print worker takes the next job of any unit"):
            run_next()

    def requeue_stale() -> None:
        with app.app_context(), cross_units("the print worker looks for every unit's abandoned jobs"):
            requeue_abandoned()

    app.extensions["print_task"] = huey.task(name="printing.run_print_job", retries=0)(run_print_job)
    huey.periodic_task(crontab(minute="*"), name="printing.requeue_stale")(requeue_stale)


def enqueue(job_id: int) -> None:
    """Put a job on the queue: a task that runs the next job in fair order (run_next)."""
    print_task(current_app)(job_id)


def _set(job_id: int, only_if: str | None = None, **values) -> int:
    """Write job fields in a short write transaction of its own, never inside db.session's read
    (when its status is ``only_if``); retried while other writers hold the lock (jobstate.py)."""
    return jobstate.set_fields(job_id, only_if, **values)


class _Reporter:
    """progress(done, total) for builders: writes the percentage and the heartbeat, throttled
    (one write a second at most, not one a page). Best effort: when another writer holds the lock
    past the busy timeout the update is skipped (the next one carries it); the job goes on."""

    def __init__(self, job_id: int):
        self.job_id, self.last_pct, self.last_write = job_id, -1, 0.0  # the first call writes

    def __call__(self, done: int, total: int) -> None:
        pct = max(0, min(99, int(100 * done / total))) if total else 0
        now = time.monotonic()
        since = now - self.last_write
        if since >= HEARTBEAT_SECONDS or (pct != self.last_pct and since >= PROGRESS_SECONDS):
            self.last_pct, self.last_write = pct, now
            try:
                jobstate.set_fields(self.job_id, progress=pct, heartbeat_at=utcnow(), wait=0)
            except DBAPIError as err:
                if not is_contention(err):
                    raise
                log.warning("print job %s: progress not written, database busy", self.job_id)


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm[^>]*>>\s*stream\r?\n")


def count_pages(pdf: bytes) -> int:
    """Pages of a PDF written by WeasyPrint (page objects may sit in compressed object streams)."""
    count = len(_PAGE.findall(pdf))
    for match in _OBJECT_STREAM.finditer(pdf):
        try:
            count += len(_PAGE.findall(zlib.decompressobj().decompress(pdf[match.end():])))
        except zlib.error:
            continue
    return count


def run_next() -> int | None:
    """The worker's task: claim the next job in fair order between users and render it; its id
    (None when nothing was queued: another worker took it). Never raises for a job's failure."""
    job_id = jobstate.claim_next()
    if job_id is not None:
        _render(job_id)
    return job_id


def run_job(job_id: int) -> None:
    """Render this job if it is still queued. Never raises: failures are stored on the job."""
    # Claim only a queued job: a copy re-queued after a crash must not render a finished one twice.
    claimed = _set(job_id, "queued", status="running", started_at=utcnow(), heartbeat_at=utcnow(), progress=0,
                   error=None)
    if claimed:
        _render(job_id)


def _render(job_id: int) -> None:
    # A fresh read: the session may hold a snapshot from before the claim (SQLite, same transaction).
    db.session.rollback()
    job = db.session.get(PrintJob, job_id)
    if job is None:
        return
    kind, params, digest = job.kind, dict(job.params or {}), job.content_hash
    doc = _DOCUMENTS.get(kind)
    try:
        if doc is None:
            raise PrintError(UNKNOWN_KIND)
        with job_site(params.pop("_site", None)):
            pdf = doc.builder(params, _Reporter(job_id))
        if not isinstance(pdf, (bytes, bytearray)) or not pdf.startswith(b"%PDF"):
            raise TypeError(f"builder for {kind!r} returned no PDF")
        name = print_key(digest)
        store_pdf(name, pdf, permanent=doc.permanent)  # whole or not at all: never half a file
        db.session.rollback()  # end the builder's read: reads after this see the finished job
        _set(job_id, status="done", progress=100, pages=count_pages(pdf), file_path=name,
             finished_at=utcnow(), heartbeat_at=utcnow())
    except (PrintError, BlobTooLarge) as err:
        db.session.rollback()
        _set(job_id, status="failed", error=str(err) or GENERIC_ERROR, finished_at=utcnow())
    except Exception:  # noqa: BLE001 - a job must end as "failed", never stay "running"
        log.exception("print job %s (%s) failed", job_id, kind)
        db.session.rollback()
        _set(job_id, status="failed", error=GENERIC_ERROR, finished_at=utcnow())


def stale_after() -> timedelta:
    minutes = current_app.config.get("PRINT_STALE_MINUTES") or os.environ.get("PRINT_STALE_MINUTES")
    return timedelta(minutes=float(minutes)) if minutes else STALE_AFTER


def requeue_abandoned(older_than: timedelta | None = None) -> list[int]:
    """Queue again the jobs left "running" by a dead worker (no heartbeat for ``older_than``).

    Called when the worker starts (older_than=0 with the embedded SQLite queue, where that worker
    is the only one), every minute by the worker, and by the status page for its own job.
    """
    limit = utcnow() - (stale_after() if older_than is None else older_than)
    ids = db.session.scalars(select(PrintJob.id).where(
        PrintJob.status == "running", PrintJob.heartbeat_at <= limit)).all()
    # The writes below use connections of their own (never this read); each queued job gets a task.
    requeued = []
    for job_id in ids:
        if _set(job_id, "running", status="queued", progress=0):
            requeued.append(job_id)
            enqueue(job_id)
    return requeued


def refresh_if_abandoned(job: PrintJob) -> PrintJob:
    """The status page's safety net: a job whose worker died is queued again."""
    if job.status == "running" and job.heartbeat_at and job.heartbeat_at <= utcnow() - stale_after():
        requeue_abandoned()
        db.session.refresh(job)
    return job
