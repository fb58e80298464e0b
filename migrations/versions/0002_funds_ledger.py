"""funds and ledger: fund, ledger_entry (append-only), document_counter, idempotency_key

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 14:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.core import append_only


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_fund_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund')),
    sa.UniqueConstraint('unit_id', 'search_key', name='uq_fund_unit_name')
    )
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_unit_id'), ['unit_id'], unique=False)

    op.create_table('document_counter',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=2), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_document_counter_unit_id_unit')),
    sa.PrimaryKeyConstraint('unit_id', 'kind', 'year', name=op.f('pk_document_counter'))
    )

    op.create_table('idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('result_url', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_idempotency_key_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('key', name=op.f('uq_idempotency_key_key'))
    )

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('entry_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('counterparty', sa.String(length=200), nullable=False),
    sa.Column('counterparty_address', sa.String(length=300), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('basis', sa.String(length=100), nullable=False),
    sa.Column('transfer_id', sa.String(length=32), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_ledger_entry_amount_positive')),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_ledger_entry_direction_valid')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_ledger_entry_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_ledger_entry_fund_id_fund')),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['ledger_entry.id'], name=op.f('fk_ledger_entry_reversal_of_id_ledger_entry')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_ledger_entry_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_ledger_entry_reversal_of_id')),
    sa.UniqueConstraint('unit_id', 'number', name='uq_ledger_entry_unit_number')
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_fund_date', ['fund_id', 'entry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_transfer_id'), ['transfer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_unit_id'), ['unit_id'], unique=False)

    # Posted entries are history: the database refuses UPDATE and DELETE (voiding posts a reversal).
    append_only.apply(op, 'ledger_entry')


def downgrade():
    append_only.apply(op, 'ledger_entry', create=False)
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entry_unit_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_transfer_id'))
        batch_op.drop_index('ix_ledger_entry_fund_date')
    op.drop_table('ledger_entry')
    op.drop_table('idempotency_key')
    op.drop_table('document_counter')
    with op.batch_alter_table('fund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_unit_id'))
    op.drop_table('fund')
