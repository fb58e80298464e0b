"""Refused requests (400 CSRF, 403, 404, 429) in the audit log, without letting the record slow
the refusal down or turn it into a 500.

- Anonymous refusals write no audit row: anyone can send a thousand 404s a minute, and each row was
  a write transaction queued behind the real work. They go to the Python logger instead, at most
  `ANON_LINES` lines a minute per process, then one line saying how many more there were.
- A signed-in user's refusals are recorded, at most one row per user and path a minute (per
  process): the row's `after["count"]` is this refusal plus those held back since the previous row
  for the same user and path.
- The row never waits for the database's write lock: SQLite tries it with no busy wait, PostgreSQL
  with a short lock_timeout. When the lock is busy the row stays in a small in-process queue and is
  written by a later request (refused or not) once the lock is free; when the queue is full the
  oldest rows are dropped and the logger says so.

The state lives in `app.extensions["refusal_log"]`, so each app (and each test) starts afresh.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from flask import current_app, g, has_request_context, request
from sqlalchemy import insert

from app.core.clock import utcnow
from app.core.db import write_without_waiting
from app.extensions import db

from .models import AuditEntry

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds: one row per user and path, one batch of anonymous log lines
ANON_LINES = 10  # anonymous refusals logged per window; the rest are counted
MAX_KEYS = 10_000  # user+path windows remembered; more are pruned (a scan of many paths by one user)
MAX_PENDING = 500  # rows waiting for the write lock; the oldest are dropped beyond this


class RefusalLog:
    """Throttles refusal records and writes them without waiting on the write lock."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()  # guards the dicts and the queue (never held during I/O)
        self._flushing = threading.Lock()  # one writer at a time; others leave their rows queued
        self._windows: dict[tuple[int, str], list] = {}  # (user, path) -> [window start, held back]
        self._pending: deque[dict] = deque()
        self._dropped = 0
        self._anon_start, self._anon_logged, self._anon_held = None, 0, 0

    # -- anonymous ------------------------------------------------------------------------------
    def anonymous(self, code: int, method: str, path: str, ip: str) -> None:
        now = self.clock()
        with self._lock:
            held = 0
            if self._anon_start is None or now - self._anon_start >= WINDOW:
                held, self._anon_start, self._anon_logged, self._anon_held = self._anon_held, now, 0, 0
            loud = self._anon_logged < ANON_LINES
            if loud:
                self._anon_logged += 1
            else:
                self._anon_held += 1
        if held:
            log.info("%d more anonymous refused requests in the last minute (not logged one by one)", held)
        if loud:
            log.info("refused anonymous %s %s: %s from %s", method, path[:300], code, ip)

    # -- signed-in users ------------------------------------------------------------------------
    def user(self, actor, code: int, method: str, path: str) -> None:
        """Queue a row for this refusal unless the user had one for this path within the minute."""
        path = path[:300]
        now = self.clock()
        with self._lock:
            key = (actor.id, path)
            window = self._windows.get(key)
            if window is not None and now - window[0] < WINDOW:
                window[1] += 1
                return
            count = 1 + (window[1] if window else 0)
            if len(self._windows) >= MAX_KEYS:
                self._prune(now)
            self._windows[key] = [now, 0]
            self._queue(_row(actor, code, method, path, count))

    def _prune(self, now: float) -> None:
        stale = [k for k, (start, held) in self._windows.items() if now - start >= WINDOW and not held]
        for k in stale:
            del self._windows[k]
        if len(self._windows) >= MAX_KEYS:  # one user walking many paths: forget, counts included
            self._windows.clear()

    def _queue(self, row: dict) -> None:
        self._pending.append(row)
        while len(self._pending) > MAX_PENDING:
            self._pending.popleft()
            self._dropped += 1

    # -- writing --------------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> None:
        """Write the queued rows now if the write lock is free at once; else leave them queued."""
        if not self._pending or not self._flushing.acquire(blocking=False):
            return
        try:
            with self._lock:
                rows, dropped = list(self._pending), self._dropped
                self._pending.clear()
                self._dropped = 0
            if dropped:
                log.warning("%d refusal records dropped: the database stayed busy", dropped)
            try:
                _insert_without_waiting(rows)
            except Exception as err:  # busy, or anything else: the refusal is answered regardless
                log.info("refusal records deferred (%d): %s", len(rows), str(err).splitlines()[0][:200])
                with self._lock:
                    for row in reversed(rows):
                        self._pending.appendleft(row)
                    while len(self._pending) > MAX_PENDING:
                        self._pending.pop()
                        self._dropped += 1
        finally:
            self._flushing.release()


def _row(actor, code: int, method: str, path: str, count: int) -> dict:
    return {
        "at": utcnow(),
        "user_id": actor.id,
        "username": actor.username,
        "unit_id": actor.unit_id,
        "object_type": "request",
        "object_id": None,
        "action": "refused",
        "before": None,
        "after": {"status": code, "method": method, "path": path, "count": count},
        "request_id": getattr(g, "request_id", "") if has_request_context() else "",
        "ip": (request.remote_addr or "")[:45] if has_request_context() else "",
    }


def _insert_without_waiting(rows: list[dict]) -> None:
    write_without_waiting(db.engine, lambda conn: conn.execute(insert(AuditEntry), rows))


def refusal_log(app=None) -> RefusalLog:
    """This app's refusal log (created on first use)."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("refusal_log")
    if found is None:
        found = app.extensions.setdefault("refusal_log", RefusalLog())
    return found
