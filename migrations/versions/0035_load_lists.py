"""lists under load: indexes and summaries for the heavy lists (issue 20 F)

Revision ID: 0035_load_lists
Revises: 0034_unit_merges
Create Date: 2026-12-07 10:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0035_load_lists'
down_revision = '0034_unit_merges'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
