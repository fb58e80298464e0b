"""Issue 14 G, the short version of `make bench`'s tap budget: the commune's whole year driven at
360 px with JavaScript off through the visible labels only (bench/taps.py), for 3 and for 12 pupils.
Bulk work must not cost more taps for more pupils, and the year stays within 60 taps."""
import time

import pytest

from bench import taps
from bench.taps_world import PrintWorker, seed_world
from tests.browser.conftest import start_live, stop_live

pytestmark = pytest.mark.browser

SMALL, LARGER = 3, 12
# The small run only needs what approving, paying and certifying stand on (the suite's time is short).
NOT_NEEDED_FOR_SMALL = ("Cấp 5 heo đất", "Mổ 2 heo đất", "Báo cáo năm")


def _year(chromium, database, tmp_path_factory, n: int, skip=()):
    queue = tmp_path_factory.mktemp("taps-queue") / "print-queue.db"
    live = start_live(database, tmp_path_factory, HUEY_IMMEDIATE=False, HUEY_URL=str(queue))
    worker = PrintWorker(live.app)  # certificates are rendered in the background, as in production
    try:
        world = live.run(seed_world)
        return taps.drive(chromium, live.url, world, n, tmp_path_factory.mktemp(f"taps-{n}"), skip)
    finally:
        worker.stop()
        stop_live(live)


def test_the_year_costs_the_same_taps_for_any_number_of_pupils(chromium, database, tmp_path_factory):
    started = time.perf_counter()
    meters = {SMALL: _year(chromium, database, tmp_path_factory, SMALL, NOT_NEEDED_FOR_SMALL),
              LARGER: _year(chromium, database, tmp_path_factory, LARGER)}
    report = "\n".join(taps.table(m, n) for n, m in meters.items())
    dead = [f"{t.name}: {d}" for m in meters.values() for t in m.tasks for d in t.dead_ends]
    assert not dead, report
    small, larger = taps.taps_of(meters[SMALL]), taps.taps_of(meters[LARGER])
    for task in taps.SAME_FOR_ANY_N:
        assert small[task] == larger[task], f"{task}: {small[task]} taps for {SMALL}, {larger[task]} for {LARGER}\n{report}"
    total = sum(larger.values())
    assert total <= taps.TAP_TARGET, f"{total} taps for the year\n{report}"
    assert time.perf_counter() - started < 90, report
