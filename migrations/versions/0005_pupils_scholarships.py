"""pupils and scholarships: school, pupil, pupil_result, pupil_achievement, sponsorship,
scholarship_round, award_category, nomination

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-22 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.Column('name_order', sa.String(length=255), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('commune', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_school_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school'))
    )
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_search_key'), ['search_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_school_unit_id'), ['unit_id'], unique=False)

    op.create_table('pupil',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('ho', sa.String(length=60), nullable=False),
    sa.Column('dem', sa.String(length=100), nullable=False),
    sa.Column('ten', sa.String(length=60), nullable=False),
    sa.Column('name_key', sa.String(length=255), nullable=False),
    sa.Column('search_key', sa.String(length=220), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=6), nullable=False),
    sa.Column('ethnicity', sa.String(length=40), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('grade', sa.Integer(), nullable=True),
    sa.Column('class_name', sa.String(length=20), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('village', sa.String(length=120), nullable=False),
    sa.Column('village_key', sa.String(length=120), nullable=False),
    sa.Column('guardian', sa.String(length=120), nullable=False),
    sa.Column('guardian_key', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('poor', sa.Boolean(), nullable=False),
    sa.Column('near_poor', sa.Boolean(), nullable=False),
    sa.Column('orphan', sa.Boolean(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('minority', sa.Boolean(), nullable=False),
    sa.Column('other_hardship', sa.Boolean(), nullable=False),
    sa.Column('circumstance_note', sa.String(length=300), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['pupil.id'], name=op.f('fk_pupil_merged_into_id_pupil')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_pupil_school_id_school')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_pupil_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupil'))
    )
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.create_index('ix_pupil_dup_birth', ['search_key', 'birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_pupil_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_pupil_search', ['unit_id', 'merged_into_id', 'search_key', 'name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_pupil_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('ix_pupil_unit_name', ['unit_id', 'name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_pupil_village_key'), ['village_key'], unique=False)

    op.create_table('scholarship_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.Column('ceremony_date', sa.Date(), nullable=True),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('budget >= 0', name=op.f('ck_scholarship_round_budget_not_negative')),
    sa.ForeignKeyConstraint(['fund_id'], ['fund.id'], name=op.f('fk_scholarship_round_fund_id_fund')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_scholarship_round_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scholarship_round'))
    )
    with op.batch_alter_table('scholarship_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scholarship_round_unit_id'), ['unit_id'], unique=False)

    op.create_table('award_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('goods', sa.String(length=200), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_award_category_amount_not_negative')),
    sa.ForeignKeyConstraint(['round_id'], ['scholarship_round.id'], name=op.f('fk_award_category_round_id_scholarship_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_award_category_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_category'))
    )
    with op.batch_alter_table('award_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_category_round_id'), ['round_id'], unique=False)

    op.create_table('pupil_achievement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('search_key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_pupil_achievement_pupil_id_pupil')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupil_achievement'))
    )
    with op.batch_alter_table('pupil_achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pupil_achievement_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('pupil_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('grade_word', sa.String(length=30), nullable=False),
    sa.Column('old_text', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_pupil_result_pupil_id_pupil')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupil_result'))
    )
    with op.batch_alter_table('pupil_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pupil_result_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('sponsorship',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('sponsor_name', sa.String(length=200), nullable=False),
    sa.Column('sponsor_kind', sa.String(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('period', sa.String(length=6), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_sponsorship_pupil_id_pupil')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_sponsorship_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsorship'))
    )
    with op.batch_alter_table('sponsorship', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sponsorship_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sponsorship_unit_id'), ['unit_id'], unique=False)

    op.create_table('nomination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('proposer', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('achievement', sa.String(length=300), nullable=False),
    sa.Column('achievement_key', sa.String(length=300), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_reason', sa.String(length=300), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_nomination_amount_not_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['award_category.id'], name=op.f('fk_nomination_category_id_award_category')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_nomination_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['paid_entry_id'], ['ledger_entry.id'], name=op.f('fk_nomination_paid_entry_id_ledger_entry')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], name=op.f('fk_nomination_pupil_id_pupil')),
    sa.ForeignKeyConstraint(['round_id'], ['scholarship_round.id'], name=op.f('fk_nomination_round_id_scholarship_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_nomination_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination'))
    )
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index('ix_nomination_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_unit_id'), ['unit_id'], unique=False)


def downgrade():
    for table in ("nomination", "sponsorship", "pupil_result", "pupil_achievement", "award_category",
                  "scholarship_round", "pupil", "school"):
        op.drop_table(table)
