"""Disclosure pages, one module a noun, all on one blueprint (/cong-khai):

- reports.py  for the association's users: pick a unit and year, read the report, print it,
              publish or withdraw it (admins);
- honour.py   the donors' honour rolls (sổ vàng) of a campaign or of a unit's year, printed;
- public.py   the public page and its PDF: no login, 404 until an admin publishes the year.
"""
from flask import Blueprint

bp = Blueprint("disclosure", __name__, url_prefix="/cong-khai")

from . import honour, public, reports  # noqa: E402,F401  (they add their views to bp)

__all__ = ["bp"]
