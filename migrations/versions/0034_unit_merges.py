"""units: merges and renames, previewed and reversible until confirmed; names by period (issue 20 D)

A unit merged away stays (inactive) and names where it went (unit.merged_into_id, unit.merged_on);
unit_name keeps each name a unit bore with its dates, so a report of an earlier year prints the
name of that year; unit_merge and unit_merge_source hold a merge from draft to confirmed or cancelled.

Revision ID: 0034_unit_merges
Revises: 0033_blob_store
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0034_unit_merges'
down_revision = '0033_blob_store'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_unit_merged_into_id_unit'), 'unit', ['merged_into_id'], ['id'])

    op.create_table('unit_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_name_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_name'))
    )
    with op.batch_alter_table('unit_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_name_unit_id'), ['unit_id'], unique=False)

    op.create_table('unit_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('new_name', sa.String(length=200), nullable=False),
    sa.Column('new_kind', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('numbering', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_unit_merge_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_unit_merge_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['target_id'], ['unit.id'], name=op.f('fk_unit_merge_target_id_unit')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_merge_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_merge'))
    )
    with op.batch_alter_table('unit_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_merge_unit_id'), ['unit_id'], unique=False)

    op.create_table('unit_merge_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merge_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['merge_id'], ['unit_merge.id'], name=op.f('fk_unit_merge_source_merge_id_unit_merge')),
    sa.ForeignKeyConstraint(['source_id'], ['unit.id'], name=op.f('fk_unit_merge_source_source_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_merge_source')),
    sa.UniqueConstraint('merge_id', 'source_id', name='uq_unit_merge_source')
    )
    with op.batch_alter_table('unit_merge_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_merge_source_merge_id'), ['merge_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_merge_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_merge_source_merge_id'))
    op.drop_table('unit_merge_source')
    with op.batch_alter_table('unit_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_merge_unit_id'))
    op.drop_table('unit_merge')
    with op.batch_alter_table('unit_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_name_unit_id'))
    op.drop_table('unit_name')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_unit_merged_into_id_unit'), type_='foreignkey')
        batch_op.drop_column('merged_on')
        batch_op.drop_column('merged_into_id')
