"""certificate wording per kind (issue 14 E)

- certificate_setting.wording: {kind: sentence} the unit chose for its certificates ("scholarship",
  "achievement", "title", "donor", "volunteer"); NULL or a missing kind prints the default wording
  of app.commendations.certificates, so existing rows need no data.

Revision ID: 0019_cert_wording
Revises: 0018_issue13_merge
Create Date: 2026-12-06 14:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_cert_wording'
down_revision = '0018_issue13_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wording', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate_setting', schema=None) as batch_op:
        batch_op.drop_column('wording')
