"""Issue 8: Lighthouse (mobile preset, default simulated slow 4G and 4x CPU) against Debian's Chromium.

    .venv/bin/python -m bench.lighthouse

Lighthouse comes from npm, pinned by bench/lighthouse/package-lock.json, and is installed with
`npm ci` into the bench cache ($BENCH_CACHE, default ~/.cache/skh-bench), never into the
checkout: the app's own node_modules stay what `make run` needs. Pages: login, dashboard,
donation entry, pupil list, commendation decision, served by gunicorn from a copy of the province.
Targets: performance >= 95, accessibility 100.
"""
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.lib import ROOT, Scoreboard
from bench.server import Client, Gunicorn
from bench.weight import copy_db

CHROME = "/usr/bin/chromium"
PERF_MIN, A11Y_MIN = 95, 100
LOCK_DIR = ROOT / "bench" / "lighthouse"


def ensure_lighthouse() -> Path:
    """The Lighthouse CLI script, installed once per lockfile into the bench cache."""
    from bench.province import cache_dir

    lock = (LOCK_DIR / "package-lock.json").read_bytes() + (LOCK_DIR / "package.json").read_bytes()
    home = cache_dir() / f"lighthouse-{hashlib.sha256(lock).hexdigest()[:12]}"
    cli = home / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(LOCK_DIR / name, home / name)
        print(f"  cài Lighthouse vào {home} (npm ci)", file=sys.stderr, flush=True)
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=home,
                       check=True, stdout=subprocess.DEVNULL)
    return cli


def pages(info: dict) -> list[tuple[str, str, str]]:
    return [
        ("Đăng nhập", "/dang-nhap", ""),
        ("Trang chủ", "/", "treasurer"),
        ("Nhập quyên góp", "/quyen-gop/nhap", "commune"),
        ("Danh sách học sinh", "/hoc-sinh/", "treasurer"),
        ("Quyết định khen thưởng", f"/khen-thuong/quyet-dinh/{info['decision_id']}", "treasurer"),
    ]


def lighthouse(cli: Path, url: str, cookie: str, out: Path) -> dict:
    cmd = ["node", str(cli), url, "--output=json", f"--output-path={out}", "--quiet",
           "--only-categories=performance,accessibility",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run"]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(cmd, check=True, env=dict(os.environ, CHROME_PATH=CHROME), stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=240)
    return json.loads(out.read_text())


def problems(report: dict) -> list[str]:
    """Failed accessibility audits and performance audits below 0.9, with an example element."""
    out = []
    for cat, limit in (("accessibility", 1.0), ("performance", 0.9)):
        for ref in report["categories"][cat]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) and audit.get("score") is not None and audit["score"] < limit:
                items = (audit.get("details") or {}).get("items") or []
                example = ""
                if items and isinstance(items[0], dict):
                    node = items[0].get("node") or {}
                    example = node.get("snippet") or node.get("selector") or items[0].get("url", "")
                shown = audit.get("displayValue") or ""
                out.append(f"{cat}: {ref['id']} {shown} {example}"[:300])
    return out


def run(board: Scoreboard, url: str, info: dict) -> dict:
    if not Path(CHROME).exists() or not shutil.which("node"):
        board.add("Lighthouse", "thiếu chromium hoặc node", "có", False)
        return {}
    cli = ensure_lighthouse()
    tmp = Path(tempfile.mkdtemp(prefix="skh-bench-lh-"))
    results = {}
    try:
        with Gunicorn("wsgi:app", copy_db(url, tmp)) as srv:
            cookies = {key: Client(srv.url).login(info["users"][key], info["password"]).cookie_header
                       for key in ("treasurer", "commune")}
            for label, path, user in pages(info):
                try:
                    report = lighthouse(cli, srv.url + path, cookies.get(user, ""), tmp / "report.json")
                except subprocess.CalledProcessError as err:
                    board.add(f"Lighthouse: {label}", "lỗi: " + err.stderr.decode()[-200:], "chạy được", False)
                    continue
                if report.get("finalDisplayedUrl", "").split("?")[0].rstrip("/") != (srv.url + path).rstrip("/"):
                    board.add(f"Lighthouse: {label}", f"bị chuyển tới {report.get('finalDisplayedUrl')}", path, False)
                    continue
                perf = round(100 * (report["categories"]["performance"]["score"] or 0))
                a11y = round(100 * (report["categories"]["accessibility"]["score"] or 0))
                found = problems(report)
                results[label] = {"performance": perf, "accessibility": a11y, "problems": found}
                board.add(f"Lighthouse: {label}", f"hiệu năng {perf}, tiếp cận {a11y}",
                          f"≥ {PERF_MIN}, {A11Y_MIN}", perf >= PERF_MIN and a11y >= A11Y_MIN)
                for line in found:
                    print(f"    {line}", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def main() -> int:
    from bench import province

    logging.disable(logging.INFO)
    board = Scoreboard("Lighthouse (di động, mạng chậm, CPU x4)")
    url, info, _ = province.build()
    run(board, url, info)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
