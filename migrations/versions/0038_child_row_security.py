"""row-level security for the tables whose rows belong to a parent row (issue 20 C)

Revision ID: 0038_child_row_security
Revises: 0037_row_security
Create Date: 2026-12-07 14:30:00

PostgreSQL only. A pupil's results and achievements, a member's dues payments, a user's roles, an
import's progress and a merge's sources have no unit of their own: each gets the policy written by
app.core.rls_children (a row is visible when its parent row is), so the second lock covers them too.
"""
from alembic import op
import sqlalchemy as sa

from app.core import rls_children


revision = '0038_child_row_security'
down_revision = '0037_row_security'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table in rls_children.CHILDREN:
        for statement in rls_children.child_policy_statements(table, rls_children.nullable_columns(conn, table)):
            conn.execute(sa.text(statement))


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for table in rls_children.CHILDREN:
        conn.execute(sa.text(f'DROP POLICY IF EXISTS unit_scope ON "{table}"'))
        conn.execute(sa.text(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY'))
