"""`make bench`: the whole product measured at province size, ending with one scoreboard.

    .venv/bin/python -m bench          # BENCH_QUICK=1: a tenth of the data, shorter runs
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python -m bench   # also on PostgreSQL

1. Seed the province (bench/province.py; cached between runs by the hash of the seed code).
2. Load: gunicorn (3 workers, gunicorn.conf.py) driven by wrk at 1 and 10 connections, beside a bare
   Flask route of the same size; peak memory of each worker (bench/load.py).
3. Page weight in Chromium and the htmx swaps (bench/weight.py).
4. Lighthouse, mobile preset (bench/lighthouse.py).
5. The tap budget: the commune's year at 360 px, JavaScript off, through visible labels (bench/taps.py).
6. The earlier benches as they are (money, scholarships, print), their figures gathered here.
BENCH_SCALE=national measures the national seed instead (bench/national.py, issue 20 E).
Every figure lands in one table (figure, value, target, đạt / KHÔNG ĐẠT) printed at the end; the
raw results go to $BENCH_CACHE/last-results.json. The exit code is 1 when a target is missed.
"""
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

from bench.lib import ROOT, Scoreboard

TOTAL_MINUTES = 20
EARLIER = [
    ("Quỹ (issue 3)", [sys.executable, "-m", "bench.bench_money"]),
    ("Học bổng (issue 4)", [sys.executable, "scripts/bench_scholarships.py"]),
    ("In ấn (issue 5)", [sys.executable, "bench/bench_print.py"]),
    ("Báo cáo (issue 6)", [sys.executable, "-m", "bench.bench_reports"]),
    ("Xuất danh sách (issue 6)", [sys.executable, "-m", "bench.bench_exports"]),
    ("Sao kê ngân hàng (issue 17)", [sys.executable, "-m", "bench.bench_bank_import"]),
    ("Xác minh giấy tờ (issue 18)", [sys.executable, "-m", "bench.bench_verify"]),
    ("Giấy khen có mã xác minh (issue 18)", [sys.executable, "-m", "bench.bench_cert_qr"]),
]
_LINE = re.compile(r"^(?P<figure>[^:]+): (?P<value>.*?)\s*(?P<verdict>OK|SLOW|FAILED|\(OK\)|\(FAILED\))?$")


