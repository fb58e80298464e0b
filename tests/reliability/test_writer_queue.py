"""The SQLite write queue (app.core.writequeue, issue 20 F): writers in several processes get the
write lock in the order they asked for it; a writer killed with kill -9, holding or waiting, never
blocks the ones behind it; a writer that waits too long answers "Máy chủ đang bận"; readers never
queue, and a POST queues only for its write, not while its view reads (tests/core/test_write_turn.py).

Each writer is a process forked from the test's app (as gunicorn forks its workers), writing through
the app's engine (write_mode: BEGIN IMMEDIATE), so the wiring in app.core.db is what is proved. The
positive control runs the same arrivals with the queue off (SQLite's busy handler alone), which
serves them out of order.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest
from sqlalchemy import text

from tests.conftest import BASE_CONFIG
from tests.proofs.report import report

pytestmark = pytest.mark.slow

FORK = multiprocessing.get_context("fork")
GAP = 0.05  # seconds between two arrivals
TOLERANCE = 0.02  # arrivals closer than this may be served either way round (a loaded machine may
# pause a process between the moment it asks and the moment it takes its ticket)


@pytest.fixture
def sqlite_url(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the write queue is SQLite's (PostgreSQL queues row locks in arrival order itself)")
    return db_url


def _app(url: str, **config):
    from app import create_app

    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})


def _asking() -> list[float]:
    """When each transaction asks to begin: app.core.db's begin listener first asks wants_write(),
    before its turn in the write queue (or, queue off, before BEGIN IMMEDIATE)."""
    from app.core import db as core_db

    asked, wants = [], core_db.wants_write

    def stamped():
        asked.append(time.monotonic())
        return wants()
    core_db.wants_write = stamped  # this forked process only
    return asked


def _write(app, start_at: float, hold: float, out, tag, ready=None) -> None:
    """A forked writer: at `start_at` ask for the write lock, note when it came, hold it `hold` s."""
    from app.core.db import write_mode
    from app.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)  # the parent's pooled connections are not this process's
        db.session.execute(text("SELECT 1"))  # connected beforehand, as a server's pooled connection is
        db.session.commit()
        asked = _asking()
        time.sleep(max(0.0, start_at - time.monotonic()))
        with write_mode():
            db.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE, after the queue
            got = time.monotonic()
            arrived = asked[-1]
            if ready is not None:
                ready.set()
            time.sleep(hold)
            db.session.commit()
        out.put((tag, arrived, got, time.monotonic()))
    out.close()
    out.join_thread()  # the row is sent before the process ends
    os._exit(0)  # no atexit of the parent's (pytest's) in a forked child


def _run(app, plan: list[tuple[float, float]]) -> list[tuple]:
    """Start one forked writer per (arrival offset, hold); returns (tag, arrived, got, done) rows."""
    out = FORK.Queue()
    t0 = time.monotonic() + 0.5  # every child is forked and waiting before the first arrives
    procs = [FORK.Process(target=_write, args=(app, t0 + offset, hold, out, i)) for i, (offset, hold) in
             enumerate(plan)]
    for p in procs:
        p.start()
    rows = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(10)
    return sorted(rows)


def _inversions(rows) -> int:
    """Pairs served in the opposite order of their arrival (arrivals TOLERANCE apart or more)."""
    return sum(1 for a in rows for b in rows
               if b[1] - a[1] >= TOLERANCE and b[2] < a[2])


def _table(rows) -> str:
    """(writer, arrived, got the lock, done) in ms from the first arrival, for a failure's message."""
    base = min(r[1] for r in rows)
    return "; ".join(f"{r[0]}: {(r[1] - base) * 1000:.0f}/{(r[2] - base) * 1000:.0f}/{(r[3] - base) * 1000:.0f}"
                     for r in rows)


def _p95(values):
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))] if values else 0.0


def test_writers_get_the_lock_in_arrival_order_and_the_busy_handler_does_not(sqlite_url):
    # The first writer holds the lock 0.8 s; twelve more arrive 50 ms apart behind it and hold 20 ms.
    plan = [(0.0, 0.8)] + [(0.1 + i * GAP, 0.02) for i in range(12)]
    queued = _run(_app(sqlite_url), plan)
    control = _run(_app(sqlite_url, WRITE_QUEUE=False), plan)
    wait_q = _p95([r[2] - r[1] for r in queued[1:]])
    wait_c = _p95([r[2] - r[1] for r in control[1:]])
    figure = (f"13 processes, arrivals {GAP * 1000:.0f} ms apart (tolerance {TOLERANCE * 1000:.0f} ms): pairs served out of arrival order "
              f"{_inversions(queued)} with the queue, {_inversions(control)} without (busy handler); "
              f"wait p95 {wait_q * 1000:.0f} ms / {wait_c * 1000:.0f} ms")
    report("Write queue: arrival order (SQLite)", figure, _inversions(queued) == 0 < _inversions(control),
           target="0 out of order with the queue; the control shows disorder")
    assert _inversions(queued) == 0, _table(queued)
    assert _inversions(control) > 0, _table(control)  # positive control: without the queue order is lost


