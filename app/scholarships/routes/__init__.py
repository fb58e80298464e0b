"""Scholarship pages, one module a noun (one blueprint): rounds (and their categories, the selection
page), nominations (nominating, deciding one or many), payouts (the signing sheet, paying, reversing,
the summary), awards (the list across rounds), imports (a school's .xlsx list)."""
from flask import Blueprint

bp = Blueprint("scholarships", __name__, url_prefix="/hoc-bong")


from . import rounds, awards, nominations, imports, payouts  # noqa: E402,F401  (they add their views to bp)
