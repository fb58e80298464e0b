"""blobs: finished PDFs, staged imports and backups in a store every node reaches (issue 20 A)

Revision ID: 0033_blob_store
Revises: 0032_member_rejoin
Create Date: 2026-12-07 10:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0033_blob_store'
down_revision = '0032_member_rejoin'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
