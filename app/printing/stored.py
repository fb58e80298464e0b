"""Finished PDFs in the blob store (app.core.blobs), which every node reaches: the worker on one machine
stores a job's PDF, any web node gives it out. Named by content hash, so an identical document is
rendered once. Re-exported by jobs.py, the print engine's public API."""
from __future__ import annotations

import os
from datetime import timedelta

from flask import current_app

from app.core import blobs

from .models import PrintJob


def print_key(digest: str) -> str:
    """The blob store's key of the finished PDF with this content hash (app.core.blobs)."""
    return f"print/{digest}.pdf"


def keep_for() -> timedelta | None:
    """PRINT_KEEP_DAYS: how long a finished PDF is kept (unset or 0: for good, as a file on disk was).
    An expired one is printed again when asked for (request_print sees it gone)."""
    days = current_app.config.get("PRINT_KEEP_DAYS") or os.environ.get("PRINT_KEEP_DAYS")
    return timedelta(days=float(days)) if days and float(days) > 0 else None


def store_pdf(key: str, pdf: bytes, *, permanent: bool = False) -> None:
    """Keep a finished PDF where every node reads it (the database, or S3: app.core.blobs)."""
    blobs.put("print", pdf, key=key, ttl=None if permanent else keep_for())


def job_file(job: PrintJob) -> bytes | None:
    """The finished PDF of a job, or None when it is not finished or its file is gone (a job from
    before the blob store, whose file was on one machine's disk, or an expired one: print again)."""
    if job.status != "done" or not job.file_path:
        return None
    return blobs.get(job.file_path)


def has_file(job: PrintJob) -> bool:
    """Whether the finished PDF of a job can still be downloaded (without reading it)."""
    return job.status == "done" and bool(job.file_path) and blobs.exists(job.file_path)


def needs_reprint(job: PrintJob) -> bool:
    """A finished job whose PDF is no longer kept: the status page says to print it again."""
    return job.status == "done" and not has_file(job)
