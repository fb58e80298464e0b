"""members: a return after leaving is a new row naming the row it follows (member.rejoined_from_id)

"Vào hội lại" used to overwrite the member's joined_on and clear the end on the same row, so the
years of the earlier spell vanished from the organisation counts. Each row is now one spell; the
unique key lets a spell be followed by one return at most.

Revision ID: 0032_member_rejoin
Revises: 0031_member_list_index
Create Date: 2026-12-07 07:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0032_member_rejoin'
down_revision = '0031_member_list_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejoined_from_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_member_rejoined_from_id'), ['rejoined_from_id'])
        batch_op.create_foreign_key(batch_op.f('fk_member_rejoined_from_id_member'), 'member',
                                    ['rejoined_from_id'], ['id'])


def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_member_rejoined_from_id_member'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_member_rejoined_from_id'), type_='unique')
        batch_op.drop_column('rejoined_from_id')
