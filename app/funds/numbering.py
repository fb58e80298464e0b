"""Gap-free receipt and voucher numbers: PT-2026-0001, PC-2026-0001 per unit and year.

The counter row is bumped with one UPDATE ... RETURNING inside the transaction that
posts the entry. On PostgreSQL the UPDATE locks the row until commit, so concurrent
writers queue and a rolled-back post gives its number back; on SQLite the whole
write transaction is serialised by BEGIN IMMEDIATE. Never MAX(number)+1: two
writers would read the same maximum.
"""
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

from .models import DocumentCounter


def _insert_missing(unit_id: int, kind: str, year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # ON CONFLICT DO NOTHING: a concurrent first post of the year must not fail.
    db.session.execute(insert(DocumentCounter).values(unit_id=unit_id, kind=kind, year=year, next_number=1)
                       .on_conflict_do_nothing())


def next_number(unit_id: int, kind: str, year: int) -> str:
    """Allocate the next number; call only inside the write transaction that uses it."""
    _insert_missing(unit_id, kind, year)
    issued = db.session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.unit_id == unit_id, DocumentCounter.kind == kind, DocumentCounter.year == year)
        .values(next_number=DocumentCounter.next_number + 1)
        .returning(DocumentCounter.next_number)
        .execution_options(synchronize_session=False)
    ).scalar_one() - 1
    return f"{kind}-{year}-{issued:04d}"


def next_numbers(unit_id: int, kind: str, year: int, count: int) -> list[str]:
    """Allocate `count` consecutive numbers in one step (bulk posting); same rules as next_number."""
    _insert_missing(unit_id, kind, year)
    end = db.session.execute(
        update(DocumentCounter)
        .where(DocumentCounter.unit_id == unit_id, DocumentCounter.kind == kind, DocumentCounter.year == year)
        .values(next_number=DocumentCounter.next_number + count)
        .returning(DocumentCounter.next_number)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return [f"{kind}-{year}-{n:04d}" for n in range(end - count, end)]
