"""books check (issue 13 part E): stored runs and the published snapshots' fingerprints

- books_check_run: one row per run of `flask books-check` (by hand or nightly in the print
  worker): when it started and finished, what it counted and every finding (JSON), so the
  admin dashboard shows the latest run's findings.
- disclosure_publication.snapshot_digest: the sha256 of the snapshot taken when an admin
  published (app.disclosure.snapshot.digest), so the books check can tell a published snapshot
  changed afterwards. Filled here for the snapshots already published.

Revision ID: 0017_books_check
Revises: 0012_disclosure_snapshot
Create Date: 2026-12-06 12:00:00

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_books_check'
down_revision = '0012_disclosure_snapshot'
branch_labels = None
depends_on = None


def _digest(data) -> str:
    # The same fingerprint as app.disclosure.snapshot.digest (copied: a migration must not
    # change meaning when the app's code changes later).
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def upgrade():
    op.create_table(
        'books_check_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('trigger', sa.String(length=20), nullable=False, server_default='cli'),
        sa.Column('finding_count', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('findings', sa.JSON(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_books_check_run')),
    )
    op.create_index('ix_books_check_run_started_at', 'books_check_run', ['started_at'])
    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snapshot_digest', sa.String(length=64), nullable=True))
    pub = sa.table('disclosure_publication', sa.column('id', sa.Integer()), sa.column('snapshot', sa.JSON()),
                   sa.column('snapshot_digest', sa.String()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(pub.c.id, pub.c.snapshot).where(pub.c.snapshot.is_not(None))).all()
    for pid, data in rows:
        if isinstance(data, str):  # a driver that hands JSON back as text
            data = json.loads(data)
        if data is None:
            continue
        bind.execute(pub.update().where(pub.c.id == pid).values(snapshot_digest=_digest(data)))


def downgrade():
    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.drop_column('snapshot_digest')
    op.drop_index('ix_books_check_run_started_at', table_name='books_check_run')
    op.drop_table('books_check_run')
