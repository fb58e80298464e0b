"""one head again after issue 13's branches (goods, closed periods, awards in goods, books check)

The four branches were written side by side from 0012; they touch different tables, so their
order does not matter. Merging them gives `flask db upgrade` (and a later autogenerate) one head.

Revision ID: 0018_issue13_merge
Revises: 0015_closed_periods, 0016_award_goods, 0017_books_check
Create Date: 2026-12-06 12:00:00

"""

# revision identifiers, used by Alembic.
revision = '0018_issue13_merge'
down_revision = ('0015_closed_periods', '0016_award_goods', '0017_books_check')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
