"""A decision's PDFs: the decision itself and its attached list, and their background print jobs.

Short documents render in the request (a decision; a list of up to printing.offer.DIRECT_MAX lines);
a longer list, and a decision's certificates, go to the print engine's background jobs and the
user watches the progress page (/in-an/<id>), whose file opens inline. The certificates print as one
PDF for the whole decision or one PDF per class, school or village (the page /in-giay-khen/theo-nhom: a teacher
gets only her class's). One honoree's certificate is in certificates.py.
"""
from flask import abort, flash, url_for
from flask_login import login_required
from wtforms import HiddenField
from wtforms.validators import InputRequired, Length

from app.core.authz import get_or_404
from app.core.forms import ConfirmForm
from app.core.views import go, render
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


class GroupPrintForm(ConfirmForm):
    """One group's "In" button: the group's heading as the attached list prints it ("Lớp 5A", "(Chưa ghi)")."""

    nhom = HiddenField(validators=[InputRequired(), Length(max=300)])


# Not the POST's own address: two rules on one path that differ by method answer a too-large id with
# 405 instead of 404 (werkzeug tries the converter only on the rule whose method matches).
@bp.get("/quyet-dinh/<int:decision_id>/in-giay-khen/theo-nhom")
@login_required
def certificate_groups(decision_id):
    """The certificates to print: all of them as one PDF, or one PDF per class, school or village."""
    d = get_or_404(Decision, decision_id)
    groups = documents.certificate_groups(d)
    return render("commendations/certificate_groups.html", partial="commendations/_certificate_groups.html",
                  d=d, groups=groups, count=sum(g.count for g in groups), form=ConfirmForm())


@bp.post("/quyet-dinh/<int:decision_id>/in-giay-khen/nhom")
@login_required
def print_certificates_group(decision_id):
    """Queue one group's certificates (form field nhom: the group's heading) as a PDF of their own."""
    d = get_or_404(Decision, decision_id)
    form = GroupPrintForm()
    if not form.validate_on_submit():
        abort(400)  # the page's buttons always send a group: anything else is not from the page
    group = documents.certificate_group(d, form.nhom.data)
    if group is None:  # the list changed since the page was shown (lines moved, taken off)
        flash(f"Danh sách không còn nhóm “{form.nhom.data}”. Hãy chọn lại.", "error")
        return go(url_for(".certificate_groups", decision_id=d.id))
    return queue_from_form(documents.CERTS_KIND, {"decision_id": d.id, "honoree_ids": list(group.ids)}, unit=d.unit,
                           title=f"Giấy khen theo Quyết định {d.number} - {group.key} ({group.count} giấy)",
                           filename=documents.group_filename(d, group))
