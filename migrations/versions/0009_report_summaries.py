"""reports: report_version (a data version per unit, for the dashboard and year-report cache)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_version',
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_report_version'))
    )


def downgrade():
    op.drop_table('report_version')
