"""Piggy-bank pages: the list (filters, export), a pig's page with its history, issuing pigs.

Openings, voids and tái đàn live in openings.py, batch entry in batch.py, the opening-day sheet and
the reports in reports.py (same blueprint).
"""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, can, get_or_404
from app.core.clock import today
from app.core.export import export_table
from app.core.views import attempt, form_page, page_number, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from .. import codes, queries, services
from ..forms import IssueForm, PigFilterForm
from ..models import ACTIVE, PiggyBank
from . import bp

PER_PAGE = 50


def filtered_pigs(args, *, openable: bool = False):
    """(filter form, select) for the list and its export. openable: only the pigs of the filter that
    can be opened now ("Đang nuôi"), for the bulk opening; None when the filter asks for other pigs."""
    filters = PigFilterForm(args)
    filters.unit_id.choices = [(0, "Mọi đơn vị")] + scope_choices(current_user.unit, active_only=False)
    unit = get_or_404(Unit, filters.unit_id.data) if filters.unit_id.data else None
    status = filters.status.data or ""
    if openable and status not in ("", ACTIVE):
        return filters, None
    stmt = queries.pig_list(current_user.unit, unit=unit, holder_type=filters.holder_type.data or "",
                            status=ACTIVE if openable else status, q=filters.q.data or "")
    return filters, stmt


@bp.get("/")
@login_required
def index():
    """Pigs of the user's unit and below: filters, search without diacritics, 50 per page."""
    authorize("view")
    filters, stmt = filtered_pigs(request.args)
    pagination = db.paginate(stmt, page=page_number(), per_page=PER_PAGE, error_out=False)
    openable = 0  # pigs matching the filter that the bulk form may open ("all N matching")
    if can(current_user, "piggybank.write"):
        openable = queries.count(filtered_pigs(request.args, openable=True)[1])
    return render("piggybanks/index.html", partial="piggybanks/_rows.html", filters=filters,
                  pagination=pagination, openable=openable)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The filtered list (all pages) as .xlsx, or CSV with ?format=csv."""
    authorize("view")

    _, stmt = filtered_pigs(request.args)
    rows = ([p.code, p.holder_name, p.holder_type_label, p.unit.name, p.issued_on, p.seed_money, p.cycle,
             p.status_label] for p in db.session.scalars(stmt))
    return export_table("Danh sách heo đất.xlsx",
                        ["Mã heo", "Người nuôi", "Loại", "Đơn vị", "Ngày cấp (lứa hiện tại)",
                         "Tiền mồi (đồng)", "Lứa", "Trạng thái"], rows, "Heo đất")


@bp.get("/<int:pig_id>")
@login_required
def detail(pig_id):
    """A pig: current state and its history, cycle by cycle (issues and openings)."""
    pig = get_or_404(PiggyBank, pig_id)
    return render("piggybanks/detail.html", pig=pig, history=queries.history(pig),
                  code_editable=codes.editable(pig))


@bp.route("/cap-moi", methods=["GET", "POST"])
@login_required
def issue():
    """Issue one pig per pasted line (e.g. a class list) with consecutive codes; all or nothing."""
    authorize("piggybank.write")
    form = IssueForm(unit_id=request.args.get("don_vi", current_user.unit_id, type=int), issued_on=today())
    form.unit_id.choices = scope_choices(current_user.unit)
    campaigns = queries.open_campaigns(current_user.unit)
    form.campaign_id.choices = [(0, "Không thuộc đợt nào")] + [(c.id, f"{c.name} - {c.unit.name}")
                                                               for c in campaigns]
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "piggybank.write")
        campaign = next((c for c in campaigns if c.id == form.campaign_id.data), None)
        names = services.holder_lines(form.names.data)
        if answer := attempt(form, lambda: services.issue_many(
                unit, names, holder_type=form.holder_type.data, prefix=form.prefix.data, start=form.start.data,
                issued_on=form.issued_on.data, seed_money=form.seed_money.data or 0, campaign=campaign),
                once=True, url=lambda pigs: url_for(".index", don_vi=unit.id),
                success=lambda pigs: f"Đã cấp {len(pigs)} heo đất cho {unit.name}: mã " + _codes(pigs) + "."):
            return answer
    return form_page("piggybanks/issue.html", "piggybanks/_issue_form.html", form)


def _codes(pigs) -> str:
    first, last = pigs[0].code, pigs[-1].code
    return first if first == last else f"{first} đến {last}"
