"""Pupil pages, one module a noun (one blueprint): pupils (list, create/edit, results, achievements,
sponsorships, merge), records (a result or achievement edited or removed), schools, imports (.xlsx)."""
from flask import Blueprint

bp = Blueprint("pupils", __name__, url_prefix="/hoc-sinh")


def refusal_text(form) -> str:
    """What attempt() put on a form that has no place to show it (a preview's top line)."""
    return " ".join(form.form_errors + [e for field in form for e in field.errors])


from . import pupils, imports, records, schools  # noqa: E402,F401  (they add their views to bp)
