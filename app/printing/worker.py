"""The print worker: a Huey consumer in its own process, so web requests never render PDFs.

Start it next to gunicorn (one per queue; the embedded SQLite queue wants exactly one):

    FLASK_APP=wsgi.py .venv/bin/flask print-worker

It lowers its own CPU priority (nice), so a 10,000-name list rendering leaves the web workers
the CPU they ask for; the render processes it starts for long documents (procpool.py,
PRINT_PROCESSES, default one per CPU) inherit that priority. On start it queues again the jobs a dead worker left "running" (every one
with the embedded queue; with a shared queue, HUEY_URL, only those without a heartbeat for
PRINT_STALE_MINUTES, default 10), and repeats that check every minute. Jobs are taken in fair
order between users (jobstate.py), so several workers, threads or processes, may share a queue.
"""
from __future__ import annotations

import logging
import os
from datetime import timedelta

import click
from flask import Flask

from .queue import huey_for, on_queue, queue_url


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
    from huey import crontab

    def run_print_job(job_id: int) -> None:
        # One task per queued job, but it renders the next job in fair order between users
        # (jobs.run_next), not necessarily job_id: a burst of one user's jobs cannot hold back
        # another user's. Every queued job still has a task, so none is left behind.
        from .jobs import run_next

        with app.app_context():
            run_next()

    def requeue_stale() -> None:
        from .jobs import requeue_abandoned

        with app.app_context():
            requeue_abandoned()

    app.extensions["print_task"] = huey.task(name="printing.run_print_job", retries=0)(run_print_job)
    huey.periodic_task(crontab(minute="*"), name="printing.requeue_stale")(requeue_stale)


def register_cli(app: Flask) -> None:
    @app.cli.command("print-worker")
    @click.option("--workers", default=1, show_default=True, help="Jobs rendered at the same time.")
    @click.option("--nice", "niceness", default=10, show_default=True, help="CPU priority decrease.")
    def print_worker(workers: int, niceness: int) -> None:
        """Run the background print jobs (Huey consumer) until stopped."""
        from .jobs import requeue_abandoned

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        if niceness:
            os.nice(niceness)
        # Start the render processes' fork server now (inheriting the niceness), fonts warm.
        from .procpool import configured, warm

        if configured(app.config) > 1:
            warm()
        with app.app_context():
            # The embedded queue has one worker, this one: whatever is "running" was abandoned.
            shared = bool(queue_url(app))
            ids = requeue_abandoned(None if shared else timedelta(0))
            if ids:
                click.echo(f"Đã đưa lại vào hàng đợi {len(ids)} lệnh in bị dừng giữa chừng: {ids}")
        from huey.consumer import Consumer

        huey = huey_for(app)
        Consumer(huey, workers=workers, worker_type="thread", periodic=True).run()
