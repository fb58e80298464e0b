"""Issue 8: the main pages under gunicorn (3 workers, gunicorn.conf.py) driven by wrk over loopback.

    .venv/bin/python -m bench.load        # seeds (or reuses) the province, prints the table

For each page: p50, p95 and requests/s at 1 and 10 connections; the same for a bare Flask route
(bench/bare_app.py, same gunicorn settings) answering the page's byte count, and the ratio of the
two throughputs; then the peak memory of every worker. The database file is a copy of the cached
province, so the donation POSTs never touch the cache.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.lib import ROOT, Scoreboard
from bench.province_seed import YEAR
from bench.server import Client, Gunicorn

SECONDS = int(os.environ.get("BENCH_SECONDS", "3" if os.environ.get("BENCH_QUICK") == "1" else "5"))
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SCRIPTS = ROOT / "bench" / "wrk"
LIST_P95_MS, REPORT_P95_MS, RATIO, WORKER_MB = 50.0, 200.0, 0.6, 150.0


@dataclass
class Page:
    key: str
    label: str
    path: str
    kind: str  # "list" (p95 < 50 ms, ratio >= 0.6), "report" (p95 < 200 ms), "post"
    htmx: bool = False


def pages(info: dict) -> list[Page]:
    q = urllib.parse.quote
    return [
        Page("dashboard", "Trang chủ (bảng điều khiển)", "/", "report"),
        Page("donations", "Danh sách quyên góp, lọc 'nguyen', trang 50", "/quyen-gop/?nguoi=nguyen&trang=50", "list"),
        Page("pupil_search", "Tìm học sinh không dấu (htmx)", f"/hoc-sinh/?q={q('nguyen thi anh')}", "list", True),
        Page("campaign", "Trang đợt vận động", f"/dot-van-dong/{info['campaign_id']}", "report"),
        Page("fund", "Sổ quỹ", f"/quy/{info['fund_id']}", "list"),
        Page("nominations", "Danh sách đề cử (đợt 10.000 đề cử)", f"/hoc-bong/{info['round_id']}", "list"),
        Page("honorees", "Danh sách khen thưởng (quyết định)", f"/khen-thuong/quyet-dinh/{info['decision_id']}",
             "list"),
        # Issue 19: the province's 300,000 members, the lapsed list and the counts (the dashboard above
        # opens with them; the year report too).
        Page("members", "Hội viên toàn tỉnh, tìm không dấu (htmx)", f"/hoi-vien/?q={q('nguyen thi anh')}", "list",
             True),
        Page("members_filter", "Hội viên toàn tỉnh, lọc nghề và năm, trang 20",
             f"/hoi-vien/?nghe=veteran&nam={YEAR}&trang=20", "list"),
        Page("members_ended", "Hội viên đã ra hội năm nay (toàn tỉnh)",
             f"/hoi-vien/?trang_thai=ra&ra_nam={YEAR}", "list"),
        Page("lapsed", "Hội viên chưa đóng hội phí (toàn tỉnh)", "/hoi-vien/hoi-phi/chua-dong", "list"),
        Page("lapsed_commune", "Hội viên chưa đóng hội phí (một xã)",
             f"/hoi-vien/hoi-phi/chua-dong?don_vi={info['commune_id']}", "list"),
        Page("year_report", "Báo cáo tổng kết năm (số liệu tổ chức)", f"/bao-cao/tong-ket?ky={YEAR}",
             "report"),
    ]


def wrk(url: str, conns: int, seconds: int, script: Path, env: dict) -> dict:
    """One wrk run; the JSON line printed by bench/wrk/report.lua, plus derived figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script.read_text() + "\n" + (SCRIPTS / "report.lua").read_text())
        lua = fh.name
    try:
        out = subprocess.run([WRK, "-t1", f"-c{conns}", f"-d{seconds}s", "--timeout", "10s", "-s", lua, url],
                             env=dict(os.environ, **env), capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua)
    found = re.search(r"BENCH_JSON (\{.*\})", out)
    if not found:
        raise RuntimeError("wrk printed no result:\n" + out)
    r = json.loads(found.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["p50"], r["p95"] = r["p50_us"] / 1000, r["p95_us"] / 1000
    return r


def _post_body(client: Client, info: dict) -> tuple[str, str]:
    token = client.csrf("/quyen-gop/nhap")
    fields = {"csrf_token": token, "campaign_id": info["campaign_id"], "donation_date": date.today().isoformat(),
              "donor_name": "Lê Thị Bích Hạnh", "donor_kind": "person", "address": "Ấp Tân Lộc",
              "phone": "0912345678", "donor_id": "", "amount": "150.000", "method": "cash", "item": "",
              "quantity": "", "item_unit": "", "collector_name": "Cô Lan", "collector_unit_id": "0", "note": ""}
    return "/quyen-gop/nhap", urllib.parse.urlencode(fields)


def _count_donations(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM donation")).scalar_one()
    finally:
        engine.dispose()


def _copy_db(url: str, tmp: Path) -> str:
    if not url.startswith("sqlite:///"):
        return url
    src = Path(url[len("sqlite:///"):])
    dst = tmp / "province.db"
    shutil.copyfile(src, dst)
    return f"sqlite:///{dst}"


def run(board: Scoreboard, url: str, info: dict, tag: str = "") -> dict:
    """Drive every page; add rows to `board`; return the raw figures."""
    tmp = Path(tempfile.mkdtemp(prefix="skh-bench-load-"))
    results = {}
    try:
        url = _copy_db(url, tmp)
        with Gunicorn("wsgi:app", url) as app_srv, Gunicorn("bench.bare_app:app") as bare_srv:
            client = Client(app_srv.url).login(info["users"]["treasurer"], info["password"])
            cookie = client.cookie_header
            for page in pages(info):
                headers = {"HX-Request": "true"} if page.htmx else {}
                for _ in range(6):  # each worker compiles its templates and fills its caches
                    status, body, _ = client.request(page.path, headers=headers)
                    if status != 200:
                        raise RuntimeError(f"{page.path}: HTTP {status}")
                size = len(body)
                env = {"BENCH_COOKIE": cookie, "BENCH_HTMX": "1" if page.htmx else "0"}
                row = {"bytes": size}
                for conns in (1, 10):
                    row[conns] = wrk(app_srv.url + page.path, conns, SECONDS, SCRIPTS / "get.lua", env)
                    row[f"bare{conns}"] = wrk(f"{bare_srv.url}/b/{size}", conns, SECONDS, SCRIPTS / "get.lua", env)
                results[page.key] = row
                _add_page(board, page, row, tag)
            # Donations are entered by the commune's treasurer (the province one sees 500 units in the form).
            clerk = Client(app_srv.url).login(info["users"]["commune"], info["password"])
            path, body = _post_body(clerk, info)
            status, swap, _ = clerk.request(path, dict(urllib.parse.parse_qsl(body), idem_key="0" * 32),
                                            headers={"HX-Request": "true"})
            if status != 200 or "Đã ghi".encode() not in swap:
                raise RuntimeError(f"donation POST answered {status}: {swap[:500]!r}")
            results["post_swap_bytes"] = len(swap)
            before = _count_donations(url)
            env = {"BENCH_COOKIE": clerk.cookie_header, "BENCH_POST_PATH": path, "BENCH_POST_BODY": body}
            row = {}
            for conns in (1, 10):
                row[conns] = wrk(app_srv.url + path, conns, SECONDS, SCRIPTS / "donation_post.lua", env)
            written = _count_donations(url) - before
            sent = sum(row[c]["requests"] for c in (1, 10))
            results["donation_post"] = dict(row, written=written, sent=sent)
            for conns in (1, 10):
                r = row[conns]
                board.add(f"{tag}Nhập khoản quyên góp (POST htmx), {conns} kết nối",
                          f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, {r['rps']:.0f} req/s"
                          + (f", lỗi {r['errors'] + r['status_errors']}" if r['errors'] + r['status_errors'] else ""),
                          f"p95 < {REPORT_P95_MS:.0f} ms" if conns == 10 else "",
                          r["p95"] < REPORT_P95_MS and not r["status_errors"] if conns == 10 else None)
            # wrk counts answered requests; up to one per connection may still be in flight when it stops.
            board.add(f"{tag}POST đã ghi / đã trả lời", f"{written:,} / {sent:,}", "mỗi POST một khoản",
                      sent <= written <= sent + 11)
            rss = app_srv.peak_rss_mb()
            results["worker_peak_mb"] = rss
            board.add(f"{tag}Bộ nhớ đỉnh mỗi worker gunicorn", " / ".join(f"{m:.0f}" for m in rss) + " MB",
                      f"< {WORKER_MB:.0f} MB", bool(rss) and max(rss) < WORKER_MB)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def _add_page(board: Scoreboard, page: Page, row: dict, tag: str) -> None:
    limit = LIST_P95_MS if page.kind == "list" else REPORT_P95_MS
    for conns in (1, 10):
        r, bare = row[conns], row[f"bare{conns}"]
        ratio = r["rps"] / bare["rps"] if bare["rps"] else 0
        errors = r["errors"] + r["status_errors"]
        value = (f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, {r['rps']:.0f} req/s"
                 + (f", lỗi {errors}" if errors else ""))
        board.add(f"{tag}{page.label}, {conns} kết nối", value, f"p95 < {limit:.0f} ms" if conns == 10 else "",
                  (r["p95"] < limit and not errors) if conns == 10 else None)
        target = f">= {RATIO}" if page.kind == "list" and conns == 10 else ""
        board.add(f"{tag}  so với Flask trần ({row['bytes']:,} byte), {conns} kết nối",
                  f"{ratio:.2f} ({bare['rps']:.0f} req/s trần)", target,
                  ratio >= RATIO if target else None)


def main() -> int:
    from bench import province

    board = Scoreboard("Tải thật: gunicorn 3 worker + wrk")
    url, info, _ = province.build()
    run(board, url, info)
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        pg_url, pg_info, _ = province.build(pg=pg)
        run(board, pg_url, pg_info, "[PostgreSQL] ")
    return 0 if board.print() else 1


if __name__ == "__main__":
    import sys

    sys.exit(main())
