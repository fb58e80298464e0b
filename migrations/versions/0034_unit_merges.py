"""units: merges and renames, previewed and reversible until confirmed; names by period (issue 20 D)

Revision ID: 0034_unit_merges
Revises: 0033_blob_store
Create Date: 2026-12-07 10:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0034_unit_merges'
down_revision = '0033_blob_store'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
