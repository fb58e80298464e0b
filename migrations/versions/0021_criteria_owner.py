"""criteria sets get an owner (issue 15, finding 3)

- criteria_set.unit_id: NULL for the shared sets every unit uses (changed only by the top unit's admins),
  a unit's id for that unit's own copy; existing rows stay shared.
- criteria_set.origin_id: the shared set a unit's copy was made from (the copy replaces it for the unit).
- The unique (name, version) becomes two partial unique indexes: among the shared sets, and within one
  unit's own sets, so two communes may each keep a copy with the same name.

Revision ID: 0021_criteria_owner
Revises: 0020_issue14_merge
Create Date: 2026-12-06 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_criteria_owner'
down_revision = '0020_issue14_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('criteria_set', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_criteria_set_unit_id_unit'), 'unit', ['unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_criteria_set_origin_id_criteria_set'), 'criteria_set',
                                    ['origin_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_criteria_set_unit_id'), ['unit_id'], unique=False)
        batch_op.drop_constraint('uq_criteria_set_version', type_='unique')
        batch_op.create_index('uq_criteria_set_shared_version', ['name', 'version'], unique=True,
                              sqlite_where=sa.text('unit_id IS NULL'), postgresql_where=sa.text('unit_id IS NULL'))
        batch_op.create_index('uq_criteria_set_unit_version', ['unit_id', 'name', 'version'], unique=True,
                              sqlite_where=sa.text('unit_id IS NOT NULL'),
                              postgresql_where=sa.text('unit_id IS NOT NULL'))


def downgrade():
    # A unit's copies cannot become shared sets with the same name: they go (their assessments first).
    op.execute('DELETE FROM title_assessment WHERE criteria_set_id IN '
               '(SELECT id FROM criteria_set WHERE unit_id IS NOT NULL)')
    op.execute('UPDATE criteria_set SET superseded_by_id = NULL WHERE superseded_by_id IN '
               '(SELECT id FROM criteria_set WHERE unit_id IS NOT NULL)')
    op.execute('UPDATE criteria_set SET origin_id = NULL')
    op.execute('DELETE FROM criteria_set WHERE unit_id IS NOT NULL')
    with op.batch_alter_table('criteria_set', schema=None) as batch_op:
        batch_op.drop_index('uq_criteria_set_unit_version')
        batch_op.drop_index('uq_criteria_set_shared_version')
        batch_op.create_unique_constraint('uq_criteria_set_version', ['name', 'version'])
        batch_op.drop_index(batch_op.f('ix_criteria_set_unit_id'))
        batch_op.drop_constraint(batch_op.f('fk_criteria_set_origin_id_criteria_set'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_criteria_set_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('origin_id')
        batch_op.drop_column('unit_id')
