"""Counting lookups (app.papers.models.PaperLookup) without ever slowing or breaking the answer.

Each lookup adds one to an in-process tally; the tally is written with one upsert per (day, kind,
outcome) row, `count = count + n`, in a short transaction of its own connection (so it commits
whatever the request does, and a failure rolls back nothing of the request's). The write never waits
for the database's write lock (SQLite: no busy wait; PostgreSQL: a short lock_timeout): when the
lock is busy the counts stay in memory and go with a later lookup's write. Additions commute, so
several processes (gunicorn workers) writing at once lose nothing.

The counts are written at most every PAPER_LOOKUP_FLUSH_SECONDS (default 5) per process: a commit
on SQLite waits for the disk (synchronous=FULL, 5-10 ms), more than the whole lookup costs otherwise,
and a public page must not turn every scan into a disk write queued behind the treasurers' work. A
process that stops loses at most those last seconds of counts, which a counter of public lookups can
afford; 0 writes at every lookup (the tests do).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.core.clock import today
from app.core.db import write_without_waiting
from app.extensions import db

from .models import FORGED, PaperLookup

log = logging.getLogger(__name__)
FLUSH_SECONDS = 5.0


class Tally:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()       # guards the counter (never held during I/O)
        self._flushing = threading.Lock()   # one writer per process; others leave their counts queued
        self._pending: Counter = Counter()
        self._last = float("-inf")

    @property
    def pending(self) -> int:
        return sum(self._pending.values())

    def add(self, kind: str | None, found: bool) -> None:
        with self._lock:
            self._pending[(today(), kind or FORGED, bool(found))] += 1

    def flush(self, every: float = 0.0) -> None:
        """Write the queued counts if `every` seconds have passed since the last write and the write
        lock is free at once; else leave them queued. Never raises."""
        if not self._pending or self.clock() - self._last < every or not self._flushing.acquire(blocking=False):
            return
        try:
            with self._lock:
                rows, self._pending = self._pending, Counter()
                self._last = self.clock()
            try:
                _upsert(rows)
            except Exception as err:  # busy, or anything else: the answer goes out regardless
                log.info("paper lookup counts deferred (%d): %s", sum(rows.values()), str(err).splitlines()[0][:200])
                with self._lock:
                    self._pending.update(rows)
        finally:
            self._flushing.release()


def _statement(dialect: str, rows: Counter):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(PaperLookup).values([{"day": day, "kind": kind, "found": found, "count": n}
                                       for (day, kind, found), n in sorted(rows.items())])
    return stmt.on_conflict_do_update(index_elements=["day", "kind", "found"],
                                      set_={"count": PaperLookup.count + stmt.excluded.count})


def _upsert(rows: Counter) -> None:
    write_without_waiting(db.engine, lambda conn: conn.execute(_statement(conn.dialect.name, rows)))


def tally(app=None) -> Tally:
    app = app or current_app._get_current_object()
    found = app.extensions.get("paper_lookups")
    if found is None:
        found = app.extensions.setdefault("paper_lookups", Tally())
    return found


def count(kind: str | None, found: bool) -> None:
    """Count one lookup; write the counts when PAPER_LOOKUP_FLUSH_SECONDS have passed since the last write."""
    t = tally()
    t.add(kind, found)
    every = current_app.config.get("PAPER_LOOKUP_FLUSH_SECONDS")
    t.flush(FLUSH_SECONDS if every is None else float(every))
