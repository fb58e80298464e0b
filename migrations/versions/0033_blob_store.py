"""blobs: finished PDFs, staged imports and backups in a store every node reaches (issue 20 A)

A file under one machine's instance/ folder is lost to the app's other nodes: a PDF printed by a
worker elsewhere, an import previewed on one web node and confirmed on another. Such bytes now go to
stored_blob (the default store, app.core.blobs) or to an S3-compatible bucket (BLOB_STORE_URL).
Existing finished print jobs name files on a local disk: they read as "needs printing again".

Revision ID: 0033_blob_store
Revises: 0032_member_rejoin
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0033_blob_store'
down_revision = '0032_member_rejoin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_blob',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_blob')),
    )
    with op.batch_alter_table('stored_blob', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_blob_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('stored_blob', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_blob_expires_at'))
    op.drop_table('stored_blob')
