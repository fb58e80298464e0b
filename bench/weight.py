"""Issue 8: page weight of the main pages on the province, as a phone's first visit sees it.

    .venv/bin/python -m bench.weight

Each page is loaded in Debian's Chromium (empty cache, JavaScript on) from gunicorn serving a copy
of the seeded province, and weighed by tests/browser/pageweight.measure (the code the browser
tests hold to their limits): HTML bytes, HTML + CSS + JS gzipped, number of requests, requests to
other hosts. The htmx swaps (the fragments a filter, a search or a page link brings) are fetched
with HX-Request and weighed as they travel (compressed when the client accepts gzip).
"""
import gzip
import logging
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

from bench.lib import Scoreboard
from bench.server import Client, Gunicorn

HTML_MAX, FIRST_LOAD_MAX, SWAP_MAX = 30 * 1024, 60 * 1024, 10 * 1024


def main_pages(info: dict) -> list[tuple[str, str, str]]:
    """(label, path, user key or "" for anonymous)."""
    return [
        ("Đăng nhập", "/dang-nhap", ""),
        ("Trang chủ", "/", "treasurer"),
        ("Danh sách quyên góp", "/quyen-gop/", "treasurer"),
        ("Nhập quyên góp (thủ quỹ xã)", "/quyen-gop/nhap", "commune"),
        ("Nhập quyên góp (thủ quỹ tỉnh)", "/quyen-gop/nhap", "treasurer"),
        ("Danh sách học sinh", "/hoc-sinh/", "treasurer"),
        ("Trang đợt vận động", f"/dot-van-dong/{info['campaign_id']}", "treasurer"),
        ("Sổ quỹ", f"/quy/{info['fund_id']}", "treasurer"),
        ("Danh sách đề cử", f"/hoc-bong/{info['round_id']}", "treasurer"),
        ("Quyết định khen thưởng", f"/khen-thuong/quyet-dinh/{info['decision_id']}", "treasurer"),
    ]


def swaps(info: dict) -> list[tuple[str, str]]:
    q = urllib.parse.quote
    return [
        ("Lọc quyên góp (htmx)", "/quyen-gop/?nguoi=nguyen&trang=2"),
        ("Tìm học sinh (htmx)", f"/hoc-sinh/?q={q('nguyen thi')}"),
        ("Sổ quỹ trang 2 (htmx)", f"/quy/{info['fund_id']}?trang=2"),
        ("Đề cử trang 2 (htmx)", f"/hoc-bong/{info['round_id']}?trang=2"),
    ]


def storage_state(client: Client) -> dict:
    return {"cookies": [dict(c, expires=-1, httpOnly=True, secure=False, sameSite="Lax") for c in client.cookies()],
            "origins": []}


def copy_db(url: str, tmp: Path) -> str:
    if not url.startswith("sqlite:///"):
        return url
    dst = tmp / "province.db"
    shutil.copyfile(url[len("sqlite:///"):], dst)
    return f"sqlite:///{dst}"


def run(board: Scoreboard, url: str, info: dict, post_swap_bytes: int | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.pageweight import CHROMIUM, launch, measure

    if not Path(CHROMIUM).exists():
        board.add("Trọng lượng trang", f"thiếu {CHROMIUM}", "có Chromium", False)
        return {}
    tmp = Path(tempfile.mkdtemp(prefix="skh-bench-weight-"))
    out = {}
    try:
        with Gunicorn("wsgi:app", copy_db(url, tmp)) as srv, sync_playwright() as p:
            clients = {key: Client(srv.url).login(info["users"][key], info["password"])
                       for key in ("treasurer", "commune")}
            browser = launch(p)
            try:
                for label, path, user in main_pages(info):
                    state = storage_state(clients[user]) if user else None
                    w = measure(browser, srv.url, path, storage_state=state, label=label)
                    out[label] = w
                    ok = w.html_bytes < HTML_MAX and w.first_load_gzip < FIRST_LOAD_MAX and not w.foreign
                    board.add(f"Trọng lượng: {label}",
                              f"HTML {w.html_bytes / 1024:.1f} KB, tải lần đầu {w.first_load_gzip / 1024:.1f} KB gzip, "
                              f"{w.requests} yêu cầu, {len(w.foreign)} ra ngoài",
                              "HTML < 30 KB, < 60 KB gzip, 0 ra ngoài", ok)
            finally:
                browser.close()
            for label, path in swaps(info):
                # Weighed as they travel: the app compresses text for a client that accepts gzip.
                status, wire, headers = clients["treasurer"].request(
                    path, headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
                body = gzip.decompress(wire) if headers.get("Content-Encoding") == "gzip" else wire
                ok = status == 200 and b"<html" not in body[:500] and len(wire) < SWAP_MAX
                out[label] = len(wire)
                board.add(f"Mảnh htmx: {label}",
                          f"{len(wire) / 1024:.1f} KB qua mạng ({len(body) / 1024:.1f} KB chưa nén)", "< 10 KB", ok)
        if post_swap_bytes is not None:
            board.add("Mảnh htmx: sau khi ghi một khoản quyên góp", f"{post_swap_bytes / 1024:.1f} KB", "< 10 KB",
                      post_swap_bytes < SWAP_MAX)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> int:
    from bench import province

    logging.disable(logging.INFO)
    board = Scoreboard("Trọng lượng trang (tỉnh)")
    url, info, _ = province.build()
    run(board, url, info)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
