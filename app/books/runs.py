"""Running the books check and keeping its runs (the dashboard shows the latest run's findings).

run_and_store() is what `flask books-check` and the print worker's nightly task call; findings()
gives the findings of a run a user may see (those of units in their scope).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app.core.authz import covers_all_units
from app.core.clock import utcnow
from app.core.db import write_mode
from app.extensions import db
from app.units.models import Unit

from . import checks
from .models import BooksCheckRun

log = logging.getLogger(__name__)
KEEP_RUNS = 100  # older runs are deleted when a new one is stored
DUE_AFTER = timedelta(hours=23)  # "nightly", with slack for the worker's ten-minute check


def store(report: checks.Report, trigger: str = "cli") -> BooksCheckRun:
    """Keep `report` as a run and delete runs beyond the newest KEEP_RUNS; the caller commits."""
    run = BooksCheckRun(started_at=report.started_at, finished_at=report.finished_at, trigger=trigger,
                        finding_count=len(report.findings), findings=[f.as_dict() for f in report.findings],
                        counts={"checked": report.counts, "checks": report.checks})
    db.session.add(run)
    db.session.flush()
    old = select(BooksCheckRun.id).order_by(BooksCheckRun.id.desc()).offset(KEEP_RUNS)
    db.session.execute(delete(BooksCheckRun).where(BooksCheckRun.id.in_(old.scalar_subquery())),
                       execution_options={"synchronize_session": False})
    return run


def run_and_store(trigger: str = "cli") -> tuple[checks.Report, BooksCheckRun]:
    """Run every check (read-only, one snapshot), then store the run in its own write transaction."""
    report = checks.run_all()
    with write_mode():
        run = store(report, trigger)
        db.session.commit()
    return report, run


def latest() -> BooksCheckRun | None:
    return db.session.scalar(select(BooksCheckRun).order_by(BooksCheckRun.id.desc()).limit(1))


def is_due(now: datetime | None = None) -> bool:
    """True when no run started within the last DUE_AFTER (the nightly task then runs one)."""
    now = now or utcnow()
    newest = db.session.scalar(select(BooksCheckRun.started_at).order_by(BooksCheckRun.id.desc()).limit(1))
    return newest is None or now - newest >= DUE_AFTER


def run_if_due(now: datetime | None = None) -> BooksCheckRun | None:
    """The print worker's nightly check: run and store when the newest run is a day old."""
    due = is_due(now)
    db.session.rollback()
    if not due:
        return None
    report, run = run_and_store("nightly")
    log.info("books check: %d findings in %s", len(report.findings), report.finished_at - report.started_at)
    return run


def visible(run: BooksCheckRun | None, user) -> list[checks.Finding]:
    """The run's findings about units in `user`'s scope; findings about no unit in particular
    (a broken check) only for a user whose scope is the whole database."""
    if run is None:
        return []

    root = user.unit
    whole = covers_all_units(root)
    found = [checks.Finding(**f) for f in run.findings or []]
    if whole:
        return found
    ids = {f.unit_id for f in found if f.unit_id is not None}
    inside = set(db.session.scalars(select(Unit.id).where(Unit.id.in_(ids), Unit.path.startswith(root.path)))) \
        if ids else set()
    return [f for f in found if f.unit_id in inside]
