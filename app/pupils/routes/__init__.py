"""Pupil pages, one module a noun (one blueprint): pupils (list, create/edit, results, achievements,
sponsorships, merge), records (a result or achievement edited or removed), schools, imports (.xlsx)."""
from flask import Blueprint

bp = Blueprint("pupils", __name__, url_prefix="/hoc-sinh")


from . import pupils, imports, records, schools  # noqa: E402,F401  (they add their views to bp)
