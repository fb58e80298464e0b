"""Issue 6 bench: the donation export of a whole province (200,000 rows) as .xlsx and as CSV.

Run: .venv/bin/python -m bench.bench_exports   (BENCH_DONATIONS=20000 or BENCH_QUICK=1 for a quick run)
Seeds the donations like bench/bench_money.py (through the services' bulk path), then downloads
/quyen-gop/xuat.xlsx as a province user in-process, reading the body as it is streamed, and reports
for each format the seconds, the size, the rows found in the file, and the peak memory (RSS) of the
process during the download next to the memory before it.
"""
import io
import os
import random
import re
import sys
import time
import zipfile

from bench.lib import Scoreboard, scratch_app

QUICK = os.environ.get("BENCH_QUICK") == "1"
N_DONATIONS = int(os.environ.get("BENCH_DONATIONS", "20000" if QUICK else "200000"))
# Targets for 200,000 rows (scaled to the rows seeded). An .xlsx sends nothing until it is built,
# so it must be done within a proxy's usual read timeout (nginx proxy_read_timeout: 60 s); CSV
# streams from the first row, 60 s is the time a user waits for a list. Memory must not grow with
# the list: what the process holds on top of the body must stay small.
TARGET_SECONDS = {"xlsx": 60.0, "csv": 60.0}
TARGET_EXTRA_MB = 150.0


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak RSS of this process (VmHWM) so the next reading covers one download."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    hwm = _status_kb("VmHWM")
    if hwm is None:
        import resource

        hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return hwm / 1024


def _download(client, url: str) -> tuple[float, bytes]:
    """(seconds, body) of a GET, the body read chunk by chunk as the app streams it."""
    start = time.perf_counter()
    resp = client.get(url, buffered=False)
    assert resp.status_code == 200, (url, resp.status_code)
    out = io.BytesIO()
    try:
        for piece in resp.response:
            out.write(piece)
    finally:
        resp.close()
    return time.perf_counter() - start, out.getvalue()


def _xlsx_rows(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        count, tail = 0, b""
        with zf.open(sheet) as fh:
            while block := fh.read(1 << 20):
                count += len(re.findall(rb"<row[ >]", tail + block))
                tail = block[-4:]  # "<row " is 5 bytes: a match is never inside the tail alone
        return count - 1  # the header


def main():
    from bench import bench_money
    from bench.bench_money import seed

    bench_money.N_DONATIONS = N_DONATIONS  # its seed reads its own size (BENCH_DONATIONS only)
    rng = random.Random(2026)
    board = Scoreboard(f"Xuất danh sách quyên góp: {N_DONATIONS:,} khoản của cả tỉnh")
    with scratch_app() as app:
        from app.extensions import db
        from app.units.models import Unit
        from app.users.services import create_user

        _, seconds = seed(app, rng)
        board.add("Thời gian nạp dữ liệu", f"{seconds:.0f} s")
        province = db.session.scalar(db.select(Unit).where(Unit.parent_id.is_(None)))
        create_user(username="xem_tinh_bench", full_name="Trần Thị Xem", unit=province, role="viewer",
                    password="Bench-mark-2026", must_change_password=False)
        db.session.commit()
        db.session.remove()
        client = app.test_client()
        resp = client.post("/dang-nhap", data={"username": "xem_tinh_bench", "password": "Bench-mark-2026"})
        assert resp.status_code in (302, 303), resp.status_code
        scale = N_DONATIONS / 200_000
        for fmt in ("xlsx", "csv"):
            before = (_status_kb("VmRSS") or 0) / 1024
            exact = _reset_peak()
            secs, body = _download(client, "/quyen-gop/xuat.xlsx" + ("?format=csv" if fmt == "csv" else ""))
            peak = _peak_mb()
            rows = _xlsx_rows(body) if fmt == "xlsx" else body.count(b"\r\n") - 1
            target = TARGET_SECONDS[fmt] * scale
            board.add(f"Xuất {fmt.upper()}: thời gian", f"{secs:.1f} s ({rows / secs:,.0f} dòng/giây)",
                      f"< {target:.0f} s", secs < target)
            board.add(f"Xuất {fmt.upper()}: số dòng trong tệp", f"{rows:,} ({len(body) / 1e6:.1f} MB)",
                      f"= {N_DONATIONS:,}", rows == N_DONATIONS)
            # The body itself is held here by the bench (the app streams it); it is left out of the figure.
            extra = peak - before - len(body) / 2**20
            board.add(f"Xuất {fmt.upper()}: bộ nhớ đỉnh (RSS)",
                      f"{peak:.0f} MB, trước khi xuất {before:.0f} MB, tăng {extra:.0f} MB không kể tệp"
                      + ("" if exact else " (đỉnh của cả tiến trình)"),
                      f"tăng < {TARGET_EXTRA_MB:.0f} MB", extra < TARGET_EXTRA_MB)
            del body
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
