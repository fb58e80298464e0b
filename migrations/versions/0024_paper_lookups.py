"""lookups on the public verification page: one counter per day, kind of paper and outcome

Revision ID: 0024_paper_lookups
Revises: 0023_bank
Create Date: 2026-12-07 03:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024_paper_lookups'
down_revision = '0023_bank'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'paper_lookup',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('found', sa.Boolean(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'kind', 'found', name=op.f('pk_paper_lookup')),
    )


def downgrade():
    op.drop_table('paper_lookup')
