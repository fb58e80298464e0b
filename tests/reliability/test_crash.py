"""Crash proof: kill -9 the real server while 8 clients post donations; nothing lost, nothing twice.

Each client reads the entry form (CSRF token, idempotency key), posts one donation, and on any
failure (refused connection, reset, torn response) posts it again with the same key until it is
answered 200/303, as a browser's resubmission would. Some answered donations are posted once more
and some twice at the same time (a double click), always with their key. Meanwhile the server
is killed with SIGKILL at random moments and restarted. Afterwards every answered donation must
be in the database exactly once, the receipt numbers gap-free, and the database sound.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import pytest

from tests.proofs.report import report, size
from tests.reliability import books
from tests.reliability.harness import TRANSIENT, Client, Server, csrf_of, idem_of
from tests.reliability.scenario import build, donation_form

pytestmark = pytest.mark.slow

CLIENTS = 8
ENTRY = "/quyen-gop/nhap"


@dataclass
class Tally:
    answered: dict = field(default_factory=dict)  # marker -> status
    retries: int = 0
    resent: int = 0
    doubled: int = 0
    server_errors: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    abort: threading.Event = field(default_factory=threading.Event)  # the proof gave up: stop posting


class Poster(threading.Thread):
    def __init__(self, port, username, password, campaign_id, jobs, tally, rng, deadline):
        super().__init__(daemon=True)
        self.client = Client(port)
        self.username, self.password, self.campaign_id = username, password, campaign_id
        self.jobs, self.tally, self.rng, self.deadline = jobs, tally, rng, deadline

    def _retrying(self, work):
        """Run work() until it returns a value; transient failures (server down) are retried."""
        while time.monotonic() < self.deadline and not self.tally.abort.is_set():
            try:
                result = work()
            except TRANSIENT:
                result = None
            if result is not None:
                return result
            with self.tally.lock:
                self.tally.retries += 1
            time.sleep(0.05 + self.rng.random() * 0.1)
        raise TimeoutError("the server did not come back, or the proof stopped")

    def _form(self):
        def load():
            page = self.client.get(ENTRY)
            if page.status in (302, 303):
                self.client.login(self.username, self.password)
                return None
            if page.status != 200:
                self._bad("GET", page)
                return None
            return idem_of(page.body), csrf_of(page.body)

        return self._retrying(load)

    def _bad(self, what, resp):
        with self.tally.lock:
            (self.tally.server_errors if resp.status >= 500 else self.tally.unexpected).append(
                f"{what} {resp.status}: {resp.errors or resp.body[:300]}")

    def _post(self, data, htmx):
        """POST until answered 200/303; the same key (and token) every time."""
        headers = {"HX-Request": "true"} if htmx else {}

        def send():
            resp = self.client.post(ENTRY, data, headers=headers)
            if resp.status in (200, 303):
                return resp.status
            if resp.status in (302,) and "/dang-nhap" in resp.location:
                self.client.login(self.username, self.password)
                return None
            self._bad("POST", resp)
            if resp.status >= 500:
                return None  # retried: a 500 is counted as a defect, but the donation must land
            return resp.status

        return self._retrying(send)

    def _post_quietly(self, data, htmx):
        try:
            self._post(data, htmx)
        except TimeoutError:
            pass

    def run(self):
        try:
            self._post_all()
        except TimeoutError:
            pass  # counted as unanswered by the proof

    def _post_all(self):
        for marker, amount in self.jobs:
            key, csrf = self._form()
            data = donation_form(self.campaign_id, key, csrf, marker, amount)
            htmx = self.rng.random() < 0.25
            if self.rng.random() < 0.08:  # a double click: the same key twice at the same moment
                twin = threading.Thread(target=self._post_quietly, args=(data, htmx), daemon=True)
                twin.start()
                status = self._post(data, htmx)
                twin.join(60)
                with self.tally.lock:
                    self.tally.doubled += 1
            else:
                status = self._post(data, htmx)
            with self.tally.lock:
                self.tally.answered[marker] = status
            if status in (200, 303) and self.rng.random() < 0.15:  # resubmitted later (back + submit)
                self._post(data, htmx)
                with self.tally.lock:
                    self.tally.resent += 1


def run_crash(app, world, db_url, tmp_path, *, donations: int, kills: int, label: str, seed: int):
    rng = random.Random(seed)
    scenario = build(communes=2, clerks_per_commune=CLIENTS // 2)
    server = Server(db_url, tmp_path / "instance")
    server.start()
    tally = Tally()
    deadline = time.monotonic() + 600
    markers = [(f"crash-{n:05d}", 10_000 + n) for n in range(donations)]
    threads = []
    for i, (username, campaign_id) in enumerate(scenario.users):
        jobs = markers[i::CLIENTS]
        threads.append(Poster(server.port, username, scenario.password, campaign_id, jobs, tally,
                              random.Random(seed * 100 + i), deadline))
    # Kill points: after a random number of answered donations, then a random few milliseconds
    # more, so the kill lands while requests are in flight.
    points = sorted(rng.sample(range(max(1, donations // 20), max(2, donations * 19 // 20)), kills))
    killed, restarts = 0, []
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        for point in points:
            while len(tally.answered) < point and any(t.is_alive() for t in threads):
                time.sleep(0.002)
            if not any(t.is_alive() for t in threads):
                break
            time.sleep(rng.random() * 0.05)
            server.kill9()
            killed += 1
            restarts.append(server.start())
        for t in threads:
            t.join(max(1, deadline - time.monotonic()))
    finally:
        if any(t.is_alive() for t in threads):
            tally.abort.set()  # a restart failed or time ran out: the posters stop retrying
        elapsed = time.monotonic() - started
        server.stop()
    locked_in_log = server.log_count("database is locked")
    notes, facts = books.donations_by_note(db_url, "crash-")

    answered = {m for m, s in tally.answered.items() if s in (200, 303)}
    lost = sorted(m for m in answered if notes.get(m, 0) == 0)
    twice = sorted(m for m, n in notes.items() if n > 1)
    phantom = sorted(m for m in notes if m not in answered)
    sound = (facts.get("integrity_check", "ok") == "ok" and facts.get("foreign_key_check", 0) == 0
             and facts.get("constraints_not_validated", 0) == 0 and facts.get("foreign_key_orphans", 0) == 0)
    passed = (len(answered) == donations and not lost and not twice and not phantom and killed >= kills
              and not tally.server_errors and not tally.unexpected and locked_in_log == 0 and sound
              and facts["without_entry"] == 0 and facts["duplicate_numbers"] == 0 and facts["gaps"] == 0
              and facts["counters_out_of_step"] == 0 and facts["idempotency_keys"] == facts["donations"])
    checks = (f"integrity_check {facts['integrity_check']}, foreign_key_check {facts['foreign_key_check']}"
              if "integrity_check" in facts else
              f"{facts['foreign_key_orphans']} rows breaking {facts['foreign_keys']} foreign keys, "
              f"{facts['constraints_not_validated']} constraints not validated")
    figure = (f"{donations} donations from {CLIENTS} clients, {killed} kill -9 "
              f"(restart {sum(restarts) / max(1, len(restarts)):.1f} s avg), {len(answered)} answered 200/303, "
              f"{len(lost)} lost, {len(twice)} duplicated, {len(phantom)} unanswered in db; "
              f"{tally.retries} retried requests, {tally.resent} re-sent and {tally.doubled} double-clicked "
              f"with the same key; receipt numbers: {facts['duplicate_numbers']} duplicate, {facts['gaps']} gaps; "
              f"{len(tally.server_errors)} 5xx, {locked_in_log} 'database is locked'; {checks}; {elapsed:.0f} s")
    report(f"Crash ({label})", figure, passed,
           target=f"0 lost, 0 duplicates, ≥{kills} kill -9, numbers gap-free, integrity and foreign keys clean")
    assert killed >= kills, f"only {killed} kills"
    assert not tally.server_errors, tally.server_errors[:5]
    assert not tally.unexpected, tally.unexpected[:5]
    assert len(answered) == donations
    assert not lost and not twice and not phantom, (lost[:5], twice[:5], phantom[:5])
    assert locked_in_log == 0
    assert sound, facts
    assert facts["without_entry"] == 0 and facts["duplicate_numbers"] == 0 and facts["gaps"] == 0, facts
    assert facts["counters_out_of_step"] == 0, facts
    assert facts["idempotency_keys"] == facts["donations"] == donations, facts
    assert passed


def test_kill_9_during_donation_entry_loses_nothing_and_duplicates_nothing(app, world, db_url, tmp_path):
    label = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
    run_crash(app, world, db_url, tmp_path, donations=size(120, 1000), kills=size(3, 12), label=label,
              seed=int(time.time()) % 100000)
