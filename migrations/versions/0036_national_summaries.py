"""national scale: the summaries a 20-million-gift database needs for its roll-ups (issue 20 E)

Monthly summaries of the live gifts and of the ledger (app/reports/summaries.py), filled from the
rows already there and kept by triggers in the same transaction as every write to those rows.

Revision ID: 0036_national_summaries
Revises: 0035_load_lists
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.reports import summaries

revision = '0036_national_summaries'
down_revision = '0035_load_lists'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('donation_month',
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('collector_unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('campaign_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.Column('amount', summaries.SUM_TYPE, nullable=False),
    sa.Column('in_kind', summaries.SUM_TYPE, nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'collector_unit_id', 'campaign_id', 'month', name=op.f('pk_donation_month'))
    )
    op.create_table('ledger_month',
    sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('fund_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('is_direct', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('plain', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.Column('amount', summaries.SUM_TYPE, nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'fund_id', 'month', 'direction', 'source', 'is_direct', 'plain',
                            name=op.f('pk_ledger_month'))
    )
    bind = op.get_bind()
    summaries.rebuild(bind)
    for stmt in summaries.trigger_statements(bind.dialect.name):
        op.execute(stmt)


def downgrade():
    for stmt in summaries.drop_statements(op.get_bind().dialect.name):
        op.execute(stmt)
    op.drop_table('ledger_month')
    op.drop_table('donation_month')
