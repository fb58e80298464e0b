"""The books check's findings page (/kiem-tra-so-sach): the latest run, for admins and auditors.

Each user sees the findings about units in their scope (app.books.runs.visible); the page reads a
stored run and never runs the check itself (that is `flask books-check` or the nightly task).
"""
from flask import Blueprint, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.routing import BuildError

from app.core.authz import authorize
from app.core.views import render
from app.extensions import db
from app.units.models import Unit

from . import checks, runs
from .models import BooksCheckRun

bp = Blueprint("books", __name__, url_prefix="/kiem-tra-so-sach")

# ref "table:id" -> (endpoint, argument): where a finding's record can be opened.
_PAGES = {
    "donation": ("donations.detail", "donation_id"),
    "fund": ("funds.detail", "fund_id"),
    "ledger_entry": ("funds.receipt_pdf", "entry_id"),
    "commendation_decision": ("commendations.detail", "decision_id"),
    "goods_entry": ("goods.detail", "entry_id"),
}


def ref_link(ref: str) -> str | None:
    table, _, rest = (ref or "").partition(":")
    page = _PAGES.get(table)
    if page is None or not rest.isdigit():
        return None
    try:
        return url_for(page[0], **{page[1]: int(rest)})
    except BuildError:
        return None


def unit_names(findings) -> dict[int, str]:
    ids = {f.unit_id for f in findings if f.unit_id}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}


@bp.get("/")
@login_required
def index():
    """The latest run's findings grouped by kind, what it checked, and the recent runs."""
    authorize("audit.view")
    run = runs.latest()
    found = runs.visible(run, current_user)
    grouped: dict[str, list] = {}
    for f in found:
        grouped.setdefault(f.kind, []).append(f)
    # Each run's count as this user may see it (another commune's findings are not theirs to count).
    recent = [(r, len(runs.visible(r, current_user))) for r in
              db.session.scalars(select(BooksCheckRun).order_by(BooksCheckRun.id.desc()).limit(10))]
    return render("books/index.html", partial="books/_findings.html", run=run, findings=found, grouped=grouped,
                  kinds=checks.KINDS, names=unit_names(found), ref_link=ref_link, recent=recent)
