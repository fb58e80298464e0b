"""The scoreboard protocol of `make prove` (scripts/prove.py).

Each proof calls `report(name, figure, passed, target)` once it has its figure. When the
environment variable PROVE_REPORT_DIR names a directory, the figure is written there as one JSON
file per proof; scripts/prove.py collects them into the scoreboard. Outside `make prove` the call
only prints the line (visible with `pytest -s`), so proofs can call it unconditionally.

`full_size()` tells a proof whether to run at its full size (PROVE_FULL=1, set by `make prove`) or
at the reduced size that keeps `make test` in its time budget; `size(reduced, full)` picks one.

`make prove` runs the suite once on SQLite and, when PostgreSQL answers, once more with
TEST_DATABASE_URL; each record notes its database, so one name may be reported by both runs.

    from tests.proofs.report import report, size

    def test_csrf_refused_everywhere(app, ...):
        routes = ...
        report("CSRF", f"{refused}/{len(routes)} state-changing routes refuse a missing token", refused == len(routes),
               target="100% refused")
        assert refused == len(routes)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

REPORT_DIR_ENV = "PROVE_REPORT_DIR"
FULL_ENV = "PROVE_FULL"


def full_size() -> bool:
    """True when the proofs run at full size (`make prove`)."""
    return os.environ.get(FULL_ENV, "") not in ("", "0")


def size(reduced, full):
    """The full-size value under `make prove`, the reduced one otherwise."""
    return full if full_size() else reduced


def database() -> str:
    """The database the suite runs on: "postgresql" with TEST_DATABASE_URL, else "sqlite"."""
    return "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


def _slug(name: str) -> str:
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:60] or "proof"
    return f"{readable}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def report(name: str, figure: str, passed: bool, target: str = "") -> dict:
    """Record one proof's result.

    name: the proof as listed on the scoreboard ("Crash (SQLite)").
    figure: what was measured ("1000 donations, 12 kills, 0 lost, 0 duplicates").
    passed: whether the figure meets the target.
    target: the bar the figure is held to ("0 lost, 0 duplicates, >= 10 kills").
    Returns the record; writes it as JSON when PROVE_REPORT_DIR is set. A proof reporting the
    same name twice replaces its earlier record (the last run counts).
    """
    record = {
        "name": name,
        "figure": str(figure),
        "passed": bool(passed),
        "target": str(target),
        "full": full_size(),
        "database": database(),
        "time": time.time(),
    }
    print(f"[proof] {name}: {figure} -> {'PASS' if passed else 'FAIL'}")
    directory = os.environ.get(REPORT_DIR_ENV)
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        stem = f"{_slug(name)}@{record['database']}"
        tmp = path / f".{stem}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path / f"{stem}.json")
    return record


def collect(directory: str | os.PathLike) -> list[dict]:
    """All records written into `directory`, oldest first."""
    records = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return sorted(records, key=lambda r: r.get("time", 0))
