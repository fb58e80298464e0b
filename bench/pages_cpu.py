"""Issue 20 F: what each page of bench/load.py costs in one process, without the network or wrk.

    .venv/bin/python -m bench.pages_cpu [SQLITE_DB]      # the cached province (bench.province) by default
    BENCH_PAGES=donations,nominations BENCH_N=100 ...     # only those pages (bench/load.py keys), N requests each
    BENCH_GC_FREEZE=1 ...                                 # freeze the loaded app first, as gunicorn.conf.py does

Per page, after three warm-up requests: CPU milliseconds a request (the process's own, so a busy
machine moves it less than wall time), the garbage collector's time a request, and its longest
pause. A full collection stops every thread of a gunicorn worker; its length is the figure to
compare (about 120-150 ms for an unfrozen worker on the province seed, 14-46 ms frozen).
The database is a copy, so the cached seed is never written.
"""
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _db_file() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    from bench.province import build

    url, _info, _cached = build()
    return Path(url.removeprefix("sqlite:///"))


class _Pauses:
    """The collector's time, through gc.callbacks."""

    def __init__(self):
        self.total, self.longest, self.full, self._start = 0.0, 0.0, 0, 0.0
        gc.callbacks.append(self._seen)

    def reset(self):
        self.total, self.longest, self.full = 0.0, 0.0, 0

    def _seen(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
            return
        took = time.perf_counter() - self._start
        self.total += took
        self.longest = max(self.longest, took)
        self.full += info["generation"] == 2


def main() -> int:
    source = _db_file()
    info = json.loads(source.with_suffix(".json").read_text())
    tmp = Path(tempfile.mkdtemp(prefix="skh-pages-cpu-"))
    shutil.copyfile(source, tmp / "province.db")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'province.db'}"
    os.environ.setdefault("INSTANCE_PATH", str(tmp / "instance"))
    from app import create_app
    from bench import load
    from bench.server import Client

    app = create_app()
    client = app.test_client()
    html = client.get("/dang-nhap").get_data(as_text=True)
    token = Client.CSRF.search(html).group(1)
    answer = client.post("/dang-nhap", data={"csrf_token": token, "username": info["users"]["treasurer"],
                                             "password": info["password"]})
    assert answer.status_code in (302, 303), answer.status_code
    if os.environ.get("BENCH_GC_FREEZE") == "1":
        gc.collect()
        gc.freeze()
    pauses = _Pauses()
    only = [k for k in os.environ.get("BENCH_PAGES", "").split(",") if k]
    n = int(os.environ.get("BENCH_N", "40"))
    print(f"{'trang':16} {'CPU ms/yêu cầu':>15} {'GC ms/yêu cầu':>14} {'GC dài nhất ms':>15} {'GC toàn phần':>13}")
    try:
        for page in load.pages(info):
            if only and page.key not in only:
                continue
            headers = {"HX-Request": "true"} if page.htmx else {}
            for _ in range(3):
                client.get(page.path, headers=headers)
            pauses.reset()
            start = time.process_time()
            for _ in range(n):
                status = client.get(page.path, headers=headers).status_code
                assert status == 200, (page.path, status)
            cpu = (time.process_time() - start) / n * 1000
            print(f"{page.key:16} {cpu:15.1f} {pauses.total / n * 1000:14.2f} {pauses.longest * 1000:15.1f} "
                  f"{pauses.full:13d}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
