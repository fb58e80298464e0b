"""The database as every deployment relies on it."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from app.extensions import db


def test_migrations_match_the_models(app):
    """A model change without a migration fails here."""
    with db.engine.connect() as conn:
        from app.core.rls import include_object  # the row policies' own index is no model's

        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_object": include_object}),
                                db.metadata)
    assert diff == []


def test_sqlite_connections_are_set_up_for_safe_concurrent_use(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_post_requests_read_first_and_take_the_write_lock_when_they_write(app, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    seen = []
    from sqlalchemy import event

    @event.listens_for(db.engine, "before_cursor_execute")
    def spy(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    try:
        from app.core.db import writing

        with app.test_request_context("/", method="POST"):
            db.session.execute(text("SELECT 1"))  # a POST reads on a snapshot (issue 20 F)
            with writing():  # and writes with the lock taken up front
                db.session.execute(text("SELECT 1"))
        with app.test_request_context("/", method="GET"):
            db.session.execute(text("SELECT 1"))
            db.session.rollback()
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert seen == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]
