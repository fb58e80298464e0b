"""Issue 20 E: the product at national scale on PostgreSQL, measured.

    .venv/bin/python -m bench.national                 # seed (cached) skh_national, measure, scoreboard
    BENCH_NATIONAL_FRACTION=0.01 .venv/bin/python -m bench.national     # a hundredth, for development
    BENCH_SCALE=national .venv/bin/python -m bench     # the same from `make bench`

1. The seed (bench/national_seed.py): its time, per stage; the books check on a sample commune.
2. gunicorn (gunicorn.conf.py, 3 workers) on the national database, wrk at 10 connections: a
   commune's gift list (filtered), pupils, members and dashboard (p95 < 100 ms); a province's
   dashboard and roll-up, warm (p95 < 200 ms).
3. In the app (Flask's client, the report cache emptied before each request: "cold", PostgreSQL's
   buffers as the warm runs left them): a province's dashboard and roll-up (< 2 s), the national
   roll-up (< 5 s); a commune's year report PDF beside the same PDF on the province seed.
4. Disk used (pg_database_size, the largest tables); the slowest statements of the cold runs with
   their EXPLAIN (ANALYZE, BUFFERS) plans.
5. A merge of two communes (app.units.merging) previewed and confirmed, rolled back, when it exists.
"""
import os
import sys
import time
import urllib.parse

from bench.lib import Scoreboard, percentiles

SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
COMMUNE_MS, WARM_MS, PROVINCE_COLD_MS, NATIONAL_COLD_MS, SEED_MINUTES = 100, 200, 2000, 5000, 30
YEAR = 2026


ROLE = os.environ.get("BENCH_DATABASE_ROLE", "skh_app")  # "" measures as the owner (no row policies)


def _role(url: str) -> str:
    """The app's role (migration 0037) when the database has it: measured as deployed, row policies on."""
    if not ROLE or not url.startswith("postgresql"):
        return ""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(r)s", {"r": ROLE}).first()
    engine.dispose()
    return ROLE if found else ""


def _app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                       "DATABASE_ROLE": _role(url)})


def _login(client, username: str, password: str) -> None:
    resp = client.post("/dang-nhap", data={"username": username, "password": password})
    assert resp.status_code in (302, 303), (username, resp.status_code)


class SlowLog:
    """Every statement's time (SQLAlchemy events) while on; the slowest distinct ones afterwards."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.on, self.seen = engine, False, {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, _cursor, _statement, _params, _context, _many):
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn, _cursor, statement, params, _context, many):
        if self.on and not many and statement.lstrip().upper().startswith("SELECT"):
            from app.core import rls

            ms = (time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())) * 1000
            if ms > self.seen.get(statement, (0,))[0]:
                self.seen[statement] = (ms, (params, rls.current()))  # the row policies' scope too

    def slowest(self, n: int = 5) -> list[tuple[float, str, object]]:
        return sorted(((ms, s, p) for s, (ms, p) in self.seen.items()), key=lambda t: -t[0])[:n]

    def explain(self, statement: str, params) -> str:
        params, (scope, cross) = params
        with self.engine.connect() as conn:  # the plan under the scope the statement ran in
            conn.exec_driver_sql("SELECT set_config('skh.scope', %(s)s, true), set_config('skh.cross', %(c)s, true)",
                                 {"s": scope, "c": cross})
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).all()
            conn.rollback()
        return "\n".join(r[0] for r in rows)


def cold(app, info: dict, board: Scoreboard) -> dict:
    """The cold roll-ups and the commune's PDF in the app; returns the slow-statement log."""
    from app.extensions import db
    from app.reports.cache import store

    out = {}
    # Requests run outside any app context of ours: one held open would keep flask_login's user
    # (and the request's g) from one request to the next.
    with app.app_context():
        log = SlowLog(db.engine)
    users = info["users"]
    cases = [("province", "Bảng điều khiển tỉnh (lần đầu, cache trống)", f"/?ky={YEAR}", PROVINCE_COLD_MS),
             ("province", "Tổng hợp theo xã của tỉnh (lần đầu, cache trống)",
              f"/bao-cao/tong-hop?don_vi={info['province_id']}&ky={YEAR}", PROVINCE_COLD_MS),
             ("national", "Tổng hợp toàn quốc theo tỉnh (lần đầu, cache trống)",
              f"/bao-cao/tong-hop?don_vi={info['root_id']}&ky={YEAR}", NATIONAL_COLD_MS)]
    clients = {}
    for who, label, path, target in cases:
        if who not in clients:
            clients[who] = app.test_client()
            _login(clients[who], users[who], info["password"])
        samples = []
        log.on = True
        for _ in range(3):
            with app.app_context():
                store().clear()
            t = time.perf_counter()
            resp = clients[who].get(path)
            samples.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200, (path, resp.status_code)
        log.on = False
        worst = max(samples)
        out[label] = samples
        board.add(label, f"{min(samples):.0f} / {worst:.0f} ms (nhanh nhất / chậm nhất, 3 lần)",
                  f"< {target / 1000:g} s", worst < target)
    client = app.test_client()
    _login(client, users["commune"], info["password"])
    out["pdf"] = _pdf_ms(client, f"/bao-cao/tong-ket.pdf?don_vi={info['commune_id']}&ky={YEAR}")
    with app.app_context():
        out["slow"] = [(ms, s, p, log.explain(s, p)) for ms, s, p in log.slowest()]
    return out


