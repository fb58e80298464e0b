"""certificate designs and paper size (issue 18 C)

- certificate_setting.paper: "a4" (A4 landscape, what every certificate printed so far) or "a5"
  (A5 landscape, the same layout scaled down); existing rows keep A4.
- The new designs need no column: certificate_setting.border names them (String(20) already).

Revision ID: 0025_cert_designs
Revises: 0023_bank
Create Date: 2026-12-07 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_cert_designs'
down_revision = '0023_bank'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper', sa.String(length=3), nullable=False, server_default='a4'))


def downgrade():
    with op.batch_alter_table('certificate_setting', schema=None) as batch_op:
        batch_op.drop_column('paper')
