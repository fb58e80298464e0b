"""Tap budget: the canonical year of a commune, driven in Chromium at 360x740 with JavaScript off.

    .venv/bin/python -m bench.taps --n 183          # one run, N pupils imported
    .venv/bin/python -m bench.taps --n 20 --n 183   # the approve/pay/certify taps compared

A fresh SQLite database holds the commune and its users (bench/taps_world.py); everything else is
entered through the visible labels only (roles and accessible names, labels, visible text): the start
page is the only address ever typed. Taps, typed fields and the slowest page of each task are counted
by bench/taps_meter.py. A step that the labels cannot reach is printed as a dead end, never worked
around. Each step uses the bulk action when the page offers it ("… tất cả N dòng khớp bộ lọc", a
confirmation page) and otherwise ticks row by row as before issue 14, so the same driver measures
both trees (figures in notes/taps-before.txt and notes/taps-after.txt). Targets (issue 14 G): at
most 60 taps for the year with N = 183, and the same taps for approving, paying and certifying
whatever N is.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import taps_steps as steps  # noqa: E402
from bench.taps_meter import Meter  # noqa: E402

VIEWPORT = {"width": 360, "height": 740}
TAP_TARGET = 60
SAME_FOR_ANY_N = ("Duyệt tất cả", "Chi trả tất cả", "Giấy khen")


def drive(browser, base_url: str, world: dict, n: int, workdir: Path, skip=()) -> Meter:
    """The whole year once (less the tasks named in `skip`); returns the meter with one Task per step
    (dead ends recorded in them)."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(15_000)  # finding a control; page loads have their own, longer, wait
    try:
        page = context.new_page()
        meter = Meter(page)
        year = steps.Year(meter, world, n, workdir)
        with meter.task("Đăng nhập, đổi người dùng"):
            meter.start(base_url + "/")
        broken = None
        for name, step in steps.YEAR:
            if name in skip:
                continue
            with meter.task(name) as task:
                if broken:  # the year stops at a broken step: what follows depends on it
                    task.dead_ends.append(f"không chạy (sau lỗi ở “{broken}”)")
                    continue
                try:
                    step(year)
                except Exception as err:  # noqa: BLE001 (reported in the table, the bench goes on)
                    broken = name
                    task.dead_ends.append(f"lỗi: {type(err).__name__}: {str(err).splitlines()[0][:200]}")
        return meter
    finally:
        context.close()


def table(meter: Meter, n: int) -> str:
    rows = [("Việc", "Chạm", "Ô nhập", "Trang chậm nhất (ms)")]
    for t in meter.tasks:
        name = t.name + ("  [NGÕ CỤT]" if t.dead_ends else "")
        rows.append((name, str(t.taps), str(t.typed), f"{t.slowest_ms:.0f}"))
    rows.append(("Tổng cộng", str(sum(t.taps for t in meter.tasks)), str(sum(t.typed for t in meter.tasks)),
                 f"{max((t.slowest_ms for t in meter.tasks), default=0):.0f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    line = "-+-".join("-" * w for w in widths)
    out = [f"== Số lần chạm: một năm của xã, N = {n} học sinh (360x740, không JavaScript) ==", line]
    for i, r in enumerate(rows):
        out.append(" | ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0 or i == len(rows) - 2:
            out.append(line)
    notes = [f"  {t.name}: {note}" for t in meter.tasks for note in t.notes]
    dead = [f"  {t.name}: {d}" for t in meter.tasks for d in t.dead_ends]
    return "\n".join(out + (["Ngõ cụt:"] + dead if dead else []) + (["Ghi chú:"] + notes if notes else []))


def taps_of(meter: Meter) -> dict[str, int]:
    return {t.name: t.taps for t in meter.tasks}


def run(ns: list[int]) -> dict[int, Meter]:
    """Each N on its own fresh database; returns the meters by N."""
    from playwright.sync_api import sync_playwright

    from bench.taps_world import live_world
    from tests.browser.pageweight import launch

    meters = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for n in ns:
                with live_world() as (base_url, world), tempfile.TemporaryDirectory(prefix="skh-taps-") as tmp:
                    t0 = time.perf_counter()
                    meters[n] = drive(browser, base_url, world, n, Path(tmp))
                    print(table(meters[n], n), flush=True)
                    print(f"(chạy trong {time.perf_counter() - t0:.0f} s)\n", flush=True)
        finally:
            browser.close()
    return meters


def score(board, meters: dict[int, Meter]) -> None:
    """The scoreboard rows: total taps at the largest N, and the bulk tasks' taps equal across N."""
    big = max(meters)
    total = sum(t.taps for t in meters[big].tasks)
    dead = [f"{t.name}: {d}" for m in meters.values() for t in m.tasks for d in t.dead_ends]
    board.add(f"Số lần chạm cả năm (N = {big})", str(total), f"≤ {TAP_TARGET}", total <= TAP_TARGET and not dead)
    if dead:
        board.add("Bước không làm được qua nhãn hiển thị", "; ".join(sorted(set(dead)))[:200], "0", False)
    if len(meters) > 1:
        for name in SAME_FOR_ANY_N:
            per_n = {n: taps_of(m).get(name) for n, m in sorted(meters.items())}
            value = ", ".join(f"N={n}: {v}" for n, v in per_n.items())
            board.add(f"Chạm cho “{name}” không đổi theo N", value, "bằng nhau",
                      len(set(per_n.values())) == 1 and None not in per_n.values())


def main(argv=None) -> int:
    import logging

    from bench.lib import Scoreboard

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="pupils imported (repeat to compare)")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # access logs and WeasyPrint's font notes would bury the table
    meters = run(args.n or [20, 183])
    board = Scoreboard("Số lần chạm (issue 14 G)")
    score(board, meters)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
