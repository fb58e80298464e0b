"""Migrations run on a commune's real database, not only an empty one.

On SQLite a batch migration rebuilds its table (copy, drop, rename); with foreign keys enforced,
dropping a table other rows point at fails. Migration 0032 rebuilds `member`, which dues payments
point at: found by the province bench, whose cache held members and dues when 0032 arrived.
"""
import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import BASE_CONFIG, PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's table rebuilds; PostgreSQL alters in place")

BEFORE = "0031_member_list_index"
ROWS = [
    "INSERT INTO unit (id, name, search_key, kind, path, depth, address, active, created_at) "
    "VALUES (1, 'Hội Khuyến học xã Tân Phú', 'hoi khuyen hoc xa tan phu', 'commune', '/1/', 0, '', 1, '2026-01-01')",
    "INSERT INTO member (id, unit_id, number, ho, dem, ten, name_key, search_key, gender, address, village, "
    "village_key, phone, phone_key, occupation, joined_on, status, end_reason, note, created_at) VALUES "
    "(1, 1, 1, 'Nguyễn', 'Văn', 'An', 'an', 'nguyen van an', '', '', '', '', '', '', '', '2020-03-01', "
    "'active', '', '', '2026-01-01')",
    "INSERT INTO dues_batch (id, unit_id, year, collected_on, collector, count, total, void_reason, created_at) "
    "VALUES (1, 1, 2026, '2026-03-01', 'Trần Thị Bình', 1, 24000, '', '2026-03-01')",
    "INSERT INTO dues_payment (id, batch_id, member_id, year, amount, voided) VALUES (1, 1, 1, 2026, 24000, 0)",
]


def _app(tmp_path):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'commune.db'}"})


def _filled(tmp_path, extra=()):
    app = _app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for sql in [*ROWS, *extra]:
                conn.execute(text(sql))
    return app


def test_a_table_rebuild_keeps_the_rows_that_point_at_it(tmp_path):
    app = _filled(tmp_path)
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT member_id FROM dues_payment")).scalars().all() == [1]
            assert conn.execute(text("SELECT rejoined_from_id FROM member")).scalars().all() == [None]
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # enforcement is back on
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        db.engine.dispose()


def test_a_migration_that_leaves_a_dangling_key_is_refused(tmp_path, capfd):
    """The check after the migrations can fail: a payment naming a member that is not there (written
    with enforcement off, as an older copy of the schema might hold) stops the upgrade."""
    app = _app(tmp_path)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA foreign_keys=OFF")
            for sql in ROWS[:3]:
                raw.execute(sql)
            raw.execute("INSERT INTO dues_payment (id, batch_id, member_id, year, amount, voided) "
                        "VALUES (2, 1, 999, 2026, 24000, 0)")
            raw.execute("PRAGMA foreign_keys=ON")
        with pytest.raises(SystemExit):  # flask-migrate logs the error and exits 1
            upgrade(revision="heads")
        assert "foreign keys point nowhere" in capfd.readouterr().err
        db.engine.dispose()
