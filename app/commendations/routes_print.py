"""Printing a decision: the decision itself, its attached list, the certificates, and their preview.

Short documents render in the request (a decision, one certificate, a list of up to
LIST_DIRECT_MAX lines); a whole decision's certificates and long lists go to the print
engine's background jobs and the user watches the progress page (/in-an/<id>).
"""
from flask import flash, url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.views import go, render
from app.printing.offer import queue_from_form
from app.printing.services import pdf_response, render_pdf

from . import certificates as certs
from . import documents, queries
from .models import Decision, Honoree
from .routes import bp

LIST_DIRECT_MAX = 150


@bp.get("/quyet-dinh/<int:decision_id>/quyet-dinh.pdf")
@login_required
def decision_pdf(decision_id):
    """The decision, A4 portrait (drafts print too, for checking before signing)."""
    d = get_or_404(Decision, decision_id)
    return pdf_response(documents.decision_pdf(d), f"Quyết định {d.number}.pdf")


@bp.get("/quyet-dinh/<int:decision_id>/danh-sach.pdf")
@login_required
def list_pdf(decision_id):
    """The attached list directly when short; a long one is printed in the background instead."""
    d = get_or_404(Decision, decision_id)
    count, _ = queries.totals(d)
    if count > LIST_DIRECT_MAX:
        flash(f"Danh sách có {count} dòng: hãy bấm “In danh sách (chạy nền)”.", "error")
        return go(url_for(".detail", decision_id=d.id))
    return pdf_response(documents.list_pdf(d), f"Danh sách kèm Quyết định {d.number}.pdf")


def _queue(d: Decision, kind: str, title: str, filename: str):
    return queue_from_form(kind, {"decision_id": d.id}, unit=d.unit, title=title, filename=filename)


@bp.post("/quyet-dinh/<int:decision_id>/in-danh-sach")
@login_required
def print_list(decision_id):
    """Queue the attached list (any length) as a background print job."""
    d = get_or_404(Decision, decision_id)
    return _queue(d, documents.LIST_KIND, f"Danh sách kèm Quyết định {d.number}",
                  f"Danh sách kèm Quyết định {d.number}.pdf")


@bp.post("/quyet-dinh/<int:decision_id>/in-giay-khen")
@login_required
def print_certificates(decision_id):
    """Queue every certificate of the decision as one PDF (one page each)."""
    d = get_or_404(Decision, decision_id)
    if not queries.totals(d)[0]:
        flash("Danh sách đang trống.", "error")
        return go(url_for(".detail", decision_id=d.id))
    return _queue(d, documents.CERTS_KIND, f"Giấy khen theo Quyết định {d.number}",
                  f"Giấy khen {d.number}.pdf")


def _one(honoree_id):
    h = get_or_404(Honoree, honoree_id)
    return h, certs.certificate_of(h)


@bp.get("/nguoi/<int:honoree_id>/giay-khen.pdf")
@login_required
def certificate_pdf(honoree_id):
    """One certificate on its own (A4 landscape)."""
    h, c = _one(honoree_id)
    return pdf_response(render_pdf("commendations/pdf/certificates.html", items=[c]),
                        f"Giấy khen {h.full_name}.pdf")


@bp.get("/nguoi/<int:honoree_id>/xem-giay-khen")
@login_required
def certificate_preview(honoree_id):
    """The certificate as an HTML page (same markup and stylesheet as the PDF), before printing."""
    h, c = _one(honoree_id)
    return render("commendations/certificate_preview.html", partial="commendations/_certificate_preview.html",
                  h=h, c=c)
