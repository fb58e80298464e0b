"""The daily backup as a periodic task of the print worker's Huey (started by `make run`).

The check runs when the worker starts and then every ten minutes, and backs up only when the
newest backup is a day old, so a machine switched off overnight still gets its daily backup
as soon as it is switched on again.
"""
import logging

from flask import Flask
from huey import crontab

log = logging.getLogger(__name__)
CHECK_EVERY = "*/10"  # minutes


def register_tasks(app: Flask) -> None:
    huey = app.extensions.get("huey")
    if huey is None:  # no print queue configured: nothing runs periodic tasks
        return

    def daily_backup() -> None:
        from . import services

        with app.app_context():
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
        from app.core import idempotency
        from app.core.db import write_mode
        from app.extensions import db

        with app.app_context(), write_mode():
            gone = idempotency.prune()
            db.session.commit()
        log.info("pruned %d old double-submit keys", gone)

    app.extensions["prune_keys_task"] = huey.periodic_task(
        crontab(minute="17", hour="3"), name="maintenance.prune_keys")(prune_keys)

    @huey.on_startup(name="backups.on_start")
    def _queue_check() -> None:
        # Queued, not run here: the worker thread starting up must not wait for a backup.
        task()
