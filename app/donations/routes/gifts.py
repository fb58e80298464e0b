"""Gifts: quick entry of one gift, the list (filters, totals, export), a gift's page, voiding it."""
from flask import flash, request, url_for
from flask_login import current_user, login_required

from app.core import idempotency
from app.core.authz import authorize, get_or_404, is_id
from app.core.export import export_table
from app.core.paging import Page
from app.core.rendering import is_htmx
from app.core.views import attempt, form_page, go, page_number, render
from app.donations import routes as package  # EXPORT_BATCH, read at request time
from app.extensions import db
from app.vn.money import format_vnd

from .. import entry as ent, gift_list, services
from ..donor_services import suggest
from ..forms import MONEY, DonationFilterForm, DonationForm, VoidForm
from ..models import IN_KIND, Donation
from . import bp

PER_PAGE = 25  # a page of a province's list stays under 30 KB (50 rows weighed 37 KB, 30 rows 30.0 KB)


def _entry_form(formdata=None):
    form = DonationForm(formdata=formdata, **ent.remembered()) if formdata is None else DonationForm()
    if request.method == "GET" and request.args.get("dot", type=int):
        form.campaign_id.data = request.args.get("dot", type=int)
    ent.set_campaign_choices(form.campaign_id)
    form.collector_unit_id.choices = ent.collector_choices()
    return form


def _record(form) -> Donation:
    """The records the form names, loaded in scope, and its gift as plain values: one service call."""
    return services.record_gift(ent.load_campaign(form.campaign_id.data), form.gift(),
                                donor=ent.load_donor(form.picked_donor_id()),
                                collector_unit=ent.load_collector_unit(form.collector_unit_id.data))


def _saved(form, done):
    """After a quick entry: 303 back to the form, or for htmx a blank form with the new row on top."""
    ent.remember(form.campaign_id.data, form.donation_date.data)
    if not is_htmx():
        if done.created:
            d = done.obj
            flash(f"Đã ghi {format_vnd(d.amount)} của {d.donor.name}, {d.paper_name} {d.number}.", "success")
        return go(done.url)
    return render("donations/entry.html", partial="donations/_entry.html", form=_entry_form(), suggestions=[],
                  searched=False, recent=ent.my_recent(), saved=done.obj if done.created else None)


@bp.route("/nhap", methods=["GET", "POST"])
@login_required
def entry():
    """Quick entry from a paper list: one gift per submit; campaign and date are remembered.

    htmx: the fragment comes back with a blank form and the new row on top of the list.
    Plain POST: 303 back here.
    """
    authorize("donation.write")
    form = _entry_form(formdata=request.form if request.method == "POST" else None)
    suggestions = []
    if request.method == "POST" and request.form.get("tim"):
        # No-JS fallback for the duplicate suggestions: show candidates, save nothing.
        suggestions = suggest(current_user.unit, form.donor_name.data or "", form.phone.data or "",
                              form.address.data or "")
        return render("donations/entry.html", partial="donations/_entry.html", form=form,
                      suggestions=suggestions, searched=True, recent=ent.my_recent())
    if form.validate_on_submit():
        if not form.names_donor():
            form.donor_name.errors.append("Vui lòng nhập họ tên người đóng góp.")
        # once() inside the work, not attempt(once=True): htmx is answered with a fresh form, not a redirect
        elif done := attempt(form, lambda: idempotency.once(form.idem_key.data, lambda: _record(form),
                                                            url=lambda d: url_for(".entry"))):
            return _saved(form, done)
    return form_page("donations/entry.html", "donations/_entry.html", form, suggestions=suggestions,
                     searched=False, recent=ent.my_recent())


def _filters(shown: bool = True):
    """The filter form and the filtered select. `shown`: the form is drawn, so its campaign select
    needs its choices; the htmx fragment (the list alone) and the export read only the values typed
    (a province's 200 campaign names were 4 ms of every page of its list)."""
    filters = DonationFilterForm(request.args)
    if shown:
        # Only the names for the select: loading whole campaign objects cost a province page 8 ms.
        filters.campaign_id.choices = [(0, "Mọi đợt vận động")] + gift_list.campaign_names(current_user.unit)
    criteria = _criteria(filters)
    money = criteria["method"] == MONEY
    stmt = services.donation_query(current_user.unit, **{**criteria, "method": "" if money else criteria["method"]})
    if money:  # cash and transfer: every gift that is not in kind (what the reports count as money)
        stmt = stmt.where(Donation.method != IN_KIND)
    return filters, stmt


