"""The nightly books check, a periodic task of the print worker's queue beside the daily backup.

Like the backup it checks every ten minutes (and when the worker starts) and runs once the newest
run is a day old, so a machine switched off at night still gets its check soon after it starts.
"""
import logging

from flask import Flask

from app.core.rls import cross_units

from . import runs

log = logging.getLogger(__name__)
CHECK_EVERY = "*/10"  # minutes


def register_tasks(app: Flask) -> None:
    from app.printing.queue import on_queue  # heavy: loaded when first needed

    on_queue(app, _add_tasks)


def _add_tasks(app: Flask, huey) -> None:
    from huey import crontab  # heavy: loaded when first needed

    def nightly_books_check() -> None:
        with app.app_context(), cross_units("the books check reads every unit's books"):
            try:
                runs.run_if_due()
            except Exception:  # noqa: BLE001 - logged, and tried again at the next check
                log.exception("books check failed")

    task = huey.periodic_task(crontab(minute=CHECK_EVERY), name="books.nightly_check")(nightly_books_check)
    app.extensions["books_check_task"] = task

    @huey.on_startup(name="books.on_start")
    def _queue_check() -> None:
        # Queued, not run here: the worker thread starting up must not wait for the check.
        task()