def _section(board: Scoreboard, name: str, fn):
    print(f"\n### {name}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    try:
        return fn()
    except Exception as err:  # one broken section must not hide the others' figures
        traceback.print_exc()
        board.add(name, f"lỗi: {type(err).__name__}: {str(err)[:160]}", "chạy hết", False)
        return None
    finally:
        print(f"### {name}: {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)


def _earlier(board: Scoreboard, label: str, cmd: list[str]) -> None:
    """Run an earlier bench unchanged; take its rows (Scoreboard) or its summary lines."""
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as fh:
        rows_file = fh.name
    try:
        env = dict(os.environ, BENCH_ROWS_FILE=rows_file)
        if os.environ.get("BENCH_QUICK") == "1":
            env.setdefault("BENCH_DONATIONS", "20000")
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        with open(rows_file, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        for r in rows:
            board.rows.append((f"[{label}] {r['figure']}", r["value"], r["target"], r["result"]))
        if not rows:  # scripts/bench_scholarships.py prints "figure: value ... OK|SLOW" lines
            for line in proc.stdout.splitlines():
                m = _LINE.match(line.strip())
                if m and not line.startswith(" "):
                    verdict = (m["verdict"] or "").strip("()")
                    target = re.search(r"\(target ([^)]*)\)", m["value"])
                    board.rows.append((f"[{label}] {m['figure']}", re.sub(r"\s*\(target [^)]*\)", "", m["value"]),
                                       target.group(1) if target else "",
                                       {"OK": "đạt", "SLOW": "KHÔNG ĐẠT", "FAILED": "KHÔNG ĐẠT"}.get(verdict, "")))
        if proc.returncode not in (0, 1) or not any(r[0].startswith(f"[{label}]") for r in board.rows):
            board.add(f"[{label}] chạy", f"thoát với mã {proc.returncode}, không có số liệu", "có số liệu", False)
    finally:
        os.unlink(rows_file)


def national() -> int:
    """BENCH_SCALE=national: the national seed on PostgreSQL and its figures (bench/national.py),
    beside the province seed's (built or reused, for the year report PDF's comparison)."""
    from bench import national as nat, province

    logging.disable(logging.INFO)
    board = Scoreboard("Sổ Khuyến Học: bảng điểm `make bench`, quy mô toàn quốc (BENCH_SCALE=national)")
    _section(board, "Nạp dữ liệu tỉnh (để so PDF)", province.build)
    results = _section(board, "Quy mô toàn quốc", lambda: nat.run(board))
    try:
        (province.cache_dir() / "last-results-national.json").write_text(
            json.dumps({"rows": board.rows, "results": results}, ensure_ascii=False, indent=1, default=str))
    except OSError:
        pass
    return 0 if board.print() else 1


def main() -> int:
    if os.environ.get("BENCH_SCALE") == "national":
        return national()
    from bench import lighthouse, load, province, weight

    logging.disable(logging.INFO)  # migrations and access logs would bury the figures
    t0 = time.perf_counter()
    quick = os.environ.get("BENCH_QUICK") == "1"
    board = Scoreboard("Sổ Khuyến Học: bảng điểm `make bench`" + (" (BENCH_QUICK: 1/10 dữ liệu)" if quick else ""))
    results = {}

    def seed():
        url, info, cached = province.build()
        s = province.SIZES
        board.add(f"Nạp dữ liệu tỉnh: {s['communes']} xã, {s['communes'] * s['branches_per_commune']} chi hội, "
                  f"{s['donations']:,} khoản quyên góp, {s['piggy_banks']:,} heo, {s['pupils']:,} học sinh, "
                  f"{s['nominations']:,} đề cử, {s['honorees']:,} khen thưởng, {s['members']:,} hội viên",
                  f"{info['seconds']:.0f} s" + (" (đo khi nạp, dùng lại từ bộ nhớ đệm)" if cached else ""),
                  "< 180 s", info["seconds"] < 180)
        return url, info

    seeded = _section(board, "Nạp dữ liệu tỉnh", seed)
    if seeded:
        url, info = seeded
        results["load"] = _section(board, "Tải (SQLite)", lambda: load.run(board, url, info))
        pg = os.environ.get("BENCH_DATABASE_URL")
        if pg:
            def on_pg():
                pg_url, pg_info, _ = province.build(pg=pg)
                board.add("[PostgreSQL] Nạp dữ liệu tỉnh", f"{pg_info['seconds']:.0f} s", "< 180 s",
                          pg_info["seconds"] < 180)
                return load.run(board, pg_url, pg_info, "[PostgreSQL] ")
            results["load_pg"] = _section(board, "Tải (PostgreSQL)", on_pg)
        post_swap = (results.get("load") or {}).get("post_swap_bytes")
        weights = _section(board, "Trọng lượng trang", lambda: weight.run(board, url, info, post_swap))
        results["weight"] = {k: (v if isinstance(v, int) else vars(v)) for k, v in (weights or {}).items()}
        results["lighthouse"] = _section(board, "Lighthouse", lambda: lighthouse.run(board, url, info))

    def tap_budget():  # issue 14 G: the commune's year through the visible labels, N = 20 and 183
        from bench import taps

        taps.score(board, taps.run([20, 183]))
    _section(board, "Số lần chạm", tap_budget)
    for label, cmd in EARLIER:
        _section(board, label, lambda: _earlier(board, label, cmd))
    minutes = (time.perf_counter() - t0) / 60
    board.add("`make bench` trọn gói", f"{minutes:.1f} phút", f"< {TOTAL_MINUTES} phút", minutes < TOTAL_MINUTES)
    try:
        (province.cache_dir() / "last-results.json").write_text(
            json.dumps({"rows": board.rows, "results": results}, ensure_ascii=False, indent=1, default=str))
    except OSError:
        pass
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
