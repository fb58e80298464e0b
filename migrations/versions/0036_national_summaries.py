"""national scale: the summaries a 20-million-gift database needs for its roll-ups (issue 20 E)

Revision ID: 0036_national_summaries
Revises: 0035_load_lists
Create Date: 2026-12-07 10:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0036_national_summaries'
down_revision = '0035_load_lists'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
