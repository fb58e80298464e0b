"""The public disclosure page: no login, 404 until an admin publishes the unit's year.

Light on purpose (one small stylesheet, no JavaScript, no personal data beyond the names of
donors who did not ask to stay anonymous), so it opens on an old phone on slow mobile data.
"""
from flask import abort

from app.core.views import render
from app.extensions import db
from app.units.models import Unit

from . import report, services
from .routes import bp


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    return unit


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
    """A published year's report for anyone; the same figures as the printed one."""
    unit = _unit(unit_id)
    pub = services.published(unit, year)
    if pub is None:
        abort(404)
    return render("disclosure/public.html", partial="disclosure/_public.html", rep=report.build(unit, year),
                  pub=pub)
