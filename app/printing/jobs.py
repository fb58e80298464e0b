"""Background print jobs: the public API other domains call.

    from app.printing.jobs import register_document, request_print, PrintError
    from app.printing.longlist import render_list_pdf    # inside the builder: WeasyPrint is heavy

    def build_list(params, progress):          # runs in the worker, inside an app context
        decision = db.session.get(Decision, params["decision_id"])
        return render_list_pdf("commendations/pdf/list.html", rows, progress=progress, ...)

    register_document("commendation.list", build_list,
                      fingerprint=lambda params: decision_snapshot(params["decision_id"]))

    # in a POST view, after authorize(...):
    job = request_print("commendation.list", {"decision_id": d.id}, unit=d.unit,
                        title="Danh sách khen thưởng", filename=f"Danh sách {d.number}.pdf")
    return go(url_for("printing.status", job_id=job.id))

The status page (GET /in-an/<id>) shows the progress bar and then the download link.
A builder that raises PrintError("...") fails the job with that Vietnamese message; any other
exception fails it with a generic Vietnamese message (and is logged).
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
from pathlib import Path
from typing import Any, Callable

from flask import current_app
from flask_login import current_user
from sqlalchemy import select, update

from app.audit.services import record
from app.core.files import write_private
from app.core.db import write_mode
from app.extensions import db
from app.units.models import utcnow

from . import procpool
from .models import PrintJob

__all__ = ["register_document", "request_print", "PrintError", "Progress", "Builder", "job_file",
           "requeue_abandoned", "run_job", "content_hash", "registered_kinds"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # progress(done, total)
Builder = Callable[[dict, Progress], bytes]  # builder(params, progress) -> PDF bytes

GENERIC_ERROR = "Không in được tài liệu do lỗi hệ thống. Vui lòng thử lại sau hoặc báo quản trị viên."
UNKNOWN_KIND = "Loại tài liệu này không còn được hỗ trợ."
STALE_AFTER = timedelta(minutes=10)  # default PRINT_STALE_MINUTES
HEARTBEAT_SECONDS = 2.0


class PrintError(Exception):
    """Raised by a builder to fail its job with a Vietnamese message shown to the user."""


@dataclass(frozen=True)
class _Document:
    builder: Builder
    fingerprint: Callable[[dict], Any] | None
    version: str


_DOCUMENTS: dict[str, _Document] = {}


def register_document(kind: str, builder: Builder, *, fingerprint: Callable[[dict], Any] | None = None,
                      version: str = "1") -> None:
    """Declare a printable document kind (call at import time, e.g. from a domain's init_app).

    builder(params, progress) -> bytes runs in the worker inside an app context; it calls
    progress(done, total) now and then (the bar and the worker's heartbeat). fingerprint(params),
    called in the web request, returns JSON-serialisable data that, together with kind, version
    and params, determines the output (e.g. the decision's frozen rows or its updated_at): an
    identical hash reuses the finished file. Bump ``version`` when the template changes.
    """
    _DOCUMENTS[kind] = _Document(builder, fingerprint, str(version))


def registered_kinds() -> list[str]:
    return sorted(_DOCUMENTS)


def content_hash(kind: str, params: dict) -> str:
    """sha256 of everything that determines the bytes of a document."""
    doc = _DOCUMENTS.get(kind)
    if doc is None:
        raise KeyError(f"unknown print document kind: {kind!r}")
    payload = {"kind": kind, "version": doc.version, "params": params,
               "fingerprint": doc.fingerprint(params) if doc.fingerprint else None}
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def prints_dir() -> Path:
    """Where finished PDFs live: PRINT_DIR, default instance/prints/ (shared disk if several machines)."""
    path = Path(current_app.config.get("PRINT_DIR") or os.environ.get("PRINT_DIR")
                or Path(current_app.instance_path) / "prints")
    path.mkdir(parents=True, exist_ok=True)
    return path


def job_file(job: PrintJob) -> Path | None:
    """The finished PDF of a job, or None when it is not (or no longer) on disk."""
    if job.status != "done" or not job.file_path:
        return None
    path = prints_dir() / job.file_path
    return path if path.is_file() else None


def request_print(kind: str, params: dict, *, unit, title: str, filename: str, user=None) -> PrintJob:
    """Queue a document for printing, or reuse an identical one; returns the job (committed).

    Reuse: a finished job of the same unit with the same content hash and its file on disk is
    answered with a job that points at that file (the document is not rendered again); a job of
    the same user still queued or running is returned as is. The job is committed here (with
    whatever the session holds) because the worker must see it; then it is enqueued. In
    immediate mode (tests) the job has already run when this returns.
    """
    user = user if user is not None else (current_user if getattr(current_user, "is_authenticated", False)
                                          else None)
    params = json.loads(json.dumps(params, default=str))  # what the worker will see
    digest = content_hash(kind, params)
    user_id = user.id if user is not None else None
    base = select(PrintJob).where(PrintJob.unit_id == unit.id, PrintJob.content_hash == digest)

    done = db.session.scalars(base.where(PrintJob.status == "done")
                              .order_by(PrintJob.finished_at.desc(), PrintJob.id.desc())).first()
    if done is not None and job_file(done) is not None:
        if done.user_id == user_id:
            return done
        job = PrintJob(unit_id=unit.id, user_id=user_id, kind=kind, params=params, content_hash=digest,
                       title=title, filename=filename, status="done", progress=100, pages=done.pages,
                       file_path=done.file_path, finished_at=utcnow())
        db.session.add(job)
        db.session.flush()
        record("create", job, after={"kind": kind, "reused_job": done.id})
        db.session.commit()
        return job

    pending = db.session.scalars(base.where(PrintJob.status.in_(("queued", "running")),
                                            PrintJob.user_id == user_id)).first()
    if pending is not None:
        return pending

    job = PrintJob(unit_id=unit.id, user_id=user_id, kind=kind, params=params, content_hash=digest,
                   title=title, filename=filename, status="queued", progress=0)
    db.session.add(job)
    db.session.flush()
    record("create", job, after={"kind": kind, "params": params})
    # Keep the id: reading it after commit would reload the row, opening a new (on SQLite, during a
    # POST, write-locking) transaction that an immediate-mode worker would then wait on.
    job_id = job.id
    db.session.commit()
    enqueue(job_id)
    db.session.refresh(job)
    return job


def enqueue(job_id: int) -> None:
    """Put a job id on the queue (the worker runs run_job)."""
    from .worker import print_task

    print_task(current_app)(job_id)


def _set(job_id: int, only_if: str | None = None, **values) -> int:
    """Write job fields in a short transaction of their own (when its status is ``only_if``)."""
    stmt = update(PrintJob).where(PrintJob.id == job_id)
    if only_if is not None:
        stmt = stmt.where(PrintJob.status == only_if)
    with write_mode():
        result = db.session.execute(stmt.values(**values))
        db.session.commit()
    return result.rowcount


class _Reporter:
    """progress(done, total) for builders: writes the percentage and the heartbeat, throttled."""

    def __init__(self, job_id: int):
        self.job_id, self.last_pct, self.last_write = job_id, -1, 0.0

    def __call__(self, done: int, total: int) -> None:
        pct = max(0, min(99, int(100 * done / total))) if total else 0
        now = time.monotonic()
        if now - self.last_write >= HEARTBEAT_SECONDS or (pct != self.last_pct and now - self.last_write >= 0.5):
            self.last_pct, self.last_write = pct, now
            _set(self.job_id, progress=pct, heartbeat_at=utcnow())


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


def run_job(job_id: int) -> None:
    """Render one job (the worker's task). Never raises: failures are stored on the job."""
    # Claim only a queued job: a copy re-queued after a crash must not render a finished one twice.
    claimed = _set(job_id, "queued", status="running", started_at=utcnow(), heartbeat_at=utcnow(), progress=0,
                   error=None)
    job = db.session.get(PrintJob, job_id)
    if not claimed or job is None:
        return
    doc = _DOCUMENTS.get(job.kind)
    try:
        if doc is None:
            raise PrintError(UNKNOWN_KIND)
        # Long documents may use the render processes here (procpool.py), never in a web request.
        with procpool.background(procpool.configured(current_app.config)):
            pdf = doc.builder(dict(job.params or {}), _Reporter(job_id))
        if not isinstance(pdf, (bytes, bytearray)) or not pdf.startswith(b"%PDF"):
            raise TypeError(f"builder for {job.kind!r} returned no PDF")
        name = f"{job.content_hash}.pdf"
        target = prints_dir() / name
        write_private(target, pdf)  # 0600, atomic: a reader never sees half a file
        _set(job_id, status="done", progress=100, pages=count_pages(pdf), file_path=name,
             finished_at=utcnow(), heartbeat_at=utcnow())
    except PrintError as err:
        db.session.rollback()
        _set(job_id, status="failed", error=str(err) or GENERIC_ERROR, finished_at=utcnow())
    except Exception:  # noqa: BLE001 - a job must end as "failed", never stay "running"
        log.exception("print job %s (%s) failed", job_id, job.kind)
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
