"""`make prove`: every proof of issue 7 at full size, then one scoreboard (proof, figure, pass/fail).

Runs pytest on the proof suites with PROVE_FULL=1 (full sizes) and PROVE_REPORT_DIR (where each
proof writes its figure through tests/proofs/report.py), once on SQLite and once on PostgreSQL
when TEST_DATABASE_URL is set or a server answers on 127.0.0.1:5432 (as in .ci/run). A failed
test that reported no figure still shows on the board. Exit status 0 only when everything passed.

    .venv/bin/python scripts/prove.py                  # all proofs, SQLite (+ PostgreSQL if found)
    .venv/bin/python scripts/prove.py --no-pg          # SQLite only
    .venv/bin/python scripts/prove.py -- -k crash      # extra pytest arguments after --
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.proofs.report import FULL_ENV, REPORT_DIR_ENV, collect  # noqa: E402

# The proof suites: the attack proofs (tests/proofs), the crash and concurrency runs, the backups,
# and the cluster of deploy/ (nginx, two web nodes, the worker; PostgreSQL run only, skipped on SQLite).
SUITES = ["tests/proofs", "tests/reliability", "tests/backups", "tests/cluster"]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def postgres_url(args) -> str | None:
    if args.no_pg:
        return None
    url = args.pg or os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if shutil.which("pg_isready") and subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0:
        return DEFAULT_PG
    return None


def run_pytest(database: str, url: str | None, report_dir: Path, extra: list[str], suites: list[str]) -> dict:
    env = dict(os.environ)
    env[FULL_ENV] = "1"
    env[REPORT_DIR_ENV] = str(report_dir)
    env.pop("TEST_DATABASE_URL", None)
    if url:
        env["TEST_DATABASE_URL"] = url
    junit = report_dir / f"junit-{database}.xml"
    suites = [s for s in suites if (ROOT / s).exists()]
    print(f"\n== {LABEL[database]}: pytest {' '.join(suites)} (full size) ==", flush=True)
    began = time.monotonic()
    code = subprocess.run([sys.executable, "-m", "pytest", *suites, "-q", "-p", "no:randomly",
                           f"--junitxml={junit}", *extra], cwd=ROOT, env=env).returncode
    return {"database": database, "code": code, "seconds": time.monotonic() - began, **read_junit(junit)}


def read_junit(path: Path) -> dict:
    out = {"passed": 0, "failed": [], "skipped": 0}
    if not path.exists():
        return out
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            out["failed"].append(name)
        elif case.find("skipped") is not None:
            out["skipped"] += 1
        else:
            out["passed"] += 1
    return out


def board(records: list[dict], runs: list[dict]) -> tuple[str, bool]:
    width = max(60, min(110, shutil.get_terminal_size((100, 20)).columns))
    lines = ["", "═" * width, "Sổ Khuyến Học · proofs at full size".center(width), "═" * width]
    ok = True
    for r in records:
        name = r["name"]
        label = LABEL.get(r.get("database", ""), "")
        if label and label not in name:
            name = f"{name} [{label}]"
        verdict = "PASS" if r["passed"] else "FAIL"
        ok &= bool(r["passed"])
        lines.append(f"{verdict}  {name}")
        lines += textwrap.wrap(r["figure"], width, initial_indent="      ", subsequent_indent="      ")
        if r.get("target"):
            lines += textwrap.wrap("target: " + r["target"], width, initial_indent="      ",
                                   subsequent_indent="        ")
    for run in runs:
        for name in run["failed"]:
            ok = False
            lines.append(f"FAIL  {name} [{LABEL[run['database']]}] (test failed)")
    lines.append("─" * width)
    summary = [f"{len(records)} figures: {sum(r['passed'] for r in records)} pass, "
               f"{sum(not r['passed'] for r in records)} fail"]
    for run in runs:
        ok &= run["code"] == 0
        summary.append(f"{LABEL[run['database']]}: {run['passed']} tests passed, {len(run['failed'])} failed, "
                       f"{run['skipped']} skipped in {run['seconds']:.0f} s")
    lines += textwrap.wrap(" · ".join(summary), width)
    lines.append(("ALL PROOFS PASS" if ok else "SOME PROOFS FAIL").center(width))
    lines.append("═" * width)
    return "\n".join(lines), ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", help="PostgreSQL URL for the second run (default: TEST_DATABASE_URL or local server)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--keep", help="directory for the figures (default: a temporary one)")
    parser.add_argument("--suite", action="append", help=f"run only this test path (repeatable; default {SUITES})")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    report_dir = Path(args.keep or tempfile.mkdtemp(prefix="skh-prove-"))
    report_dir.mkdir(parents=True, exist_ok=True)
    for old in report_dir.glob("*.json"):
        old.unlink()
    suites = args.suite or SUITES
    runs = [run_pytest("sqlite", None, report_dir, args.pytest_args, suites)]
    pg = postgres_url(args)
    if pg:
        runs.append(run_pytest("postgresql", pg, report_dir, args.pytest_args, suites))
    elif not args.no_pg:
        print("\n(PostgreSQL: no server found on 127.0.0.1:5432 and no TEST_DATABASE_URL; SQLite only)")
    text, ok = board(collect(report_dir), runs)
    print(text)
    (report_dir / "scoreboard.txt").write_text(text + "\n", encoding="utf-8")
    print(f"figures and scoreboard: {report_dir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
