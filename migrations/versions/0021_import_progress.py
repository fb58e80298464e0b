"""import progress (issue 15, finding 1): a confirmed import is written in batches, each recording
how far it got, so a crash or a refused batch leaves whole batches and confirming again continues

Revision ID: 0021_import_progress
Revises: 0020_issue14_merge
Create Date: 2026-12-06 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_import_progress'
down_revision = '0020_issue14_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('batches', sa.Integer(), nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_import_progress_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_progress')),
        sa.UniqueConstraint('key', name=op.f('uq_import_progress_key')),
    )


def downgrade():
    op.drop_table('import_progress')
