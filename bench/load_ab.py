"""Issue 20 F: the load test's pages before and after a change, measured in one run, interleaved.

    .venv/bin/python -m bench.load_ab BEFORE_TREE AFTER_TREE SQLITE_DB INFO_JSON [POSTGRES_URL]

BEFORE_TREE and AFTER_TREE are two checkouts (e.g. `git archive <commit> | tar -x -C dir`, with
.venv and static/vendor linked in). Each is served by its own gunicorn (3 workers, gunicorn.conf.py)
on its own copy of the seeded province; the AFTER copy gets migration 0035's indexes (the seeded
file was migrated before they existed). For every page of bench/load.py, and the gift POST, wrk
runs at 1 then 10 connections against BEFORE then AFTER, back to back, so both see the same load
on a shared machine. With POSTGRES_URL (a database already holding the province, e.g. copied from
the SQLite file) AFTER runs on a copy made with CREATE DATABASE ... TEMPLATE, indexes added.
Prints one table: page, connections, p50 / p95 / requests per second before and after.
BENCH_SECONDS (5) per wrk run; BENCH_AB_PAGES=key,key runs only those pages ("post": none).
"""
import json
import os
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

from bench import load, server
from bench.server import Client, Gunicorn

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# BENCH_AB_PAGES=donations,nominations: only those pages of bench/load.py (by key); "post": the POST only.
# BENCH_AB_PG_ONLY=1 (with POSTGRES_URL): the PostgreSQL pair only. DATABASE_ROLE=skh_app: as a deployment.
ONLY = [k for k in os.environ.get("BENCH_AB_PAGES", "").split(",") if k]


def _indexes() -> list[tuple[str, str, list[str]]]:
    spec = {}
    exec((Path(__file__).resolve().parents[1] / "migrations/versions/0035_load_lists.py").read_text()
         .split("def upgrade")[0].replace("from alembic import op", ""), spec)
    return spec["INDEXES"]


def _add_indexes(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        for name, table, cols in _indexes():
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(cols)})"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    engine.dispose()


def _pg_copy(url: str, suffix: str) -> str:
    from sqlalchemy import create_engine, text

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = create_engine(parts._replace(path="/postgres").geturl(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}{suffix}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}{suffix}" TEMPLATE "{name}"'))
    admin.dispose()
    return parts._replace(path=f"/{name}{suffix}").geturl()


def _serve(tree: Path, url: str) -> Gunicorn:
    server.ROOT = tree  # bench.server reads it when it starts gunicorn (cwd and gunicorn.conf.py)
    return Gunicorn("wsgi:app", url)


def _side(srv: Gunicorn, info: dict) -> dict:
    treasurer = Client(srv.url).login(info["users"]["treasurer"], info["password"])
    clerk = Client(srv.url).login(info["users"]["commune"], info["password"])
    path, body = load._post_body(clerk, info)
    return {"srv": srv, "get": treasurer.cookie_header, "post": clerk.cookie_header, "post_body": body,
            "client": treasurer}


def run(before: Path, after: Path, urls: tuple[str, str], info: dict, tag: str) -> list[tuple]:
    rows = []
    with _serve(before, urls[0]) as b_srv, _serve(after, urls[1]) as a_srv:
        sides = [_side(b_srv, info), _side(a_srv, info)]
        for page in [p for p in load.pages(info) if not ONLY or p.key in ONLY]:
            headers = {"HX-Request": "true"} if page.htmx else {}
            for s in sides:
                for _ in range(6):  # every worker compiles its templates and fills its caches
                    status, _body, _ = s["client"].request(page.path, headers=headers)
                    if status != 200:
                        raise RuntimeError(f"{s['srv'].url}{page.path}: HTTP {status}")
            for conns in (1, 10):
                r = [load.wrk(s["srv"].url + page.path, conns, SECONDS, load.SCRIPTS / "get.lua",
                              {"BENCH_COOKIE": s["get"], "BENCH_HTMX": "1" if page.htmx else "0"}) for s in sides]
                rows.append((tag + page.label, conns, *r))
                _print(rows[-1])
        for conns in (1, 10):
            r = [load.wrk(s["srv"].url + "/quyen-gop/nhap", conns, SECONDS, load.SCRIPTS / "donation_post.lua",
                          {"BENCH_COOKIE": s["post"], "BENCH_POST_PATH": "/quyen-gop/nhap",
                           "BENCH_POST_BODY": s["post_body"]}) for s in sides]
            rows.append((tag + "Nhập khoản quyên góp (POST htmx)", conns, *r))
            _print(rows[-1])
    return rows


def _fmt(r: dict) -> str:
    errors = r["errors"] + r["status_errors"]
    return f"{r['p50']:6.1f} {r['p95']:7.1f} {r['rps']:5.0f}" + (f" lỗi {errors}" if errors else "")


def _print(row) -> None:
    label, conns, b, a = row
    print(f"{label[:62]:62} {conns:>2} | {_fmt(b)} | {_fmt(a)}", flush=True)


def main() -> int:
    before, after, sqlite_db, info_file = (Path(a) for a in sys.argv[1:5])
    pg = sys.argv[5] if len(sys.argv) > 5 else None
    info = json.loads(info_file.read_text())
    print(f"{'trang':62} kn | trước: p50 ms, p95 ms, req/s | sau: p50 ms, p95 ms, req/s", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="skh-bench-ab-"))
    rows = []
    try:
        copies = []
        for side in ("before", "after"):
            dst = tmp / side / "province.db"
            dst.parent.mkdir()
            shutil.copyfile(sqlite_db, dst)
            copies.append(f"sqlite:///{dst}")
        _add_indexes(copies[1])
        if not (pg and os.environ.get("BENCH_AB_PG_ONLY") == "1"):
            rows += run(before, after, tuple(copies), info, "")
        if pg:
            pg_after = _pg_copy(pg, "_after")
            _add_indexes(pg_after)
            rows += run(before, after, (pg, pg_after), info, "[PostgreSQL] ")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = tmp.with_suffix(".json")
    out.write_text(json.dumps(rows, ensure_ascii=False, default=str))
    print(f"kết quả thô: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
