"""campaigns, donors, donations, donation imports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('target_amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_campaign_fund_id_fund')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_fund_id'), ['fund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_search_key'), ['search_key'], unique=False)
        batch_op.create_index('ix_campaign_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('donor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=255), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('address_key', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('phone_key', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['donor.id'], name=op.f('fk_donor_merged_into_id_donor')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_donor_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor'))
    )
    with op.batch_alter_table('donor', schema=None) as batch_op:
        batch_op.create_index('ix_donor_unit_search', ['unit_id', 'search_key'], unique=False)
        batch_op.create_index('ix_donor_unit_name_key', ['unit_id', 'name_key'], unique=False)
        batch_op.create_index('ix_donor_phone_key', ['phone_key'], unique=False)

    op.create_table('donation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('donation_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('item_unit', sa.String(length=30), nullable=False),
    sa.Column('collector_name', sa.String(length=120), nullable=False),
    sa.Column('collector_key', sa.String(length=120), nullable=False),
    sa.Column('collector_unit_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=False),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_donation_amount_positive')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_donation_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['collector_unit_id'], ['unit.id'], name=op.f('fk_donation_collector_unit_id_unit')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_donation_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['donor_id'], ['donor.id'], name=op.f('fk_donation_donor_id_donor')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entry.id'], name=op.f('fk_donation_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_donation_unit_id_unit')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_donation_voided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_donation_entry_id'))
    )
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index('ix_donation_unit_date', ['unit_id', 'donation_date', 'id'], unique=False)
        batch_op.create_index('ix_donation_campaign_date', ['campaign_id', 'donation_date', 'id'], unique=False)

    op.create_table('donation_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('rows_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_donation_import_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_donation_import_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_import')),
    sa.UniqueConstraint('token', name=op.f('uq_donation_import_token'))
    )


def downgrade():
    op.drop_table('donation_import')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_index('ix_donation_campaign_date')
        batch_op.drop_index('ix_donation_unit_date')
        batch_op.drop_index(batch_op.f('ix_donation_donor_id'))
    op.drop_table('donation')
    with op.batch_alter_table('donor', schema=None) as batch_op:
        batch_op.drop_index('ix_donor_phone_key')
        batch_op.drop_index('ix_donor_unit_name_key')
        batch_op.drop_index('ix_donor_unit_search')
    op.drop_table('donor')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_unit_status')
        batch_op.drop_index(batch_op.f('ix_campaign_search_key'))
        batch_op.drop_index(batch_op.f('ix_campaign_fund_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_unit_id'))
    op.drop_table('campaign')
