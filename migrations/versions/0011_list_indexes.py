"""list indexes: one index for every filter and sort the big lists offer (issue 8)

Measured on the bench province (200,000 donations, 30,000 pupils, 20,000 nominations):
- donation: the province-wide list walks (donation_date, id) instead of sorting the whole table;
  the donor filter reads (donor_id, voided_at, donation_date, id, amount) alone, page and totals
  (it replaces the plain donor_id index, its prefix); the collector-unit filter and the entry
  page's "my latest gifts" get their own (…, donation_date, id) indexes.
- ledger_entry: (fund_id, direction, entry_date, id, amount) serves the direction filter in date
  order and makes a fund's balance an index-only sum; (fund_id, source, entry_date, id) serves the
  source filter.
- nomination: (round_id, category_id, status, pupil_id) for the selection page's filters, read
  without touching the table; (pupil_id, round_id) replaces the plain pupil_id index.
- pupil, donor: (name_key, id, merged_into_id, search_key) for the association-wide lists in name
  order: walked in order with the merged rows and the name search checked in the index itself, so
  a page, a deep page or a rare name never reads the table row by row. Not led by merged_into_id:
  SQLite would then pick it for every "merged_into_id IS NULL" instead of the search key's index.
- audit_log: (action, id) and (object_type, id) for the log's filters, newest first.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-22 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

NEW = [
    ("ix_donation_date", "donation", ["donation_date", "id"]),
    ("ix_donation_donor_live", "donation", ["donor_id", "voided_at", "donation_date", "id", "amount"]),
    ("ix_donation_collector_unit", "donation", ["collector_unit_id", "donation_date", "id"]),
    ("ix_donation_created_by", "donation", ["created_by_id", "donation_date", "id"]),
    ("ix_ledger_entry_fund_direction", "ledger_entry", ["fund_id", "direction", "entry_date", "id", "amount"]),
    ("ix_ledger_entry_fund_source", "ledger_entry", ["fund_id", "source", "entry_date", "id"]),
    ("ix_nomination_round_filters", "nomination", ["round_id", "category_id", "status", "pupil_id"]),
    ("ix_nomination_pupil_round", "nomination", ["pupil_id", "round_id"]),
    ("ix_pupil_name", "pupil", ["name_key", "id", "merged_into_id", "search_key"]),
    ("ix_donor_name", "donor", ["name_key", "id", "merged_into_id", "search_key"]),
    ("ix_audit_action_id", "audit_log", ["action", "id"]),
    ("ix_audit_type_id", "audit_log", ["object_type", "id"]),
]
# Plain indexes whose column is now the first column of a wider one above.
REPLACED = [
    ("ix_donation_donor_id", "donation", ["donor_id"]),
    ("ix_nomination_pupil_id", "nomination", ["pupil_id"]),
]


def upgrade():
    for name, table, columns in NEW:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade():
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in reversed(NEW):
        op.drop_index(name, table_name=table)
