"""row-level security: a non-owner role and one policy per unit table (issue 20 C)

Revision ID: 0037_row_security
Revises: 0036_national_summaries
Create Date: 2026-12-07 10:00:00

PostgreSQL only (SQLite has no roles or policies). The role `skh_app` the app acts as gets rows of
every table; each table with a unit_id gets the policy written by app.core.rls.policy_statements,
found from the schema itself, so every table the earlier revisions made is covered. A later revision
that adds a table with a unit calls the same function for it (tests/core/test_row_security.py fails
until it does).
"""
from alembic import op
import sqlalchemy as sa

from app.core import rls


revision = '0037_row_security'
down_revision = '0036_national_summaries'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for statement in rls.grant_statements():
        conn.execute(sa.text(statement))
    # The policies' subtree is a range of unit paths in byte order, whatever the database's collation.
    conn.execute(sa.text(f'CREATE INDEX IF NOT EXISTS {rls.PATH_INDEX} ON unit (path COLLATE "C")'))
    for table, nullable in rls.unit_tables(conn):
        for statement in rls.policy_statements(table, nullable=nullable):
            conn.execute(sa.text(statement))


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table, _nullable in rls.unit_tables(conn):
        conn.execute(sa.text(f'DROP POLICY IF EXISTS {rls.POLICY} ON "{table}"'))
        conn.execute(sa.text(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY'))
    conn.execute(sa.text(f"DROP INDEX IF EXISTS {rls.PATH_INDEX}"))
    # The role stays: it is the cluster's, and other databases of the cluster may use it.
