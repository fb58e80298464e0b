"""Donors (nhà hảo tâm): suggestions while a name is typed, the list with search and export, a donor's
gifts, correcting their details, merging two donors."""
from flask import request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.authz import authorize, can, get_or_404, is_id
from app.core.export import export_table
from app.core.paging import paginate_ids
from app.core.views import attempt, form_page, page_number, render
from app.extensions import db

from .. import donor_services, services
from ..donors import Donor
from ..forms import DonorForm, MergeForm
from ..models import Donation
from . import bp


@bp.get("/nha-hao-tam/goi-y")
@login_required
def donor_suggest():
    """Likely duplicates of the name being typed (htmx fragment; also a plain page)."""
    authorize("donation.write")
    args = request.args
    found = donor_services.suggest(current_user.unit, args.get("donor_name", ""), args.get("phone", ""),
                                   args.get("address", ""))
    return render("donations/suggest_page.html", partial="donations/_suggest.html", suggestions=found,
                  searched=bool(args.get("donor_name")))


@bp.get("/nha-hao-tam/")
@login_required
def donors():
    """Donors of the user's unit and below, in Vietnamese name order; search without diacritics."""
    authorize("view")
    q = request.args.get("q", "")
    pagination = paginate_ids(donor_services.donors_in_scope(current_user.unit, q), Donor, page_number(), 50)
    return render("donations/donors.html", partial="donations/_donor_rows.html", pagination=pagination, q=q)


@bp.get("/nha-hao-tam/xuat.xlsx")
@login_required
def donors_export():
    """The donor list (current search) as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    items = db.session.scalars(donor_services.donors_in_scope(current_user.unit, request.args.get("q", ""))
                               .limit(100_000))
    rows = ((d.name, d.kind_label, d.address, d.phone, d.note, d.unit.name) for d in items)
    return export_table("nha-hao-tam.xlsx", ["Họ tên", "Loại", "Địa chỉ", "Điện thoại", "Ghi chú", "Đơn vị"],
                        rows)


@bp.get("/nha-hao-tam/<int:donor_id>")
@login_required
def donor_detail(donor_id):
    """A donor and all their gifts (merged donors point to the kept one)."""
    donor = get_or_404(Donor, donor_id)
    gifts = list(db.session.scalars(services.listing(select(Donation).where(Donation.donor_id == donor.id))
                                    .limit(200)).unique())
    merged = list(db.session.scalars(select(Donor).where(Donor.merged_into_id == donor.id)))
    return render("donations/donor.html", partial="donations/_donor.html", donor=donor, gifts=gifts,
                  merged=merged)


@bp.route("/nha-hao-tam/<int:donor_id>/gop", methods=["GET", "POST"])
@login_required
def donor_merge(donor_id):
    """Merge this donor into another (admin or treasurer): donations move, history stays."""
    donor = get_or_404(Donor, donor_id, "campaign.manage")
    form = MergeForm()
    candidates = [d for d in donor_services.suggest(current_user.unit, donor.name, donor.phone, donor.address, 20)
                  if d.id != donor.id]
    picked = request.values.get("keep_id", type=int)
    if is_id(picked) and picked not in [d.id for d in candidates]:
        other = db.session.get(Donor, picked)
        # Only a donor the user may see: the list of choices must never describe another commune's.
        if other is not None and can(current_user, "view", other):
            candidates.append(other)
    form.keep_id.choices = [(d.id, f"{d.name} · {d.address or d.phone or d.kind_label} (#{d.id})")
                            for d in candidates]
    if form.validate_on_submit():
        keep = get_or_404(Donor, form.keep_id.data, "campaign.manage")
        if answer := attempt(form, lambda: donor_services.merge_donors(keep, donor),
                             url=url_for(".donor_detail", donor_id=keep.id),
                             success=lambda moved: f"Đã gộp “{donor.name}” vào “{keep.name}” "
                                                   f"({moved} khoản đóng góp được chuyển)."):
            return answer
    return form_page("donations/merge.html", "donations/_merge_form.html", form, donor=donor)


@bp.route("/nha-hao-tam/<int:donor_id>/sua", methods=["GET", "POST"])
@login_required
def donor_edit(donor_id):
    """Correct a donor's name, kind, address, phone or note; the audit log keeps before and after."""
    donor = get_or_404(Donor, donor_id, "donation.write")
    form = DonorForm(obj=donor)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: donor_services.update_donor(donor, name=form.name.data, kind=form.kind.data,
                                                      address=form.address.data, phone=form.phone.data,
                                                      note=form.note.data),
            url=url_for(".donor_detail", donor_id=donor.id), success="Đã lưu thông tin người đóng góp.")):
        return answer
    return form_page("donations/donor_edit.html", "donations/_donor_form.html", form, donor=donor)
