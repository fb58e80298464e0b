"""closed periods (khóa sổ) and corrections of closed entries (issue 13, part D)

- closed_period: a month (1..12) or a whole year (month 0) of a unit's books, closed by a
  treasurer or an admin, or by publishing the year's disclosure; applies to the unit and every
  unit below it. Reopening keeps the row (closed = false, who, when, why).
- ledger_entry.corrects_id: a correction (source "adjustment", no number) dated in an open period
  of an entry of a closed one. Added with a plain ALTER TABLE on SQLite: a batch copy of the
  table would drop its append-only triggers.
- disclosure_publication.previous_published_at / previous_digest: the publication a republished
  disclosure replaced when its figures changed (the public page says so).

Revision ID: 0015_closed_periods
Revises: 0012_disclosure_snapshot
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa

from app.core import append_only


# revision identifiers, used by Alembic.
revision = '0015_closed_periods'
down_revision = '0012_disclosure_snapshot'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('closed_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('month >= 0 AND month <= 12', name=op.f('ck_closed_period_month_valid')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'], name=op.f('fk_closed_period_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user_account.id'], name=op.f('fk_closed_period_reopened_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_closed_period_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_period')),
    sa.UniqueConstraint('unit_id', 'year', 'month', name='uq_closed_period_unit_year_month')
    )
    op.create_index(op.f('ix_closed_period_unit_id'), 'closed_period', ['unit_id'], unique=False)

    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE ledger_entry ADD COLUMN corrects_id INTEGER '
                   'CONSTRAINT fk_ledger_entry_corrects_id_ledger_entry REFERENCES ledger_entry (id)')
    else:
        op.add_column('ledger_entry', sa.Column('corrects_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_ledger_entry_corrects_id_ledger_entry'), 'ledger_entry', 'ledger_entry',
                              ['corrects_id'], ['id'])
    op.create_index(op.f('ix_ledger_entry_corrects_id'), 'ledger_entry', ['corrects_id'], unique=False)

    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_published_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('previous_digest', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.drop_column('previous_digest')
        batch_op.drop_column('previous_published_at')
    op.drop_index(op.f('ix_ledger_entry_corrects_id'), table_name='ledger_entry')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column with a foreign key in place: the batch copy drops the
        # table's triggers with the old table, so they are put back.
        with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
            batch_op.drop_column('corrects_id')
        append_only.apply(op, 'ledger_entry')
    else:
        op.drop_constraint(op.f('fk_ledger_entry_corrects_id_ledger_entry'), 'ledger_entry', type_='foreignkey')
        op.drop_column('ledger_entry', 'corrects_id')
    op.drop_index(op.f('ix_closed_period_unit_id'), table_name='closed_period')
    op.drop_table('closed_period')
