"""A member linked to their donor record, not typed twice (see app.members.links).

The member's page includes members/_links.html (the linked donor, their gifts, sponsorships and
commendations, or the donors who may be the same person, each with a one-click "Liên kết" form).
Every change is a plain POST form with CSRF (htmx only swaps the block in place); searching for
another donor without JavaScript is a GET page of its own (link_donor_search).
"""
from flask import abort, request, url_for
from flask_login import current_user, login_required
from wtforms import IntegerField
from wtforms.validators import DataRequired

from app.core.authz import authorize, get_or_404
from app.core.forms import BaseForm, ConfirmForm
from app.core.idempotency import IdempotentForm
from app.core.rendering import is_htmx
from app.core.views import attempt, go, render
from app.donations.donors import Donor

from .. import links
from ..models import Member
from . import bp


class LinkDonorForm(BaseForm):
    donor_id = IntegerField("Nhà hảo tâm", validators=[DataRequired("Vui lòng chọn nhà hảo tâm.")])


class CreateDonorForm(IdempotentForm):
    """"Tạo hồ sơ nhà hảo tâm từ hội viên": a double click makes one donor."""


@bp.app_template_global("member_links")
def member_links(member: Member) -> dict:
    """What members/_links.html shows (called from the member's page, which the register owns)."""
    return {"links": links.links_of(member, current_user), "link_form": LinkDonorForm(formdata=None),
            "create_form": CreateDonorForm(formdata=None), "unlink_form": ConfirmForm(formdata=None)}


@bp.app_template_global("donor_members")
def donor_members(donor) -> list[Member]:
    """The members linked to a donor that the user sees (the donor's page: "Là hội viên ...")."""
    return links.members_of_donor(donor, current_user)


def _answer(member: Member):
    """After a change: the block again for htmx, the member's page otherwise."""
    if is_htmx():
        return render("members/_links.html", member=member)
    return go(url_for(".detail", member_id=member.id) + "#lien-ket")


def _refused(member: Member, form, status: int = 422):
    """A refused change: the search page with the message (no JavaScript) or the block with it (htmx)."""
    message = " ".join(form.form_errors + [e for f in form for e in f.errors])
    if is_htmx():
        return render("members/_links.html", status=status, member=member, link_error=message)
    return render("members/link.html", status=status, member=member, q="", matches=[], link_error=message,
                  link_form=LinkDonorForm(formdata=None), limit=links.SEARCH_LIMIT)


@bp.get("/<int:member_id>/lien-ket/nha-hao-tam")
@login_required
def link_donor_search(member_id):
    """Find the member's donor record by name or phone (?q=); each match has a "Liên kết" button."""
    member = get_or_404(Member, member_id, "member.write")
    q = request.args.get("q", "").strip()[:100]
    return render("members/link.html", partial="members/link_results.html", member=member, q=q,
                  matches=links.search(member, current_user, q), link_form=LinkDonorForm(formdata=None),
                  limit=links.SEARCH_LIMIT)


@bp.post("/<int:member_id>/lien-ket/nha-hao-tam")
@login_required
def link_donor(member_id):
    """Link the member to a donor (donor_id) of the member's commune that the user sees; else 404."""
    member = get_or_404(Member, member_id, "member.write")
    form = LinkDonorForm()
    if not form.validate_on_submit():
        return _refused(member, form)
    donor = get_or_404(Donor, form.donor_id.data)
    if not links.linkable(member, donor, current_user):
        abort(404)  # another commune's donor, or a merged one: never linked, never described
    if attempt(form, lambda: links.link(member, donor), default_field="donor_id") is None:
        return _refused(member, form)
    return _answer(member)


@bp.post("/<int:member_id>/lien-ket/nha-hao-tam/tao")
@login_required
def create_donor(member_id):
    """"Tạo hồ sơ nhà hảo tâm từ hội viên": a donor with the member's name, address and phone, linked."""
    member = get_or_404(Member, member_id, "member.write")
    authorize("donation.write")  # a donor record is the donations register's
    form = CreateDonorForm()
    if not form.validate_on_submit():
        return _refused(member, form, 400)
    if attempt(form, lambda: links.create_donor(member), once=True,
               url=lambda donor: url_for(".detail", member_id=member.id) + "#lien-ket") is None:
        return _refused(member, form)
    return _answer(member)


@bp.post("/<int:member_id>/lien-ket/nha-hao-tam/bo")
@login_required
def unlink_donor(member_id):
    """Take the link off (the donor record and its gifts stay as they are)."""
    member = get_or_404(Member, member_id, "member.write")
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _refused(member, form, 400)
    if attempt(form, lambda: links.unlink(member), default_field="donor_id") is None:
        return _refused(member, form)
    return _answer(member)
