"""Piggy-bank pages, one module a noun (one blueprint): piggybanks (the list, a pig's page, issuing),
openings (mổ heo, voids, tái đàn, retiring, codes), batch (many openings from a sheet or the list),
reports (the opening-day sheet, the report)."""
from flask import Blueprint

bp = Blueprint("piggybanks", __name__, url_prefix="/heo-dat")

from . import piggybanks, batch, openings, reports  # noqa: E402,F401  (they add their views to bp)
