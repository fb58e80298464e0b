"""honoree links: index the pupil and donor a line is linked to

"Already commended this year" looks up other decisions' lines by the linked pupil or donor
(as well as by name): without these indexes that lookup reads the whole honoree table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('honoree', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_honoree_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_honoree_donor_id'), ['donor_id'], unique=False)


def downgrade():
    with op.batch_alter_table('honoree', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_honoree_donor_id'))
        batch_op.drop_index(batch_op.f('ix_honoree_pupil_id'))
