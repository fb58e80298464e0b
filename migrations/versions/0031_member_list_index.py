"""members: one covering index for the register's list in Vietnamese order

A province's list (300,000 members) sorted every match by name before it could show 40 (90-250 ms
a page). Walking this index in name order, with the list's filters read from the index itself,
stops after one page: status, unit, the folded name, occupation, joined and ended dates are all in it.

Revision ID: 0031_member_list_index
Revises: 0030_members
Create Date: 2026-12-07 06:55:00

"""
from alembic import op


revision = '0031_member_list_index'
down_revision = '0030_members'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index('ix_member_list', ['name_key', 'id', 'status', 'unit_id', 'search_key', 'occupation',
                                                 'joined_on', 'ended_on'], unique=False)


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_index('ix_member_list')
