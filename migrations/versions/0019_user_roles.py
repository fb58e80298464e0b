"""user roles (issue 14 B): a user may hold several roles

- user_role: one row per user and role (a commune's chair who also keeps the books holds
  "admin" and "treasurer"). Filled from user_account.role, then that column is dropped so the
  roles are stored in one place only.

Revision ID: 0019_user_roles
Revises: 0018_issue13_merge
Create Date: 2026-12-06 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_user_roles'
down_revision = '0018_issue13_merge'
branch_labels = None
depends_on = None

# Highest first: the role a downgrade keeps when a user holds several (copied, not imported:
# a migration must not change meaning when the app's code changes later).
ORDER = ("admin", "treasurer", "clerk", "viewer")


def upgrade():
    op.create_table(
        'user_role',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_role_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role')),
    )
    op.execute("INSERT INTO user_role (user_id, role) SELECT id, role FROM user_account")
    # A plain DROP COLUMN (SQLite ≥ 3.35 and PostgreSQL): a batch rebuild of user_account would
    # drop a table that nearly every other table points at.
    op.execute("ALTER TABLE user_account DROP COLUMN role")


def downgrade():
    op.execute("ALTER TABLE user_account ADD COLUMN role VARCHAR(20) NOT NULL DEFAULT 'viewer'")
    for role in reversed(ORDER):  # the highest role written last wins
        op.execute(sa.text("UPDATE user_account SET role = :role WHERE id IN "
                           "(SELECT user_id FROM user_role WHERE role = :role)").bindparams(role=role))
    op.drop_table('user_role')
