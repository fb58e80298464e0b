"""disclosure snapshot and per-gift anonymity (issue 6)

- disclosure_publication.snapshot: the disclosure report as it stood when an admin published it
  (JSON, app.disclosure.snapshot). The public page and the public PDF show this, never the live
  books, so a gift or a payment entered after publishing stays private until re-published.
  Publications made before this revision have none: the public page stays closed for them until
  an admin publishes again (the admin page says so).
- donation.anonymous: the donor asked for this one gift to stay anonymous in public lists
  (disclosure and honour roll show "Nhà hảo tâm ẩn danh"); the donor's other gifts keep the name.

Revision ID: 0012_disclosure_snapshot
Revises: 0011
Create Date: 2026-11-22 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_disclosure_snapshot'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_column('anonymous')
    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
