"""Print the first-load weight of the main pages on the demo association, measured in Debian's Chromium.

Run from the checkout:  .venv/bin/python scripts/measure_pages.py

It builds a throw-away SQLite database through the migrations, loads the demo association, serves
the app on a free port of 127.0.0.1 and weighs each page with the code the browser tests use
(tests/browser/pageweight.py), so the figures here are the ones the tests hold to their limits.
Everything it creates lives in one temporary directory, removed at the end. The same pages at
province size (200,000 donations) are weighed by `make bench` (bench/weight.py).
"""
import logging
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (label, path, role of the demo login that opens it; None: logged out)
PAGES = [("login /dang-nhap", "/dang-nhap", None), ("unit list /don-vi/", "/don-vi/", "admin"),
         ("dashboard /", "/", "admin"), ("donation list /quyen-gop/", "/quyen-gop/", "treasurer"),
         ("donation entry /quyen-gop/nhap", "/quyen-gop/nhap", "treasurer"),
         ("pupil list /hoc-sinh/", "/hoc-sinh/", "admin"), ("campaigns /dot-van-dong/", "/dot-van-dong/", "admin"),
         ("funds /quy/", "/quy/", "treasurer"), ("scholarship rounds /hoc-bong/", "/hoc-bong/", "admin"),
         ("commendations /khen-thuong/", "/khen-thuong/", "admin")]


def _build_app(workdir: Path):
    from flask_migrate import upgrade

    from app import create_app
    from app.core.db import write_mode
    from app.demo.services import seed
    from app.extensions import db

    app = create_app({
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'measure.db'}",
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        upgrade(revision="heads")
        with write_mode():
            logins = seed()
            db.session.commit()
        db.session.remove()
    by_role = {}
    for username, password, role, _unit in logins:
        by_role.setdefault(role, (username, password))
    return app, by_role


def _table(rows) -> str:
    head = ("page", "HTML bytes", "first load gzipped bytes", "requests", "to other hosts")
    lines = [head] + [(w.page, str(w.html_bytes), str(w.first_load_gzip), str(w.requests), str(len(w.foreign)))
                      for w in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line))
           for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="skh-measure-"))
    # Before the app is imported: its secret key file and default database must not land in instance/.
    os.environ["INSTANCE_PATH"] = str(workdir / "instance")
    sys.path.insert(0, str(ROOT))
    logging.disable(logging.INFO)  # migration and request logs would bury the table
    server = app = None
    try:
        from playwright.sync_api import sync_playwright

        from tests.browser.pageweight import CHROMIUM, LiveServer, launch, login_state, measure

        if not Path(CHROMIUM).exists():
            print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
            return 2
        app, by_role = _build_app(workdir)
        server = LiveServer(app)
        with sync_playwright() as p:
            browser = launch(p)
            try:
                states = {role: login_state(browser, server.url, *by_role[role])
                          for role in {r for _l, _p, r in PAGES if r}}
                rows = [measure(browser, server.url, path, storage_state=states.get(role), label=label)
                        for label, path, role in PAGES]
            finally:
                browser.close()
        print(_table(rows))
        for w in rows:
            for url in w.foreign:
                print(f"  other host: {url}")
        return 1 if any(w.foreign for w in rows) else 0
    finally:
        if server is not None:
            server.stop()
        if app is not None:
            from app.extensions import db

            with app.app_context():
                db.engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
