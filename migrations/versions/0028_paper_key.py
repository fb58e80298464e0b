"""the key of the papers' verification codes, written once, carried by every backup

Revision ID: 0028_paper_key
Revises: 0023_bank
Create Date: 2026-12-07 03:20:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0028_paper_key'
down_revision = '0023_bank'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'paper_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_key')),
    )
    op.bulk_insert(table, [{'id': 1, 'secret': secrets.token_hex(32)}])


def downgrade():
    op.drop_table('paper_key')