def _loop(app, start_at: float, turns: int, hold: float, out, tag) -> None:
    """A forked writer asking for the lock `turns` times in a row (a busy clerk, or a gunicorn thread
    under wrk); one row per turn."""
    from app.core.db import write_mode
    from app.extensions import db

    rows = []
    with app.app_context():
        db.engine.dispose(close=False)
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        asked = _asking()
        time.sleep(max(0.0, start_at - time.monotonic()))
        for _ in range(turns):
            with write_mode():
                db.session.execute(text("SELECT 1"))
                got = time.monotonic()
                arrived = asked[-1]
                time.sleep(hold)
                db.session.commit()
            rows.append((tag, arrived, got, time.monotonic()))
            time.sleep(0.002)  # the answer goes out, the next request comes in
    out.put(rows)
    out.close()
    out.join_thread()
    os._exit(0)


def test_under_steady_load_every_wait_is_bounded_by_the_writers_ahead(sqlite_url):
    # Six writers asking again and again (each turn holds 8 ms): in arrival order a wait is at most the
    # five others' turns, whatever the luck.
    writers, turns, hold = 6, 20, 0.008
    out = FORK.Queue()
    t0 = time.monotonic() + 0.5
    app = _app(sqlite_url)
    procs = [FORK.Process(target=_loop, args=(app, t0, turns, hold, out, i)) for i in range(writers)]
    for p in procs:
        p.start()
    rows = [r for _ in procs for r in out.get(timeout=120)]
    for p in procs:
        p.join(10)
    waits = sorted(r[2] - r[1] for r in rows)
    turn = sorted(r[3] - r[2] for r in rows)
    bound = (writers - 1) * _p95(turn) * 2 + 0.1
    figure = (f"{len(rows)} turns of {writers} writers: wait p95 {_p95(waits) * 1000:.0f} ms, max "
              f"{waits[-1] * 1000:.0f} ms (bound {bound * 1000:.0f} ms: twice the others' turns, p95 "
              f"{_p95(turn) * 1000:.0f} ms each, + 100 ms); out of order {_inversions(rows)}")
    report("Write queue: waits bounded (SQLite)", figure, _p95(waits) < bound and not _inversions(rows),
           target="p95 wait < 2 × (writers - 1) × p95 turn + 100 ms")
    assert _p95(waits) < bound, figure
    assert _inversions(rows) == 0, figure


def _spawn(app, hold, out, tag, ready=None):
    p = FORK.Process(target=_write, args=(app, 0.0, hold, out, tag, ready))
    p.start()
    return p


def _waiting_behind(pid_count_before: int, path: str, timeout: float = 10) -> None:
    """Until the queue file has handed out `pid_count_before` + 1 tickets (the newcomer queued)."""
    import struct

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, "rb") as fh:
            data = fh.read(8)
        if len(data) == 8 and struct.unpack("<q", data)[0] > pid_count_before:
            return
        time.sleep(0.005)
    raise AssertionError("the writer never took a ticket")


def _tickets(path: str) -> int:
    import struct

    try:
        with open(path, "rb") as fh:
            data = fh.read(8)
    except FileNotFoundError:
        return 0
    return struct.unpack("<q", data)[0] if len(data) == 8 else 0


