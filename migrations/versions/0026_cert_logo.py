"""certificate logos uploaded by a unit (issue 18 C): the cleaned PNG or SVG, one per unit

Revision ID: 0026_cert_logo
Revises: 0023_bank
Create Date: 2026-12-07 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_cert_logo'
down_revision = '0023_bank'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_logo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('mime', sa.String(length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Float(), nullable=True),
    sa.Column('height', sa.Float(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("mime IN ('image/svg+xml', 'image/png')", name=op.f('ck_certificate_logo_mime')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_certificate_logo_unit_id_unit')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                            name=op.f('fk_certificate_logo_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_logo')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_certificate_logo_unit_id'))
    )


def downgrade():
    op.drop_table('certificate_logo')
