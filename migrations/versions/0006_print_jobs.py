"""print jobs: print_job; merges the piggy-bank (0004) and scholarship (0005) branches

Revision ID: 0006
Revises: 0004, 0005
Create Date: 2026-11-22 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = ('0004', '0005')
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('print_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('file_path', sa.String(length=500), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_print_job_status_valid')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_print_job_progress_range')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_print_job_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_print_job_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_job'))
    )
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_job_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_job_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_job_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index('ix_print_job_hash_status', ['content_hash', 'status'], unique=False)
        batch_op.create_index('ix_print_job_status_heartbeat', ['status', 'heartbeat_at'], unique=False)


def downgrade():
    op.drop_table('print_job')
