"""The commendations blueprint (/khen-thuong) and what its route modules share. One module a noun:

- decisions.py: the decision list and its export, a new draft, a decision's page, its header, issuing, amending
- honorees.py: one line of a draft (add, correct, take off, pick from the register), a decision's list
  as .xlsx, and everyone commended across decisions
- imports.py: many lines brought in at once: pasted, from a scholarship round, a campaign, the
  assessments, or an .xlsx file (upload, preview, confirm)
- lines.py: the ticked lines of a decision's list (take off, pay again, print their certificates)
- printing.py: a decision's PDFs (the decision, its attached list) and their background print jobs
- certificates.py: a unit's certificate template and its sample; one honoree's certificate
- logos.py: the unit's own logo (upload, remove); blanks.py: printing onto pre-printed blanks
- prizes.py: prize money after issuing (hoàn chi, chi lại)
- criteria.py: criteria sets; assessments.py: learning-title assessments

Views read: authorise, load, form, one service call (core.views.attempt / confirm_action), answer.
"""
from flask import Blueprint, flash, request, url_for

from app.core.views import go
from app.scholarships.award_goods import stock_items  # noqa: F401  (the prize-in-goods fields' suggestions)

from .. import queries, services
from ..models import Decision

bp = Blueprint("commendations", __name__, url_prefix="/khen-thuong")


def frozen_page(d: Decision):
    """An issued decision's edit pages send the user back to it (saving would be refused anyway)."""
    if d.frozen and request.method == "GET":
        flash(services.FROZEN_MESSAGE, "error")
        return go(url_for("commendations.detail", decision_id=d.id))
    return None


def honoree_rows(d: Decision, args):
    """(the whole list, {honoree id: [warning]}, the (number, honoree) pairs shown, only_warned) for a
    decision's page, its export and its ticked lines: one reading of the `canh_bao` filter.

    Warnings compare each name with the whole list, so they are found on all rows; the rows keep
    their numbers in the printed list (?canh_bao=1: only the rows with a warning)."""
    rows = services.honorees(d)
    warnings = queries.list_warnings(d, rows)
    numbered = list(enumerate(rows, 1))
    only_warned = args.get("canh_bao") == "1"
    if only_warned:
        numbered = [(n, h) for n, h in numbered if h.id in warnings]
    return rows, warnings, numbered, only_warned


# Each module registers its views on bp when imported; bp is defined above, so they can import it.
from . import (assessments, blanks, certificates, criteria, decisions, honorees, imports, lines,  # noqa: E402,F401
               logos, printing, prizes)
