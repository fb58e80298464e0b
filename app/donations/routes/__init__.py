"""Donation pages, one module a noun, all on one blueprint (/quyen-gop):

- gifts.py    quick entry of one gift, the list (filters, totals, export), a gift's page, voiding it;
- batches.py  entry of a whole paper collection sheet against its control total;
- donors.py   donors (nhà hảo tâm): suggestions while typing, list, page, edit, merge;
- imports.py  the .xlsx import: template, upload and preview, confirmation.
"""
from flask import Blueprint

bp = Blueprint("donations", __name__, url_prefix="/quyen-gop")
EXPORT_BATCH = 2000  # donations read (with their donors, campaigns, receipts) per round trip of an export

from . import batches, donors, gifts, imports  # noqa: E402,F401  (they add their views to bp)

__all__ = ["bp", "EXPORT_BATCH"]
