"""disclosure: disclosure_publication (which unit's yearly công khai the public may see)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_disclosure_publication_unit_id_unit')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'],
                            name=op.f('fk_disclosure_publication_published_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_publication')),
    sa.UniqueConstraint('unit_id', 'year', name='uq_disclosure_unit_year')
    )
    with op.batch_alter_table('disclosure_publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_publication_unit_id'), ['unit_id'], unique=False)


def downgrade():
    op.drop_table('disclosure_publication')