def test_a_killed_holder_or_waiter_never_blocks_the_next_writer(sqlite_url):
    app = _app(sqlite_url)
    path = sqlite_url[len("sqlite:///"):] + "-writeq"
    out = FORK.Queue()
    # A waiter killed in the queue: the writer behind it still waits for the holder, then goes.
    holding = FORK.Event()
    holder = _spawn(app, 0.8, out, "holder", holding)
    assert holding.wait(30)
    n = _tickets(path)
    doomed = _spawn(app, 0.0, out, "doomed")
    _waiting_behind(n, path)
    behind = _spawn(app, 0.0, out, "behind")
    _waiting_behind(n + 1, path)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.join(10)
    rows = {r[0]: r for r in (out.get(timeout=30) for _ in range(2))}
    holder.join(10)
    behind.join(10)
    assert rows["behind"][2] >= rows["holder"][3] - 0.005, rows  # not before the holder committed
    assert rows["behind"][2] - rows["holder"][3] < 0.5, rows  # and promptly after it
    # The holder itself killed (kill -9, mid-transaction): the next writer gets in at once.
    holding = FORK.Event()
    victim = _spawn(app, 60.0, out, "victim", holding)
    assert holding.wait(30)
    n = _tickets(path)
    nxt = _spawn(app, 0.0, out, "next")
    _waiting_behind(n, path)
    killed_at = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(10)
    tag, _arrived, got, _done = out.get(timeout=30)
    nxt.join(10)
    after = got - killed_at
    report("Write queue: kill -9 (SQLite)", f"next writer in {after * 1000:.0f} ms after its holder was killed; "
           f"a killed waiter skipped, order kept", tag == "next" and after < 1.0, target="< 1 s, never blocked")
    assert tag == "next" and after < 1.0, (tag, after)


def test_a_writer_that_waits_too_long_answers_server_busy_and_readers_never_queue(sqlite_url):
    from app.core import writequeue

    app = _app(sqlite_url, WRITE_QUEUE_SECONDS=0.5)
    app.test_client_class = __import__("tests.conftest", fromlist=["AppClient"]).AppClient
    hold = writequeue.acquire(sqlite_url[len("sqlite:///"):] + "-writeq", 5)  # someone else's long turn
    try:
        with app.app_context():
            client = app.test_client()
            page = client.get("/dang-nhap")
            # A reader never queues: queued behind the held turn it would have answered 503 after 0.5 s.
            assert page.status_code == 200, page.status_code
            began = time.monotonic()
            resp = client.post("/dang-nhap", data={"username": "ai", "password": "sai"})
            waited = time.monotonic() - began
        body = resp.get_data(as_text=True)
        assert resp.status_code == 503, body[:300]
        assert "Máy chủ đang bận" in body
        assert 0.4 < waited < 3, waited
    finally:
        hold.release()
    with app.app_context():  # the turn given up by the timed-out writer does not hold the next one
        resp = app.test_client().post("/dang-nhap", data={"username": "ai", "password": "sai"})
        assert resp.status_code != 503


@pytest.mark.parametrize("htmx", [False, True])
def test_a_post_reads_without_queueing_and_queues_only_to_write(sqlite_url, world, htmx):
    """Issue 20 F: a POST's view (the user, authorising, the form's choices, validation) reads on a
    snapshot without a turn; only attempt()'s write queues. With another writer's turn held, a gift
    refused by validation answers at once (it never writes), the same gift valid waits for the write
    and answers 503 after WRITE_QUEUE_SECONDS (the positive control: the write does queue), and once
    the turn is let go it is written."""
    import re

    from sqlalchemy import func, select

    from app.core import writequeue
    from app.donations.models import Donation
    from app.extensions import db
    from tests.conftest import AppClient, login
    from tests.factories_donations import make_campaign

    campaign = make_campaign(world.commune)
    db.session.commit()
    app = _app(sqlite_url, WRITE_QUEUE_SECONDS=0.5)
    app.test_client_class = AppClient
    client = app.test_client()
    login(client, world.users["clerk"])
    html = client.get("/quyen-gop/nhap").get_data(as_text=True)
    key = re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)
    gift = {"idem_key": key, "campaign_id": campaign.id, "donation_date": "2026-09-07", "donor_name": "Trần Văn Ba",
            "donor_kind": "person", "address": "", "phone": "", "amount": "500.000", "method": "cash",
            "collector_unit_id": "0"}
    hold = writequeue.acquire(sqlite_url[len("sqlite:///"):] + "-writeq", 5)  # someone else's long turn
    try:
        began = time.monotonic()
        refused = client.post("/quyen-gop/nhap", data={**gift, "amount": "12abc"}, htmx=htmx)
        read_only = time.monotonic() - began
        began = time.monotonic()
        busy = client.post("/quyen-gop/nhap", data=gift, htmx=htmx)
        waited = time.monotonic() - began
    finally:
        hold.release()
    # 422, not 503: had its reads queued behind the held turn it would have answered 503 after 0.5 s
    assert refused.status_code == 422, (refused.status_code, read_only)
    assert busy.status_code == 503 and 0.4 < waited < 3, (busy.status_code, waited)
    assert "Máy chủ đang bận" in busy.get_data(as_text=True)
    done = client.post("/quyen-gop/nhap", data=gift, htmx=htmx)
    assert done.status_code == (200 if htmx else 303)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Donation)) == 1  # the 503 wrote nothing
