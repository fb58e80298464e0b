"""row-level security: a non-owner role and one policy per unit table (issue 20 C)

Revision ID: 0037_row_security
Revises: 0036_national_summaries
Create Date: 2026-12-07 10:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0037_row_security'
down_revision = '0036_national_summaries'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
