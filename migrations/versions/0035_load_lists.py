"""lists under load: indexes and summaries for the heavy lists (issue 20 F)

A 10,000-nomination round's selection page summed its totals with seven CASE aggregates over the
round's rows (38 ms on SQLite); grouped by status, payment date and category from this covering
index it reads the index alone (about 1 ms), and the other rounds' unpaid approvals paying from the
same fund are found by round from it as well.

The province's members filtered by occupation and year, page 20: the list walked the whole name
index checking each entry (a veteran is one member in twelve; 24 ms); this index holds each
occupation's members in name order with the dates the year's test reads (under 1 ms).

Revision ID: 0035_load_lists
Revises: 0034_unit_merges
Create Date: 2026-12-07 10:00:00

"""
from alembic import op


revision = '0035_load_lists'
down_revision = '0034_unit_merges'
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_nomination_round_totals", "nomination", ["round_id", "status", "paid_on", "category_id", "amount"]),
    ("ix_member_occupation_list", "member", ["occupation", "name_key", "id", "joined_on", "ended_on"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
