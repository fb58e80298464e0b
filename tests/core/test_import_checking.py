"""An import's checks run on a read snapshot (issue 15, finding 1): a POST takes SQLite's write lock
up front, so checking 5,000 rows inside it kept every other writer waiting before the first write."""
import sqlite3

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from app.core import imports
from app.core.db import write_mode
from app.extensions import db


def _other_writer_gets_the_lock(db_url: str) -> bool:
    conn = sqlite3.connect(make_url(db_url).database, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # database is locked
        return False
    finally:
        conn.close()


def test_checking_reads_without_holding_the_write_lock(app, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL has no database-wide write lock")
    with app.test_request_context("/", method="POST"), write_mode():  # an import confirmed in attempt()
        db.session.execute(text("SELECT 1"))  # the write's transaction: BEGIN IMMEDIATE
        assert not _other_writer_gets_the_lock(db_url)
        with imports.checking():
            db.session.scalars(select(imports.ImportProgress)).all()
            assert _other_writer_gets_the_lock(db_url)
        db.session.rollback()
