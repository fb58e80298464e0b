"""Donor pages (nhà hảo tâm): list with search and export, a donor's gifts, edit details, merge two donors."""
from flask import flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.authz import authorize, can, get_or_404, is_id
from app.core.paging import paginate_ids
from app.core.views import attach_error, form_page, go, page_number, render
from app.core.export import export_table
from app.extensions import db

from . import donor_services, services
from .donors import Donor
from .forms import DonorForm, MergeForm
from .models import Donation
from .routes import bp


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
        try:
            moved = donor_services.merge_donors(keep, donor)
            db.session.commit()
        except donor_services.DonorError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash(f"Đã gộp “{donor.name}” vào “{keep.name}” ({moved} khoản đóng góp được chuyển).", "success")
            return go(url_for(".donor_detail", donor_id=keep.id))
    return form_page("donations/merge.html", "donations/_merge_form.html", form, donor=donor)


# The service names fields after the quick-entry form; the edit form's fields are shorter.
_DONOR_FIELDS = {"donor_name": "name", "donor_kind": "kind"}


@bp.route("/nha-hao-tam/<int:donor_id>/sua", methods=["GET", "POST"])
@login_required
def donor_edit(donor_id):
    """Correct a donor's name, kind, address, phone or note; the audit log keeps before and after."""
    donor = get_or_404(Donor, donor_id, "donation.write")
    form = DonorForm(obj=donor)
    if form.validate_on_submit():
        try:
            donor_services.update_donor(donor, name=form.name.data, kind=form.kind.data,
                                        address=form.address.data, phone=form.phone.data, note=form.note.data)
            db.session.commit()
        except donor_services.DonorError as err:
            db.session.rollback()
            err.field = _DONOR_FIELDS.get(err.field, err.field)
            attach_error(form, err)
        else:
            flash("Đã lưu thông tin người đóng góp.", "success")
            return go(url_for(".donor_detail", donor_id=donor.id))
    return form_page("donations/donor_edit.html", "donations/_donor_form.html", form, donor=donor)
