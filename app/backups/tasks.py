"""The daily backup as a periodic task of the print worker's Huey (started by `make run`).

The check runs when the worker starts and then every ten minutes, and backs up only when the
newest backup is a day old, so a machine switched off overnight still gets its daily backup
as soon as it is switched on again.
"""
import logging

from flask import Flask

from app.core import idempotency
from app.core.db import write_mode
from app.core.rls import cross_units
from app.extensions import db

from . import services

log = logging.getLogger(__name__)
CHECK_EVERY = "*/10"  # minutes


def register_tasks(app: Flask) -> None:
    """Add the backup and maintenance tasks to the print worker's queue when it is built."""
    from app.printing.queue import on_queue  # heavy: loaded when first needed

    on_queue(app, _add_tasks)


def _add_tasks(app: Flask, huey) -> None:
    from huey import crontab  # heavy: loaded when first needed

    def daily_backup() -> None:
        with app.app_context(), cross_units("a backup holds every unit's rows"):
            try:
                made = services.backup_if_due()
            except Exception:  # noqa: BLE001 - a failed backup must be logged, and retried next time
                log.exception("automatic backup failed")
                return
            if made is not None:
                log.info("automatic backup %s (%d rows, %d bytes)", made.name, made.rows, made.size)

    task = huey.periodic_task(crontab(minute=CHECK_EVERY), name="backups.daily")(daily_backup)
    app.extensions["backup_task"] = task

    def prune_keys() -> None:
        # Double-submit keys only matter while a form is open; a month is plenty.

        with app.app_context(), write_mode(), cross_units("old double-submit keys of every unit"):
            gone = idempotency.prune()
            db.session.commit()
        log.info("pruned %d old double-submit keys", gone)

    app.extensions["prune_keys_task"] = huey.periodic_task(
        crontab(minute="17", hour="3"), name="maintenance.prune_keys")(prune_keys)

    @huey.on_startup(name="backups.on_start")
    def _queue_check() -> None:
        # Queued, not run here: the worker thread starting up must not wait for a backup.
        task()
