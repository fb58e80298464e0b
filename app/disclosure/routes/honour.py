"""The donors' honour rolls (sổ vàng), printed: of one campaign, or of the gifts to a unit's funds
in a year. GET answers the PDF while it is short (documents.DIRECT_MAX lines), else a page whose
button (a real POST form) queues it on the print engine, whose progress page offers the download.
"""
from flask import url_for
from flask_login import login_required

from app.campaigns.models import Campaign
from app.core.authz import get_or_404
from app.printing.offer import print_or_offer, queue_from_form

from .. import documents
from . import bp
from .reports import load


def _honour(params: dict, action: str, back: str):
    roll = documents.honour_roll(params)
    return print_or_offer(len(roll.rows), lambda: documents.honour_pdf(roll), filename=roll.filename,
                          title=roll.filename.removesuffix(".pdf"), action=action, back=back,
                          limit=documents.DIRECT_MAX)


@bp.get("/so-vang/dot/<int:campaign_id>.pdf")
@login_required
def honour_campaign(campaign_id):
    """The honour roll of one campaign."""
    campaign = get_or_404(Campaign, campaign_id)
    return _honour({"campaign_id": campaign.id}, url_for(".honour_campaign_print", campaign_id=campaign.id),
                   url_for("campaigns.detail", campaign_id=campaign.id))


@bp.post("/so-vang/dot/<int:campaign_id>/in-nen")
@login_required
def honour_campaign_print(campaign_id):
    campaign = get_or_404(Campaign, campaign_id)
    return queue_from_form(documents.HONOUR_KIND, {"campaign_id": campaign.id}, unit=campaign.unit,
                           title=f"Sổ vàng - {campaign.name}", filename=f"Sổ vàng - {campaign.name}.pdf")


@bp.get("/so-vang/<int:unit_id>/<int:year>.pdf")
@login_required
def honour_year(unit_id, year):
    """The honour roll of the gifts to a unit's funds in a year."""
    unit = load(unit_id, year)
    return _honour({"unit_id": unit.id, "year": year}, url_for(".honour_year_print", unit_id=unit.id, year=year),
                   url_for(".report_page", unit_id=unit.id, year=year))


@bp.post("/so-vang/<int:unit_id>/<int:year>/in-nen")
@login_required
def honour_year_print(unit_id, year):
    unit = load(unit_id, year)
    return queue_from_form(documents.HONOUR_KIND, {"unit_id": unit.id, "year": year}, unit=unit,
                           title=f"Sổ vàng năm {year} - {unit.name}", filename=f"Sổ vàng năm {year} - {unit.name}.pdf")
