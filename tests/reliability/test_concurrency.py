"""Concurrency proof: 4 server processes writing at once; no "database is locked" reaches a user.

gunicorn runs 4 worker processes; 8 clients post donations to two communes (and read the lists)
for the whole run, while `flask backup` copies the database twice from a process of its own.
Every answer is looked at: no 5xx, no "database is locked" in a page or in the server's log;
afterwards the receipt numbers are unique and gap-free per unit and year, every answered
donation is in the database exactly once, and each backup made under load passed its checks.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.proofs.report import full_size, report, size
from tests.reliability import books
from tests.reliability.harness import LOCKED, ROOT, TRANSIENT, Client, Server, csrf_of, idem_of
from tests.reliability.scenario import build, donation_form

pytestmark = pytest.mark.slow

PROCESSES = 4
CLIENTS = 8
ENTRY = "/quyen-gop/nhap"


class Hammer(threading.Thread):
    def __init__(self, n, port, username, password, campaign_id, stop_at):
        super().__init__(daemon=True)
        self.n, self.client = n, Client(port)
        self.username, self.password, self.campaign_id, self.stop_at = username, password, campaign_id, stop_at
        self.answered: list[str] = []
        self.latencies: list[float] = []
        self.failures: list[str] = []  # anything a user would see as an error
        self.reads = 0

    def _look(self, resp, what):
        if resp.status >= 500 or LOCKED in resp.body:
            self.failures.append(f"{what} {resp.status}: {resp.errors or resp.body[:200]}")
            return False
        return True

    def run(self):
        try:
            self.client.login(self.username, self.password)
            i = 0
            while time.monotonic() < self.stop_at[0]:
                page = self.client.get(ENTRY)
                if not self._look(page, "GET") or page.status != 200:
                    self.failures.append(f"GET {page.status}")
                    continue
                marker = f"conc-{self.n}-{i:06d}"
                data = donation_form(self.campaign_id, idem_of(page.body), csrf_of(page.body), marker, 20_000 + i)
                began = time.monotonic()
                resp = self.client.post(ENTRY, data, headers={"HX-Request": "true"} if i % 4 == 0 else {})
                self.latencies.append(time.monotonic() - began)
                if self._look(resp, "POST"):
                    if resp.status in (200, 303):
                        self.answered.append(marker)
                    else:
                        self.failures.append(f"POST {resp.status}: {resp.errors}")
                if i % 5 == 4:  # someone reading the list while others write
                    listing = self.client.get("/quyen-gop/")
                    self._look(listing, "GET list")
                    self.reads += 1
                i += 1
        except TRANSIENT as err:  # the server never goes down here: a dropped connection is a failure
            self.failures.append(f"connection: {err!r}")


class BackupRun:
    """A backup beside the server: `flask backup` in a process of its own at full size (as an admin
    or cron runs it); at reduced size the same service in this test's process, which spares the
    seconds a new process needs to load the app."""

    def __init__(self, app, db_url, instance, cli: bool):
        self.ok, self.output = False, ""
        if cli:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HUEY_"))}
            env.update({"DATABASE_URL": db_url, "INSTANCE_PATH": str(instance), "FLASK_APP": "wsgi.py"})
            self.proc = subprocess.Popen([str(Path(sys.executable).with_name("flask")), "backup"], cwd=ROOT,
                                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.thread = None
        else:
            self.proc = None
            self.thread = threading.Thread(target=self._in_process, args=(app,), daemon=True)
            self.thread.start()

    def _in_process(self, app):
        from app.backups import services

        with app.app_context():
            try:
                self.output = services.make_backup("manual").name
                self.ok = True
            except Exception as err:  # noqa: BLE001 - reported by the proof
                self.output = repr(err)

    def running(self) -> bool:
        if self.proc is not None:
            if self.proc.poll() is None:
                return True
            self.ok, self.output = self.proc.returncode == 0, self.proc.stdout.read()[-500:]
            return False
        return self.thread.is_alive()


def _warm_up(server: Server, timeout: float = 120) -> None:
    """Wait until every worker process has loaded the app and answered, so the clock measures load."""
    deadline = time.monotonic() + timeout
    client = Client(server.port)

    def knock():
        try:
            client.get("/dang-nhap")
        except TRANSIENT:
            pass

    while time.monotonic() < deadline and server.alive():
        threads = [threading.Thread(target=knock) for _ in range(PROCESSES * 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(set(re.findall(r"pid=<?(\d+)>? GET /dang-nhap 200", server.log_text()))) >= PROCESSES:
            return
        time.sleep(0.2)
    raise RuntimeError("not every worker process answered:\n" + server.tail())


def _p95(values):
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))] if values else 0.0


def test_four_processes_writing_at_once_never_show_a_lock_error(app, world, db_url, tmp_path):
    label = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
    duration = float(os.environ.get("CONCURRENCY_SECONDS") or size(4, 30))
    scenario = build(communes=2, clerks_per_commune=CLIENTS // 2)
    instance = tmp_path / "instance"
    server = Server(db_url, instance, workers=PROCESSES, threads=2,
                    args=["--access-logformat", "pid=%(p)s %(m)s %(U)s %(s)s"])
    server.start()
    _warm_up(server)
    began = time.monotonic()
    stop_at = [began + duration]  # pushed back while a backup still runs: each must overlap the load
    hammers = [Hammer(i, server.port, user, scenario.password, campaign, stop_at)
               for i, (user, campaign) in enumerate(scenario.users)]
    backups = []
    runs = []
    try:
        for h in hammers:
            h.start()
        # Two backups while the writers run: the first starts with the load (a `flask backup` process
        # needs a moment to load the app), the second a third of the way in.
        for fraction in (0, 1 / 3):
            time.sleep(max(0.0, began + duration * fraction - time.monotonic()))
            runs.append(BackupRun(app, db_url, instance, cli=full_size()))
        while any(run.running() for run in runs):
            stop_at[0] = max(stop_at[0], time.monotonic() + 0.5)  # each backup must overlap the load
            time.sleep(0.05)
        backups = [{"ok": run.ok, "output": run.output} for run in runs]
        for h in hammers:
            h.join(duration + 120)
    finally:
        server.stop()
    duration = time.monotonic() - began
    log = server.log_text()
    locked_in_log = log.count(LOCKED)
    writer_pids = set(re.findall(r"pid=<?(\d+)>? POST /quyen-gop/nhap (?:303|200)", log))
    # All four processes must have written at full size; a few seconds may leave one idle by chance.
    min_writers = size(2, PROCESSES)
    failures = [f for h in hammers for f in h.failures]
    answered = [m for h in hammers for m in h.answered]
    notes, facts = books.donations_by_note(db_url, "conc-")
    missing = [m for m in answered if notes.get(m, 0) != 1]
    extra = [m for m in notes if m not in set(answered)]
    latencies = [x for h in hammers for x in h.latencies]
    manifests = [json.loads(p.read_text()) for p in (instance / "backups").glob("*.json")]
    backups_ok = len(manifests) == len(backups) == 2 and all(b["ok"] for b in backups)
    sound = (facts.get("integrity_check", "ok") == "ok" and facts.get("foreign_key_check", 0) == 0
             and facts.get("foreign_key_orphans", 0) == 0)
    passed = (not failures and locked_in_log == 0 and not missing and not extra and answered
              and facts["duplicate_numbers"] == 0 and facts["gaps"] == 0 and facts["counters_out_of_step"] == 0
              and backups_ok and sound and len(writer_pids) >= min_writers)
    figure = (f"{duration:.0f} s, {PROCESSES} processes × 2 threads, {CLIENTS} clients: {len(answered)} donations "
              f"({len(answered) / duration:.0f}/s, POST p95 {_p95(latencies) * 1000:.0f} ms), "
              f"{sum(h.reads for h in hammers)} list reads; written by {len(writer_pids)} processes; "
              f"{len(failures)} errors shown to users, {locked_in_log} 'database is locked' in the log; "
              f"{facts['duplicate_numbers']} duplicate and {facts['gaps']} missing receipt numbers in "
              f"{facts['series']} series; {len(missing) + len(extra)} donations lost or doubled; "
              f"{sum(b['ok'] for b in backups)}/2 online backups "
              f"({'`flask backup` processes' if full_size() else 'in-process'}) made and checked under load")
    report(f"Concurrency ({label})", figure, passed,
           target="0 lock errors to users, 0 duplicate or missing numbers, backups under load pass their checks")
    assert not failures, failures[:5]
    assert locked_in_log == 0, server.tail()
    assert answered and not missing and not extra, (missing[:5], extra[:5])
    assert facts["duplicate_numbers"] == 0 and facts["gaps"] == 0 and facts["counters_out_of_step"] == 0, facts
    assert sound, facts
    assert backups_ok, backups
    assert len(writer_pids) >= min_writers, writer_pids
    assert passed
