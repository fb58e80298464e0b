"""Fund pages, one module a noun, all on one blueprint (/quy):

- funds.py     the list with balances, a fund's ledger and its export, a new fund;
- payments.py  money out of a fund: a payment (phiếu chi), a transfer to another fund;
- entries.py   one ledger entry: its printed receipt/voucher, voiding it, correcting it.
"""
from flask import Blueprint

bp = Blueprint("funds", __name__, url_prefix="/quy")

from . import entries, funds, payments  # noqa: E402,F401  (they add their views to bp)

__all__ = ["bp"]
