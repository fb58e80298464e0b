"""The task queue that runs print jobs outside web requests (Huey).

Where the queue lives (``HUEY_URL``, environment or app config):
- unset (default): a SQLite file ``instance/print-queue.db``, embedded, one machine;
- ``redis://host:6379/0`` (needs the ``redis`` package): several machines;
- ``postgresql://user:pass@host/db``: the shared PostgreSQL database (tables ``huey_*``);
- any other value: a path to a SQLite queue file (e.g. on a shared disk).
The queue is persistent in every case, so queued jobs survive a restart. Tests (``TESTING``)
and ``HUEY_IMMEDIATE=1`` run jobs at once, in the calling process, with an in-memory queue.

The Huey instance is built on first use (huey_for): Huey imports psycopg whatever the queue, about
11 MB that a web worker answering list pages never needs. Domains that add tasks to the queue
(printing, backups) register a setup with on_queue(); it runs when the instance is built.
"""
from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from flask import Flask
    from huey.api import Huey  # heavy: loaded when first needed

QUEUE_NAME = "sokhuyenhoc-print"


def queue_url(app) -> str:
    return app.config.get("HUEY_URL") or os.environ.get("HUEY_URL", "")


def on_queue(app: Flask, setup: Callable[[Flask, Huey], None]) -> None:
    """Run ``setup(app, huey)`` when the app's queue is built (tasks, periodic tasks, hooks)."""
    app.extensions.setdefault("queue_setups", []).append(setup)


def huey_for(app: Flask) -> Huey:
    """The app's Huey, built (and its registered setups run) on the first call."""
    # The setups' tasks keep the app to open contexts in the worker: the app, never current_app.
    app = getattr(app, "_get_current_object", lambda: app)()
    huey = app.extensions.get("huey")
    if huey is None:
        huey = app.extensions["huey"] = make_huey(app)
        for setup in app.extensions.get("queue_setups", []):
            setup(app, huey)
    return huey


def make_huey(app) -> Huey:
    """Build the Huey instance for this app's settings (see the module docstring)."""
    from huey import PostgresHuey, RedisHuey, SqliteHuey  # heavy: loaded when first needed

    immediate = app.config.get("HUEY_IMMEDIATE")
    if immediate is None:
        env = os.environ.get("HUEY_IMMEDIATE")
        immediate = (env == "1") if env is not None else bool(app.config.get("TESTING"))
    url = queue_url(app)
    common = {"name": QUEUE_NAME, "results": False, "immediate": bool(immediate), "utc": True}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(url=url, **common)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        dsn = "postgresql://" + url.split("://", 1)[1]
        return PostgresHuey(dsn=dsn, **common)
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url
    path = path or str(Path(app.instance_path) / "print-queue.db")
    return SqliteHuey(filename=path, **common)
