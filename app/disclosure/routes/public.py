"""The public disclosure page and its PDF: no login, 404 until an admin publishes the unit's year.

Both show the report frozen when the admin published (services.public_report), never the live
books: what is entered afterwards goes public only when the admin publishes again.
Light on purpose (one small stylesheet, no JavaScript, no personal data beyond the names of
donors who did not ask to stay anonymous), so it opens on an old phone on slow mobile data.
"""
from flask import abort

from app.core import rls
from app.core.views import render
from app.extensions import db
from app.printing.services import pdf_response
from app.units.models import Unit

from .. import documents, services
from . import bp


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)  # the tree has no row policy (app/core/rls.py)
    if unit is None:
        abort(404)
    rls.public_scope(unit.path)  # the page reads this unit's publications, whoever is signed in
    return unit


def _published(unit_id: int, year: int):
    pub = services.published(_unit(unit_id), year)
    if pub is None:
        abort(404)
    return pub


@bp.get("/<int:unit_id>")
def public_index(unit_id):
    """The years a unit has published (404 when none is)."""
    unit = _unit(unit_id)
    pubs = services.published_years(unit)
    if not pubs:
        abort(404)
    return render("disclosure/public_index.html", partial="disclosure/_public_index.html", unit=unit, pubs=pubs)


@bp.get("/<int:unit_id>/<int:year>")
def public(unit_id, year):
    """A published year's report for anyone, as it stood when published."""
    pub = _published(unit_id, year)
    return render("disclosure/public.html", partial="disclosure/_public.html", rep=services.public_report(pub),
                  pub=pub, frozen_at=services.frozen_at_text(pub), revised=services.revised_text(pub))


@bp.get("/<int:unit_id>/<int:year>.pdf")
def public_pdf(unit_id, year):
    """The same published report as a PDF (printed once per publication; a long one in the
    background right after publishing, so it may answer "not ready yet" for a few minutes)."""
    pub = _published(unit_id, year)
    pdf = documents.public_pdf(pub)
    if pdf is None:
        resp = render("disclosure/public_pdf_wait.html", partial="disclosure/_public_pdf_wait.html", status=503,
                      pub=pub)
        resp.headers["Retry-After"] = "120"
        return resp
    return pdf_response(pdf, f"{documents.public_title(pub)}.pdf")