def _pdf_ms(client, path: str) -> float:
    client.get(path)  # fonts and templates loaded once per process
    samples = []
    for _ in range(5):
        t = time.perf_counter()
        resp = client.get(path)
        samples.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200 and resp.mimetype == "application/pdf", (path, resp.status_code)
    return percentiles(samples)[0]


def province_pdf_ms() -> float | None:
    """The same commune PDF on the province seed (SQLite, cached by bench/province.py), if built."""
    from bench import province

    db_file = province.cache_dir() / f"province-{province.seed_hash()}{'-quick' if province.QUICK else ''}.db"
    info_file = db_file.with_suffix(".json")
    if not (db_file.exists() and info_file.exists()):
        return None
    import json

    info = json.loads(info_file.read_text())
    app = _app(f"sqlite:///{db_file}")
    client = app.test_client()
    _login(client, info["users"]["commune"], info["password"])
    return _pdf_ms(client, f"/bao-cao/tong-ket.pdf?don_vi={info['commune_id']}&ky={YEAR}")


def warm_up(url: str, env: dict, target: float, tries: int = 8) -> None:
    """Unmeasured runs at 10 connections until the slowest answer is under twice the target.

    Each gunicorn worker keeps its own report cache (app.reports.cache), and a few requests in a
    row may all land on one worker: "warm" means every worker has answered the page once, so the
    measured run does not time the other workers' first, cold answers (4.1 s measured that way)."""
    from bench.load import SCRIPTS, wrk

    for _ in range(tries):
        r = wrk(url, 10, 3, SCRIPTS / "get.lua", env)
        if r["requests"] and r.get("max_us", r["p95_us"]) / 1000 < 2 * target:
            return


def under_load(url: str, info: dict, board: Scoreboard) -> dict:
    from bench.load import SCRIPTS, wrk
    from bench.server import Client, Gunicorn

    q = urllib.parse.quote
    c, p = info["commune_id"], info["province_id"]
    pages = [("commune", "Xã: danh sách quyên góp lọc 'nguyen'", "/quyen-gop/?nguoi=nguyen", COMMUNE_MS, False),
             ("commune", "Xã: danh sách quyên góp, trang 20", "/quyen-gop/?trang=20", COMMUNE_MS, False),
             ("commune", "Xã: học sinh, tìm không dấu (htmx)", f"/hoc-sinh/?q={q('nguyen thi')}", COMMUNE_MS, True),
             ("commune", "Xã: hội viên", "/hoi-vien/", COMMUNE_MS, False),
             ("commune", "Xã: bảng điều khiển", "/", COMMUNE_MS, False),
             ("province", "Tỉnh: bảng điều khiển (có cache)", f"/?ky={YEAR}", WARM_MS, False),
             ("province", "Tỉnh: tổng hợp theo xã (có cache)", f"/bao-cao/tong-hop?don_vi={p}&ky={YEAR}", WARM_MS,
              False),
             ("commune", "Xã: báo cáo tổng kết năm (trang)", f"/bao-cao/tong-ket?don_vi={c}&ky={YEAR}", WARM_MS,
              False)]
    out = {}
    with Gunicorn("wsgi:app", url, env={"DATABASE_ROLE": _role(url)}) as srv:
        cookies = {who: Client(srv.url).login(info["users"][who], info["password"]).cookie_header
                   for who in ("commune", "province")}
        for who, label, path, target, htmx in pages:
            client = Client(srv.url)
            headers = {"Cookie": cookies[who], **({"HX-Request": "true"} if htmx else {})}
            status, _body, _ = client.request(path, headers=headers)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            env = {"BENCH_COOKIE": cookies[who], "BENCH_HTMX": "1" if htmx else "0"}
            warm_up(srv.url + path, env, target)
            r = wrk(srv.url + path, 10, SECONDS, SCRIPTS / "get.lua", env)
            errors = r["errors"] + r["status_errors"] + (0 if r["requests"] else 1)  # none answered in time: failed
            out[label] = r
            board.add(f"{label}, 10 kết nối", f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, {r['rps']:.0f} req/s"
                      + (f", lỗi {errors}" if errors else ""), f"p95 < {target} ms", r["p95"] < target and not errors)
    return out


