"""merge issue 15 heads: import progress, criteria sets owned by a unit

Revision ID: 0022_issue15_merge
Revises: 0021_import_progress, 0021_criteria_owner
Create Date: 2026-12-06 18:00:00

"""

revision = '0022_issue15_merge'
down_revision = ('0021_import_progress', '0021_criteria_owner')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
