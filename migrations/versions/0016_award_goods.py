"""awards in goods: scholarship categories and commendation prizes (issue 13)

- award_category.goods_item / goods_unit / goods_quantity: what each award hands out from the
  round's unit stock ("10 quyển vở"); the free-text `goods` column stays for older categories
  (shown, never taken from stock) and is derived from these fields for new ones.
- nomination.goods_entry_id: the goods register's "out" entry (phiếu xuất) made when the award
  was handed out; cleared when the payment is reversed (the entry keeps its reversal).
- commendation_decision.default_goods_*: the prize in goods each honoree gets by default.
- honoree.goods_item / goods_unit / goods_quantity / goods_entry_id: a prize in goods and its
  goods entry.

goods_entry is created by 0013_goods, hence the revision it follows.

Revision ID: 0016_award_goods
Revises: 0013_goods
Create Date: 2026-12-06 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_award_goods'
down_revision = '0013_goods'
branch_labels = None
depends_on = None

POSITIVE = 'goods_quantity IS NULL OR goods_quantity > 0'


def _goods_columns(batch_op, prefix='goods'):
    batch_op.add_column(sa.Column(f'{prefix}_item', sa.String(length=200), nullable=False, server_default=''))
    batch_op.add_column(sa.Column(f'{prefix}_unit', sa.String(length=30), nullable=False, server_default=''))
    batch_op.add_column(sa.Column(f'{prefix}_quantity', sa.Numeric(precision=14, scale=2), nullable=True))


def _sqlite_upgrade():
    """SQLite adds a CHECK or a foreign key only by rebuilding the table (copy, DROP, rename), and
    dropping award_category or honoree while other rows point at them fails on a database with
    data. ALTER TABLE ADD COLUMN takes a REFERENCES clause for a column that defaults to NULL, so
    the columns and their foreign keys go in without a rebuild; the "quantity > 0" checks are left
    to the services (app.scholarships.award_goods, app.commendations.prize_goods) on SQLite."""
    for table, prefix in (('award_category', 'goods'), ('commendation_decision', 'default_goods'),
                          ('honoree', 'goods')):
        op.execute(f"ALTER TABLE {table} ADD COLUMN {prefix}_item VARCHAR(200) NOT NULL DEFAULT ''")
        op.execute(f"ALTER TABLE {table} ADD COLUMN {prefix}_unit VARCHAR(30) NOT NULL DEFAULT ''")
        op.execute(f"ALTER TABLE {table} ADD COLUMN {prefix}_quantity NUMERIC(14, 2)")
    for table in ('nomination', 'honoree'):
        op.execute(f"ALTER TABLE {table} ADD COLUMN goods_entry_id INTEGER "
                   f"CONSTRAINT fk_{table}_goods_entry_id_goods_entry REFERENCES goods_entry (id)")


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_upgrade()
        return
    with op.batch_alter_table('award_category', schema=None) as batch_op:
        _goods_columns(batch_op)
        batch_op.create_check_constraint('ck_award_category_goods_quantity_positive', POSITIVE)
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('goods_entry_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_nomination_goods_entry_id_goods_entry', 'goods_entry',
                                    ['goods_entry_id'], ['id'])
    with op.batch_alter_table('commendation_decision', schema=None) as batch_op:
        _goods_columns(batch_op, 'default_goods')
        batch_op.create_check_constraint('ck_commendation_decision_default_goods_quantity_positive',
                                         'default_goods_quantity IS NULL OR default_goods_quantity > 0')
    with op.batch_alter_table('honoree', schema=None) as batch_op:
        _goods_columns(batch_op)
        batch_op.add_column(sa.Column('goods_entry_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_honoree_goods_entry_id_goods_entry', 'goods_entry',
                                    ['goods_entry_id'], ['id'])
        batch_op.create_check_constraint('ck_honoree_goods_quantity_positive', POSITIVE)


def downgrade():
    checks = op.get_bind().dialect.name != 'sqlite'  # SQLite got no CHECKs (see _sqlite_upgrade)
    with op.batch_alter_table('honoree', schema=None) as batch_op:
        if checks:
            batch_op.drop_constraint('ck_honoree_goods_quantity_positive', type_='check')
        batch_op.drop_constraint('fk_honoree_goods_entry_id_goods_entry', type_='foreignkey')
        for name in ('goods_entry_id', 'goods_quantity', 'goods_unit', 'goods_item'):
            batch_op.drop_column(name)
    with op.batch_alter_table('commendation_decision', schema=None) as batch_op:
        if checks:
            batch_op.drop_constraint('ck_commendation_decision_default_goods_quantity_positive', type_='check')
        for name in ('default_goods_quantity', 'default_goods_unit', 'default_goods_item'):
            batch_op.drop_column(name)
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_constraint('fk_nomination_goods_entry_id_goods_entry', type_='foreignkey')
        batch_op.drop_column('goods_entry_id')
    with op.batch_alter_table('award_category', schema=None) as batch_op:
        if checks:
            batch_op.drop_constraint('ck_award_category_goods_quantity_positive', type_='check')
        for name in ('goods_quantity', 'goods_unit', 'goods_item'):
            batch_op.drop_column(name)
