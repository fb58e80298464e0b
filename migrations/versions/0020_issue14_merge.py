"""merge issue 14 heads: several roles per user, certificate wording per kind

Revision ID: 0020_issue14_merge
Revises: 0019_user_roles, 0019_cert_wording
Create Date: 2026-12-06 15:00:00

"""

revision = '0020_issue14_merge'
down_revision = ('0019_user_roles', '0019_cert_wording')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
