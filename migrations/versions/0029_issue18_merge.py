"""merge issue 18 heads: lookups counter, certificate designs, logos, blanks, the papers' key

Revision ID: 0029_issue18_merge
Revises: 0024_paper_lookups, 0025_cert_designs, 0026_cert_logo, 0027_blank_print, 0028_paper_key
Create Date: 2026-12-07 04:15:00

"""

revision = '0029_issue18_merge'
down_revision = ('0024_paper_lookups', '0025_cert_designs', '0026_cert_logo', '0027_blank_print', '0028_paper_key')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
