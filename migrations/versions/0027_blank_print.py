"""printing onto pre-printed certificate blanks: a unit's layout and its printers' offsets (issue 18 D)

Revision ID: 0027_blank_print
Revises: 0023_bank
Create Date: 2026-12-07 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_blank_print'
down_revision = '0023_bank'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blank_layout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('paper', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_blank_layout_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blank_layout')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_blank_layout_unit_id'))
    )
    op.create_table('printer_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('offset_x_mm', sa.Float(), nullable=False),
    sa.Column('offset_y_mm', sa.Float(), nullable=False),
    sa.CheckConstraint('offset_x_mm BETWEEN -20 AND 20', name=op.f('ck_printer_profile_offset_x_bounded')),
    sa.CheckConstraint('offset_y_mm BETWEEN -20 AND 20', name=op.f('ck_printer_profile_offset_y_bounded')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_printer_profile_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printer_profile')),
    sa.UniqueConstraint('unit_id', 'name', name='uq_printer_profile_name')
    )
    with op.batch_alter_table('printer_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_printer_profile_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('printer_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_printer_profile_unit_id'))
    op.drop_table('printer_profile')
    op.drop_table('blank_layout')
