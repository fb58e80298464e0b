"""piggy banks: piggy_bank, piggy_bank_cycle, piggy_bank_opening

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('piggy_bank',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('holder_type', sa.String(length=12), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=240), nullable=False),
    sa.Column('name_key', sa.String(length=255), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('seed_money', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('seed_money >= 0', name=op.f('ck_piggy_bank_seed_money_not_negative')),
    sa.CheckConstraint("status IN ('active', 'opened', 'retired')", name=op.f('ck_piggy_bank_status_valid')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_piggy_bank_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_piggy_bank_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_piggy_bank')),
    sa.UniqueConstraint('unit_id', 'code', name='uq_piggy_bank_unit_code')
    )
    with op.batch_alter_table('piggy_bank', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piggy_bank_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_piggy_bank_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_piggy_bank_search_key'), ['search_key'], unique=False)
        batch_op.create_index('ix_piggy_bank_unit_status_code', ['unit_id', 'status', 'code'], unique=False)

    op.create_table('piggy_bank_cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piggy_bank_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('seed_money', sa.BigInteger(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_piggy_bank_cycle_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['piggy_bank_id'], ['piggy_bank.id'], name=op.f('fk_piggy_bank_cycle_piggy_bank_id_piggy_bank')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_piggy_bank_cycle_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_piggy_bank_cycle')),
    sa.UniqueConstraint('piggy_bank_id', 'cycle', name='uq_piggy_bank_cycle')
    )

    op.create_table('piggy_bank_opening',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piggy_bank_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('holder_type', sa.String(length=12), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('to_fund', sa.BigInteger(), nullable=False),
    sa.Column('kept', sa.BigInteger(), nullable=False),
    sa.Column('disposition', sa.String(length=5), nullable=False),
    sa.Column('witness1', sa.String(length=120), nullable=False),
    sa.Column('witness2', sa.String(length=120), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('ledger_entry_id', sa.Integer(), nullable=True),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('void_reason', sa.String(length=500), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0 AND to_fund >= 0 AND kept >= 0', name=op.f('ck_piggy_bank_opening_amounts_not_negative')),
    sa.CheckConstraint('to_fund + kept = amount', name=op.f('ck_piggy_bank_opening_parts_add_up')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_piggy_bank_opening_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['ledger_entry.id'], name=op.f('fk_piggy_bank_opening_ledger_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['piggy_bank_id'], ['piggy_bank.id'], name=op.f('fk_piggy_bank_opening_piggy_bank_id_piggy_bank')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_piggy_bank_opening_unit_id_unit')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_piggy_bank_opening_voided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_piggy_bank_opening'))
    )
    with op.batch_alter_table('piggy_bank_opening', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piggy_bank_opening_piggy_bank_id'), ['piggy_bank_id'], unique=False)
        batch_op.create_index('ix_piggy_bank_opening_unit_date', ['unit_id', 'opened_on'], unique=False)
        # One standing count per pig and cycle (partial unique index on both databases).
        batch_op.create_index('uq_piggy_bank_opening_live', ['piggy_bank_id', 'cycle'], unique=True,
                              sqlite_where=sa.text('voided = 0'), postgresql_where=sa.text('NOT voided'))


def downgrade():
    with op.batch_alter_table('piggy_bank_opening', schema=None) as batch_op:
        batch_op.drop_index('uq_piggy_bank_opening_live')
        batch_op.drop_index('ix_piggy_bank_opening_unit_date')
        batch_op.drop_index(batch_op.f('ix_piggy_bank_opening_piggy_bank_id'))
    op.drop_table('piggy_bank_opening')
    op.drop_table('piggy_bank_cycle')
    with op.batch_alter_table('piggy_bank', schema=None) as batch_op:
        batch_op.drop_index('ix_piggy_bank_unit_status_code')
        batch_op.drop_index(batch_op.f('ix_piggy_bank_search_key'))
        batch_op.drop_index(batch_op.f('ix_piggy_bank_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_piggy_bank_unit_id'))
    op.drop_table('piggy_bank')
