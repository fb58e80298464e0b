"""Shared helpers for the benchmark scripts: a migrated scratch database, timing, one table."""
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextmanager
def scratch_app(url: str | None = None):
    """An app on a fresh database built by the migrations (SQLite file unless BENCH_DATABASE_URL).

    The scratch folder (database, secret key) is removed afterwards.
    """
    tmp = tempfile.mkdtemp(prefix="skh-bench-")
    os.environ["INSTANCE_PATH"] = tmp
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    url = url or os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False})
    try:
        with app.app_context():
            if url.startswith("postgresql"):
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade(revision="heads")
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    samples = sorted(samples_ms)
    p50 = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return p50, p95


def time_get(client, url: str, n: int = 60, warmup: int = 5, **kw) -> tuple[float, float]:
    """p50/p95 in ms of the app's own handling of GET url (in-process, no network)."""
    for _ in range(warmup):
        resp = client.get(url, **kw)
        assert resp.status_code == 200, (url, resp.status_code)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url, **kw)
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


class Scoreboard:
    """Rows of (figure, value, target, pass) printed as one table."""

    def __init__(self, title: str):
        self.title, self.rows = title, []

    def add(self, figure: str, value: str, target: str = "", ok: bool | None = None):
        if isinstance(target, bool) and ok is None:  # add(figure, value, ok): no target text
            target, ok = "", target
        target = str(target)
        self.rows.append((figure, value, target, "" if ok is None else ("đạt" if ok else "KHÔNG ĐẠT")))
        print(f"  {figure}: {value} {('(mục tiêu ' + target + ')') if target else ''}", flush=True)

    def print(self):
        rows_file = os.environ.get("BENCH_ROWS_FILE")
        if rows_file:  # `python -m bench` gathers every bench's rows into one scoreboard
            import json

            with open(rows_file, "a", encoding="utf-8") as fh:
                for figure, value, target, result in self.rows:
                    fh.write(json.dumps({"title": self.title, "figure": figure, "value": value, "target": target,
                                         "result": result}, ensure_ascii=False) + "\n")
        widths = [max(len(str(r[i])) for r in self.rows + [("Chỉ số", "Giá trị", "Mục tiêu", "Kết quả")])
                  for i in range(4)]
        line = "+".join("-" * (w + 2) for w in widths)
        print(f"\n== {self.title} ==")
        print(line)
        for row in [("Chỉ số", "Giá trị", "Mục tiêu", "Kết quả")] + self.rows:
            print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))
        print(line, flush=True)
        return all(r[3] != "KHÔNG ĐẠT" for r in self.rows)