def _criteria(filters) -> dict:
    """The filters as donation_query's arguments ("method" may be MONEY, which _filters applies)."""
    return {"campaign_id": filters.campaign_id.data if is_id(filters.campaign_id.data) else None,
            "date_from": filters.date_from.data, "date_to": filters.date_to.data,
            "method": filters.method.data or "", "donor": filters.donor.data or "",
            "collector": filters.collector.data or "", "include_voided": filters.include_voided.data == "1"}


@bp.get("/")
@login_required
def index():
    """Donations in the user's scope: filters, paginated, with the filtered set's totals."""
    authorize("view")
    filters, stmt = _filters(shown=not is_htmx())
    criteria = _criteria(filters)
    count, total = services.scope_totals(current_user.unit, criteria, stmt)
    page = page_number()
    # A name search keeps few of a commune's gifts: gathered, not merged (services.page_items).
    dense = not (criteria["donor"] or criteria["collector"])
    pagination = Page(services.page_items(stmt, page, PER_PAGE, count=count, root=current_user.unit, dense=dense),
                      page, PER_PAGE, count)
    return render("donations/index.html", partial="donations/_list.html", filters=filters,
                  pagination=pagination, count=count, total=total)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The filtered donation list as .xlsx, or CSV with ?format=csv (same filters as the page).

    Every row, however many: read from the database in batches of EXPORT_BATCH (a province's
    200,000 donations never sit in memory together), written to a file before it is sent."""
    authorize("view")
    _, stmt = _filters(shown=False)
    items = db.session.scalars(services.listing(stmt).execution_options(yield_per=package.EXPORT_BATCH))
    rows = ((d.donation_date, d.number, d.donor.name, d.donor.kind_label,
             d.donor.address, d.donor.phone, d.amount, d.method_label, d.in_kind_text, d.campaign.name,
             d.collector_label, d.note, "Đã hủy: " + d.void_reason if d.voided else "") for d in items)
    return export_table("dong-gop.xlsx", ["Ngày", "Số phiếu thu", "Họ tên người đóng góp", "Loại", "Địa chỉ",
                                          "Điện thoại", "Số tiền (đồng)", "Hình thức", "Hiện vật",
                                          "Đợt vận động", "Người thu", "Ghi chú", "Tình trạng"], rows)


@bp.get("/<int:donation_id>")
@login_required
def detail(donation_id):
    """One donation with its receipt number and a link to the printable phiếu thu.

    A branch that collected a gift for a campaign of a unit above sees it in its list, so it may
    read it here too; the donor, campaign and receipt stay with the campaign's unit (no links)."""
    authorize("view")
    donation = db.session.get(Donation, donation_id) if is_id(donation_id) else None
    if donation is not None and services.in_collector_scope(current_user, donation):
        return render("donations/detail.html", partial="donations/_detail.html", d=donation, collected_only=True)
    donation = get_or_404(Donation, donation_id)
    return render("donations/detail.html", partial="donations/_detail.html", d=donation, collected_only=False)


@bp.route("/<int:donation_id>/huy", methods=["GET", "POST"])
@login_required
def void(donation_id):
    """Void a donation (treasurer, reason required): its ledger entry is reversed."""
    donation = get_or_404(Donation, donation_id, "donation.void")
    back = url_for(".detail", donation_id=donation.id)
    form = VoidForm()
    if donation.voided:
        if form.is_submitted():
            flash("Khoản đóng góp này đã được hủy trước đó.", "error")
            return go(back)
        return render("donations/void.html", d=donation, form=form)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.void_donation(donation, form.reason.data), url=back,
            success=f"Đã hủy khoản đóng góp ({donation.paper_name} {donation.number}).")):
        return answer
    return form_page("donations/void.html", "donations/_void_form.html", form, d=donation)
