"""Print job state: status and progress writes, the worker's claim, and the fair order of the queue.

Why every write goes through a connection of its own: a builder reads through db.session, which
on SQLite holds a read snapshot (a deferred BEGIN) for as long as it renders. Writing the job's
progress inside that transaction asks SQLite to upgrade a read to a write, and when any other
writer committed since the read began that fails at once with "database is locked"
(SQLITE_BUSY_SNAPSHOT): no busy timeout helps, and the job used to fail. A second connection
begins IMMEDIATE (write_mode), waits its turn with the busy timeout, is retried on contention,
and leaves the builder's snapshot and loaded objects alone (committing the session mid-render
would expire them all).

One exception: on SQLite, when db.session's own transaction is a write one (a job run in
immediate mode inside a POST request), that transaction already holds the database's only write
lock and a second connection would wait on ourselves; the write then goes through the session.

Fair order: the worker does not run "its" job id but claims the next job fairly (claim_next): the
oldest queued job of the user with no running job who was served least recently. One user's burst
therefore cannot make another user's small job wait behind all of it; several workers (threads or
processes) claim safely (an UPDATE conditional on "queued", and FOR UPDATE SKIP LOCKED on PostgreSQL).
"""
from __future__ import annotations

import logging
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import case, func, select, update
from sqlalchemy.engine import Connection

from app.core.blobs import write_apart
from app.core.clock import utcnow

from .models import PrintJob

log = logging.getLogger(__name__)

STATUS_PATIENCE = 600.0  # seconds a claim or a final status keeps retrying (PRINT_STATUS_PATIENCE)
SERVED_WINDOW = timedelta(days=1)  # a user last served longer ago counts as never served


def patience() -> float:
    value = current_app.config.get("PRINT_STATUS_PATIENCE")
    return float(value) if value is not None else STATUS_PATIENCE


def write(work: Callable[[Connection], int], wait: float) -> int:
    """Run ``work(conn)`` in a short write transaction of its own; on contention try again for
    up to ``wait`` seconds (0: once). Other errors, and contention past ``wait``, are raised."""
    return write_apart(work, wait)


def set_fields(job_id: int, only_if: str | None = None, *, wait: float | None = None, **values) -> int:
    """Write job fields (when its status is ``only_if``); the number of rows changed (0 or 1)."""
    stmt = update(PrintJob).where(PrintJob.id == job_id)
    if only_if is not None:
        stmt = stmt.where(PrintJob.status == only_if)
    stmt = stmt.values(**values)
    return write(lambda conn: conn.execute(stmt).rowcount, patience() if wait is None else wait)


def fair_order():
    """Queued job ids, the next one to run first (see the module docstring)."""
    user_key = func.coalesce(PrintJob.user_id, 0)
    served = (select(user_key.label("user_key"),
                     func.max(PrintJob.started_at).label("last_start"),
                     func.sum(case((PrintJob.status == "running", 1), else_=0)).label("running"))
              .where(PrintJob.started_at >= utcnow() - SERVED_WINDOW)
              .group_by(user_key).subquery())
    return (select(PrintJob.id)
            .outerjoin(served, served.c.user_key == user_key)
            .where(PrintJob.status == "queued")
            .order_by(func.coalesce(served.c.running, 0) > 0, served.c.last_start.is_not(None),
                      served.c.last_start, PrintJob.id))


def claim_next(wait: float | None = None) -> int | None:
    """Mark the next job in fair order "running" and return its id (None when nothing is queued)."""
    def claim(conn: Connection) -> int:
        query = fair_order().limit(1)
        if conn.dialect.name == "postgresql":  # another worker's pick is skipped, not waited for
            query = query.with_for_update(of=PrintJob, skip_locked=True)
        job_id = conn.scalar(query)
        if job_id is None:
            return 0
        now = utcnow()
        taken = conn.execute(update(PrintJob).where(PrintJob.id == job_id, PrintJob.status == "queued")
                             .values(status="running", started_at=now, heartbeat_at=now, progress=0, error=None))
        return job_id if taken.rowcount else -1  # -1: lost a race, look again

    for _ in range(20):
        job_id = write(claim, patience() if wait is None else wait)
        if job_id >= 0:
            return job_id or None
    return None
