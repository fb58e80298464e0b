"""The print worker: a Huey consumer in its own process, so web requests never render PDFs.

Start it next to gunicorn (one per queue; the embedded SQLite queue wants exactly one):

    FLASK_APP=wsgi.py .venv/bin/flask print-worker

It lowers its own CPU priority (nice), so a 10,000-name list rendering leaves the web workers
the CPU they ask for; it renders in its own process, one chunk after another (services.py). On
start it queues again the jobs a dead worker left "running" (every one with the embedded queue;
with a shared queue, HUEY_URL, only those without a heartbeat for PRINT_STALE_MINUTES, default
10), and repeats that check every minute (the tasks are declared in jobs.py). Jobs are taken in
fair order between users (jobstate.py), so several workers, threads or processes, may share a queue.
"""
from __future__ import annotations

import logging
import os
from datetime import timedelta

import click
from flask import Flask

from .jobs import requeue_abandoned
from .queue import huey_for, queue_url


def register_cli(app: Flask) -> None:
    @app.cli.command("print-worker")
    @click.option("--workers", default=1, show_default=True, help="Jobs rendered at the same time.")
    @click.option("--nice", "niceness", default=10, show_default=True, help="CPU priority decrease.")
    def print_worker(workers: int, niceness: int) -> None:
        """Run the background print jobs (Huey consumer) until stopped."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        if niceness:
            os.nice(niceness)
        with app.app_context():
            # The embedded queue has one worker, this one: whatever is "running" was abandoned.
            shared = bool(queue_url(app))
            ids = requeue_abandoned(None if shared else timedelta(0))
            if ids:
                click.echo(f"Đã đưa lại vào hàng đợi {len(ids)} lệnh in bị dừng giữa chừng: {ids}")
        from huey.consumer import Consumer  # heavy: loaded when first needed

        huey = huey_for(app)
        Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()
