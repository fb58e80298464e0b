"""Render processes: the chunks of a long document laid out on every core at once.

WeasyPrint is pure Python for the most part, so threads would not help; processes do. They come
from a fork server (multiprocessing "forkserver"), a small process started once that imports
WeasyPrint and registers the bundled fonts (procwarm.py) and then forks a render process per
worker slot on demand: forking from it is safe even when the calling process runs threads (the
Huey consumer, gunicorn), each render process starts warm, and the processes of one document exit
when it is done, so their memory goes back to the system. The fork server inherits the caller's
niceness: under `flask print-worker` (nice 10) rendering yields the CPU to web requests.

Only print jobs (app.printing.jobs.run_job) and the benchmark enter ``background()``; a document
rendered inside a web request stays in that request's process (PRINT_PROCESSES does not apply).
With PRINT_PROCESSES = N, the job's own process renders too and N - 1 render processes are
started (runner.py). Render processes receive only HTML and the static folder's path
(parts.render_part).
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["background", "allowed", "configured", "pool", "warm", "PRELOAD"]

log = logging.getLogger(__name__)

PRELOAD = "app.printing.procwarm"
_allowed: ContextVar[int] = ContextVar("print_processes", default=1)
_lock = threading.Lock()
_context = None


def configured(config=None) -> int:
    """Processes rendering a background document, the caller included: PRINT_PROCESSES (env or app
    config), else the number of CPUs; 1 renders in the calling process only."""
    raw = (config or {}).get("PRINT_PROCESSES") or os.environ.get("PRINT_PROCESSES")
    try:
        value = int(raw) if raw not in (None, "") else (os.cpu_count() or 1)
    except ValueError:
        value = 1
    return max(1, value)


@contextmanager
def background(processes: int | None = None):
    """Within this block long documents may use ``processes`` render processes (default configured())."""
    token = _allowed.set(max(1, processes if processes is not None else configured()))
    try:
        yield
    finally:
        _allowed.reset(token)


def allowed() -> int:
    return _allowed.get()


def _mp_context():
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([PRELOAD])
            _context = context
        return _context


@contextmanager
def pool(processes: int):
    """A process pool for one document; its processes exit at the end of the block."""
    executor = ProcessPoolExecutor(max_workers=processes, mp_context=_mp_context())
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _ping(_=None) -> int:
    return os.getpid()


def warm(processes: int = 1) -> bool:
    """Start the fork server (fonts registered there) ahead of the first document; False if it fails.

    Called when `flask print-worker` starts and by the benchmark's warm-up.
    """
    try:
        with pool(processes) as executor:
            list(executor.map(_ping, range(processes)))
        return True
    except Exception:  # noqa: BLE001 - rendering then stays in the calling process
        log.exception("print render processes unavailable")
        return False
