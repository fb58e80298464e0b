"""The database itself refuses to rewrite or delete posted ledger entries (SQLite and PostgreSQL)."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.funds import services
from tests.factories import make_unit
from tests.factories_funds import give


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_entry SET amount = 1 WHERE id = :id",
    "DELETE FROM ledger_entry WHERE id = :id",
])
def test_database_refuses_update_and_delete_of_ledger_entries(app, sql):
    entry = give(services.default_fund(make_unit(make_unit(None))), 250_000)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(sql), {"id": entry.id})
        db.session.flush()
    db.session.rollback()
    amount = db.session.execute(text("SELECT amount FROM ledger_entry WHERE id = :id"), {"id": entry.id}).scalar()
    assert amount == 250_000
