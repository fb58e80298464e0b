"""Issue 17 bench: reading a 10,000-line bank statement, as .xlsx and as .csv.

Run: .venv/bin/python -m bench.bench_statements   (BENCH_LINES=20000, BENCH_LAYOUT=mb to vary)
Writes the statement with app.banking.statements.samples in the bank's layout, then reads it with
read_statement (layout detected from the header row, every guard on) and prints, per format, the
file's size, the seconds of the read and the peak memory the read allocated (tracemalloc, Python
objects only: openpyxl's and the csv module's). The whole import must stay under 30 s (issue 17);
the read is its first step, so it gets a third of that.
"""
import os
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta

from app.banking.statements import read_statement, sample_statement
from app.vn.money import format_number

N_LINES = int(os.environ.get("BENCH_LINES", "10000"))
LAYOUT = os.environ.get("BENCH_LAYOUT", "vcb")
TARGET_SECONDS = 10.0
TARGET_PEAK_MB = 200.0
SURNAMES = ["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO"]
MIDDLE = ["VAN", "THI", "MINH", "NGOC", "DUC", "THANH", "HOANG"]
GIVEN = ["AN", "BINH", "CUONG", "DUNG", "HA", "HUNG", "LAN", "MAI", "NAM", "PHUONG", "QUAN", "TAM", "YEN"]


def lines(n: int, codes: list[str] | None = None, days: int = 365) -> list[tuple]:
    """n lines over `days` from 1 January 2026: nine in ten gifts in (half of them with a payment code:
    one of `codes`, else a made-up one), the rest out. bench.bench_bank_import passes real codes."""
    rnd = random.Random(17)
    start, out = date(2026, 1, 1), []
    for i in range(n):
        day = start + timedelta(days=i * days // n)
        name = f"{rnd.choice(SURNAMES)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        if rnd.random() < 0.9:
            made_up = f"KH26D{rnd.randint(1, 40)}N{rnd.randint(1, 999)}{chr(65 + rnd.randint(0, 22))}"
            code = f" {rnd.choice(codes) if codes else made_up}" if i % 2 else ""
            out.append((day, rnd.randint(1, 200) * 10_000, "in",
                        f"MBVCB.{4500000000 + i}.{rnd.randint(0, 999999):06d}.{name} chuyen tien{code}",
                        f"{5000 + i // 100}.{i:05d}"))
        else:
            out.append((day, rnd.randint(1, 50) * 100_000, "out", f"Chi học bổng cho em {name.title()} lần {i}",
                        f"FT26{i:08d}"))
    return out


def measure(data: bytes, filename: str) -> tuple[float, float, int]:
    """(seconds, peak MB allocated, lines read) of one read_statement."""
    tracemalloc.start()
    t0 = time.perf_counter()
    st = read_statement(data, filename)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return seconds, peak, len(st.lines)


def main() -> int:
    plain = lines(N_LINES)
    failed = False
    for fmt in ("xlsx", "csv"):
        t0 = time.perf_counter()
        data = sample_statement(LAYOUT, plain, account_number="0071000123456", opening_balance=50_000_000, fmt=fmt)
        made = time.perf_counter() - t0
        t0 = time.perf_counter()
        read_statement(data, f"sao-ke.{fmt}")  # untraced: the time without tracemalloc's overhead
        untraced = time.perf_counter() - t0
        seconds, peak, count = measure(data, f"sao-ke.{fmt}")
        ok = untraced <= TARGET_SECONDS and peak <= TARGET_PEAK_MB and count == N_LINES
        failed |= not ok
        print(f"Sao kê {format_number(N_LINES)} dòng ({LAYOUT}) .{fmt}: đọc {untraced:.2f} s "
              f"(dưới tracemalloc {seconds:.2f} s), bộ nhớ đỉnh {peak:.1f} MB, tệp {len(data) // 1024} KB, "
              f"{format_number(count)} dòng đọc được; tạo tệp {made:.2f} s {'OK' if ok else 'FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
