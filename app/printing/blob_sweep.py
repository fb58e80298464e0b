"""Sweeping expired blobs (app.core.blobs): a periodic task on the print worker's queue (core may
not import the queue, a domain's) and `flask blobs-sweep` for a cron job or by hand.

An expired blob already reads as gone (get returns None); the sweep only gives its space back.
Every quarter of an hour is plenty: staged imports live six hours, prints longer.
"""
from __future__ import annotations

import logging

import click
from flask import Flask

from app.core import blobs

from .queue import on_queue

log = logging.getLogger(__name__)
EVERY = "*/15"  # minutes


def register(app: Flask) -> None:
    """The CLI command now, the periodic task when the queue is built (app.printing.queue.on_queue)."""
    @app.cli.command("blobs-sweep")
    def blobs_sweep() -> None:
        """Remove the expired blobs (staged imports, expired prints) from the blob store."""
        gone = blobs.sweep()
        click.echo(f"Đã xoá {gone} tệp hết hạn ({blobs.backend_name()}).")

    on_queue(app, _add_task)


def _add_task(app: Flask, huey) -> None:
    from huey import crontab  # heavy: loaded when first needed

    def sweep_blobs() -> None:
        with app.app_context():
            try:
                gone = blobs.sweep()
            except Exception:  # noqa: BLE001 - a failed sweep is logged and tried again next time
                log.exception("blob sweep failed")
                return
            if gone:
                log.info("swept %d expired blobs", gone)

    app.extensions["blobs_sweep_task"] = huey.periodic_task(crontab(minute=EVERY), name="blobs.sweep")(sweep_blobs)
