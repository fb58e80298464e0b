"""Printing the disclosure report and the honour rolls (sổ vàng).

GET answers the PDF directly while it is short (documents.DIRECT_MAX lines); a longer one answers
a page whose button (a real POST form) queues it on the print engine, whose progress page
then offers the download.
"""
from flask import url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.printing.offer import long_document_page, queue_from_form
from app.printing.services import pdf_response

from . import documents, report
from .routes import bp, load


def _long_page(title: str, lines: int, action: str, back: str):
    return long_document_page(title, lines, action, back)


def _queue(kind: str, params: dict, unit, title: str, filename: str):
    return queue_from_form(kind, params, unit=unit, title=title, filename=filename)


@bp.get("/quan-ly/<int:unit_id>/<int:year>.pdf")
@login_required
def report_pdf(unit_id, year):
    """The report in the administrative layout (A4, Tinos), for the notice board and the file."""
    unit = load(unit_id, year)
    rep = report.build(unit, year)
    title = f"Công khai quỹ năm {year} - {unit.name}"
    lines = documents.report_lines(rep)
    if lines > documents.DIRECT_MAX:
        return _long_page(title, lines, url_for(".report_print", unit_id=unit.id, year=year),
                          url_for(".report_page", unit_id=unit.id, year=year))
    return pdf_response(documents.report_pdf(rep), f"{title}.pdf")


@bp.post("/quan-ly/<int:unit_id>/<int:year>/in-nen")
@login_required
def report_print(unit_id, year):
    """Queue the report (any length) as a background print job."""
    unit = load(unit_id, year)
    title = f"Công khai quỹ năm {year} - {unit.name}"
    return _queue(documents.REPORT_KIND, {"unit_id": unit.id, "year": year}, unit, title, f"{title}.pdf")


def _honour(params: dict, action: str, back: str):
    roll = documents.honour_roll(params)
    if len(roll.rows) > documents.DIRECT_MAX:
        return _long_page(roll.filename.removesuffix(".pdf"), len(roll.rows), action, back)
    return pdf_response(documents.honour_pdf(roll), roll.filename)


@bp.get("/so-vang/dot/<int:campaign_id>.pdf")
@login_required
def honour_campaign(campaign_id):
    """The honour roll of one campaign."""
    from app.campaigns.models import Campaign

    campaign = get_or_404(Campaign, campaign_id)
    return _honour({"campaign_id": campaign.id}, url_for(".honour_campaign_print", campaign_id=campaign.id),
                   url_for("campaigns.detail", campaign_id=campaign.id))


@bp.post("/so-vang/dot/<int:campaign_id>/in-nen")
@login_required
def honour_campaign_print(campaign_id):
    from app.campaigns.models import Campaign

    campaign = get_or_404(Campaign, campaign_id)
    return _queue(documents.HONOUR_KIND, {"campaign_id": campaign.id}, campaign.unit,
                  f"Sổ vàng - {campaign.name}", f"Sổ vàng - {campaign.name}.pdf")


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
    return _queue(documents.HONOUR_KIND, {"unit_id": unit.id, "year": year}, unit,
                  f"Sổ vàng năm {year} - {unit.name}", f"Sổ vàng năm {year} - {unit.name}.pdf")
