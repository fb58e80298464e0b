"""A decision's PDFs: the decision itself and its attached list, and their background print jobs.

Short documents render in the request (a decision; a list of up to printing.offer.DIRECT_MAX lines);
a longer list, and a whole decision's certificates, go to the print engine's background jobs and the
user watches the progress page (/in-an/<id>). One honoree's certificate is in certificates.py.
"""
from flask import flash, url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.views import go
from app.printing.offer import print_or_offer, queue_from_form
from app.printing.services import pdf_response

from .. import documents, queries
from ..models import Decision
from . import bp


def _list_title(d: Decision) -> str:
    return f"Danh sách kèm Quyết định {d.number}"


@bp.get("/quyet-dinh/<int:decision_id>/quyet-dinh.pdf")
@login_required
def decision_pdf(decision_id):
    """The decision, A4 portrait (drafts print too, for checking before signing)."""
    d = get_or_404(Decision, decision_id)
    return pdf_response(documents.decision_pdf(d), f"Quyết định {d.number}.pdf")


@bp.get("/quyet-dinh/<int:decision_id>/danh-sach.pdf")
@login_required
def list_pdf(decision_id):
    """The attached list directly when short; a long one answers the page offering its background print."""
    d = get_or_404(Decision, decision_id)
    return print_or_offer(queries.totals(d)[0], lambda: documents.list_pdf(d), filename=f"{_list_title(d)}.pdf",
                          title=_list_title(d), action=url_for(".print_list", decision_id=d.id),
                          back=url_for(".detail", decision_id=d.id))


def _queue(d: Decision, kind: str, title: str, filename: str):
    return queue_from_form(kind, {"decision_id": d.id}, unit=d.unit, title=title, filename=filename)


@bp.post("/quyet-dinh/<int:decision_id>/in-danh-sach")
@login_required
def print_list(decision_id):
    """Queue the attached list (any length) as a background print job."""
    d = get_or_404(Decision, decision_id)
    return _queue(d, documents.LIST_KIND, _list_title(d), f"{_list_title(d)}.pdf")


@bp.post("/quyet-dinh/<int:decision_id>/in-giay-khen")
@login_required
def print_certificates(decision_id):
    """Queue every certificate of the decision as one PDF (one page each)."""
    d = get_or_404(Decision, decision_id)
    if not queries.totals(d)[0]:
        flash("Danh sách đang trống.", "error")
        return go(url_for(".detail", decision_id=d.id))
    return _queue(d, documents.CERTS_KIND, f"Giấy khen theo Quyết định {d.number}", f"Giấy khen {d.number}.pdf")
