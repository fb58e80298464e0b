"""Shared by the backup tests: reading a whole database, writing donations from another thread."""
from __future__ import annotations

import subprocess
import threading
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

DAY = date(2026, 9, 5)


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: two equal results mean equal data."""
    engine = create_engine(url)  # plain: the app's pragmas would switch a backup file to WAL
    try:
        insp = inspect(engine)
        out = {}
        with engine.connect() as conn:
            for table in sorted(insp.get_table_names()):
                if table.startswith("huey"):
                    continue
                pk = insp.get_pk_constraint(table).get("constrained_columns") or []
                cols = [c["name"] for c in insp.get_columns(table)]
                order = ", ".join(f'"{c}"' for c in (pk or cols))
                rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}')).all()
                out[table] = [tuple(r) for r in rows]
        return out
    finally:
        engine.dispose()


def sqlite_url(path: Path) -> str:
    """Read-only: reading a backup must leave its bytes (and sha256) alone."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def pg_scratch_copy(live_url: str, dump: Path) -> str:
    """Load a pg_dump archive into a new database of its own; return that database's URL."""
    from urllib.parse import urlsplit, urlunsplit

    from app.backups.postgres import libpq_url, pg_env

    parts = urlsplit(live_url)
    name = parts.path.lstrip("/") + "_drill"
    admin = create_engine(live_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = urlunsplit(parts._replace(path="/" + name))
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={name}",
                    str(dump)], env=pg_env(libpq_url(url)), check=True, capture_output=True)
    return url


def drop_pg(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    admin = create_engine(urlunsplit(parts._replace(path="/postgres")), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)'))
    admin.dispose()


class Writer(threading.Thread):
    """Records donations through the services, one transaction each, until stopped."""

    def __init__(self, app, campaign_id: int, note: str):
        super().__init__(daemon=True)
        self.app, self.campaign_id, self.note = app, campaign_id, note
        self.done, self.errors = 0, []
        self._stop_flag = threading.Event()

    def run(self):
        from app.campaigns.models import Campaign
        from app.core.db import write_mode
        from app.extensions import db
        from tests.factories_donations import make_donation

        with self.app.app_context():
            while not self._stop_flag.is_set():
                try:
                    with write_mode():
                        campaign = db.session.get(Campaign, self.campaign_id)
                        make_donation(campaign, 10_000 + self.done, day=DAY, name=f"Người góp {self.done}",
                                      note=self.note)
                    self.done += 1
                except Exception as err:  # noqa: BLE001 - reported by the test
                    db.session.rollback()
                    self.errors.append(repr(err))
                    break
            db.session.remove()

    def stop(self):
        self._stop_flag.set()
        self.join(30)