def disk(url: str, board: Scoreboard) -> list:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        tables = conn.exec_driver_sql(
            "SELECT relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid) FROM pg_class c "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 8").all()
    engine.dispose()
    board.add("Dung lượng cơ sở dữ liệu (pg_database_size)", f"{total / 2**30:.1f} GB")
    board.add("Bảng lớn nhất (tổng / riêng dữ liệu)", ", ".join(
        f"{name} {t / 2**30:.1f}/{h / 2**30:.1f} GB" for name, t, h in tables[:5]))
    return [(name, int(t), int(h)) for name, t, h in tables]


def merge(app, info: dict, board: Scoreboard) -> None:
    """Preview and confirm a merge of the sample commune with its neighbour, then roll it back."""
    try:
        from app.units import merging
    except ImportError:
        board.add("Sáp nhập hai xã (xem trước + xác nhận)", "chưa có app.units.merging")
        return
    from app.core.db import write_mode
    from app.extensions import db
    from app.units.models import Unit
    from app.users.models import User

    from app.core import rls

    with app.app_context(), rls.unit_scope(db.session.get(Unit, info["province_id"]).path):  # as its admin
        province = db.session.get(Unit, info["province_id"])
        communes = [u for u in province.children if u.kind == "commune"][:2]
        if len(communes) < 2:  # a small fraction has one commune a province
            board.add("Sáp nhập hai xã (xem trước + xác nhận)", "bỏ qua: tỉnh mẫu chỉ có một xã")
            return
        actor = db.session.scalar(db.select(User).where(User.username == info["users"]["province"]))
        from datetime import date

        t0 = time.perf_counter()
        with write_mode():
            m = merging.propose(province, communes[1:], target=communes[0], new_name=None,
                                effective_on=date(YEAR, 12, 1), numbering="continue", actor=actor)
            t1 = time.perf_counter()
            merging.preview(m)
            t2 = time.perf_counter()
            merging.confirm(m, actor)
            db.session.flush()
            t3 = time.perf_counter()
            db.session.rollback()
        board.add("Sáp nhập hai xã: đề xuất / xem trước / xác nhận (rồi hoàn tác)",
                  f"{(t1 - t0) * 1000:.0f} / {(t2 - t1) * 1000:.0f} / {(t3 - t2) * 1000:.0f} ms")


def run(board: Scoreboard) -> dict:
    from bench import national_seed

    url, info, cached = national_seed.build()
    s = info["sizes"]
    minutes = info["seconds"] / 60
    board.add(f"Nạp dữ liệu toàn quốc (COPY): {s['provinces']} tỉnh, {s['communes']:,} xã, {s['branches']:,} chi hội, "
              f"{s['gifts']:,} khoản quyên góp, {s['pupils']:,} học sinh, {s['members']:,} hội viên",
              f"{minutes:.1f} phút" + (" (đo khi nạp, dùng lại)" if cached else ""), f"< {SEED_MINUTES} phút",
              minutes < SEED_MINUTES)
    for label, seconds, rows in info["stages"]:
        board.add(f"  {label}", f"{seconds:.0f} s" + (f", {rows:,} dòng" if rows else ""))
    results = {"seed": info}
    role = _role(url)
    board.add("Vai trò kết nối của ứng dụng", f"{role} (chính sách hàng bật)" if role else "chủ sở hữu bảng (không chính sách hàng)")
    findings, scope, seconds = national_seed.books_check(info)
    board.add(f"Kiểm tra sổ sách ({scope})", f"{findings} phát hiện ({seconds:.0f} s)", "0", findings == 0)
    results["load"] = under_load(url, info, board)
    app = _app(url)
    results["cold"] = cold(app, info, board)
    pdf = results["cold"]["pdf"]
    ref = province_pdf_ms()
    board.add("PDF báo cáo tổng kết năm của một xã (p50)",
              f"{pdf:.0f} ms" + (f"; trên dữ liệu tỉnh {ref:.0f} ms" if ref else "; chưa có dữ liệu tỉnh để so"),
              "không chậm hơn dữ liệu tỉnh quá 20 %", (pdf <= ref * 1.2 + 20) if ref else None)
    results["disk"] = disk(url, board)
    merge(app, info, board)
    print("\n== Câu lệnh chậm nhất (lần đầu, cache trống) và kế hoạch thực thi ==")
    for ms, statement, params, plan in results["cold"]["slow"]:
        print(f"\n-- {ms:.0f} ms\n{statement.strip()[:1500]}\n-- tham số, phạm vi: {str(params)[:300]}\n{plan}")
    return results


def main() -> int:
    import logging

    logging.disable(logging.INFO)
    board = Scoreboard(f"Quy mô toàn quốc (BENCH_NATIONAL_FRACTION={os.environ.get('BENCH_NATIONAL_FRACTION', '1')})")
    run(board)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
