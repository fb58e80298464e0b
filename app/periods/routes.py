"""Closing pages (/khoa-so): a unit's months and year, closed or open; close with a confirmation
page that shows what is being closed; reopen (admins, with a reason). All without JavaScript."""
from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, can, get_or_404
from app.core.clock import today
from app.core.views import attempt, page_number, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from . import services
from .forms import ConfirmForm, PickForm, ReopenForm
from .models import WHOLE_YEAR, ClosedPeriod, period_label

bp = Blueprint("periods", __name__, url_prefix="/khoa-so")


def _back(unit_id: int, year: int) -> str:
    return url_for(".index", don_vi=unit_id, nam=year)


@bp.get("/")
@login_required
def index():
    """The periods of a unit (the user's by default) in a year: each month and the whole year, closed
    (here or above) or open, with the actions the user may take; then every closed period in scope."""
    authorize("view")
    now = today()
    form = PickForm(request.args, unit_id=current_user.unit_id, year=now.year)
    form.unit_id.choices = scope_choices(current_user.unit, active_only=False)
    form.validate()
    unit = get_or_404(Unit, form.unit_id.data if not form.unit_id.errors and form.unit_id.data
                      else current_user.unit_id)
    year = form.year.data if form.year.data and not form.year.errors and form.year.data <= now.year else now.year
    pagination = db.paginate(services.rows_in_scope(unit), page=page_number(), per_page=50, error_out=False)
    return render("periods/index.html", partial="periods/_periods.html", form=form, unit=unit, year=year,
                  state=services.year_status(unit, year), pagination=pagination, describe=services.describe,
                  can_close=can(current_user, "books.close", unit), can_reopen=can(current_user, "books.reopen"),
                  in_scope=lambda row: can(current_user, "books.reopen", row))


@bp.route("/<int:unit_id>/<int:year>/khoa", methods=["GET", "POST"], defaults={"month": WHOLE_YEAR})
@bp.route("/<int:unit_id>/<int:year>/thang-<int:month>/khoa", methods=["GET", "POST"])
@login_required
def close(unit_id, year, month):
    """Close a month or the whole year; GET is the confirmation page (what is being closed)."""
    unit = get_or_404(Unit, unit_id, "books.close")
    if not (services.FIRST_YEAR <= year <= today().year and 0 <= month <= 12):
        abort(404)
    form = ConfirmForm()
    back = _back(unit.id, year)
    refusal = services.period_refusal(year, month)
    if not refusal and form.validate_on_submit():
        if answer := attempt(form, lambda: services.close(unit, year, month), url=back,
                             success=lambda row: f"Đã khóa sổ {row.label.lower()} của {unit.name}."):
            return answer
    elif refusal and form.is_submitted():
        form.form_errors.append(refusal)
    binding = services.closing_period(unit, services.period_start(year, month)) if month else next(
        (r for r in services.closed_rows(unit, year) if r.month == WHOLE_YEAR), None)
    return render("periods/close.html", partial="periods/_close.html", form=form, unit=unit, year=year,
                  month=month, label=period_label(year, month), refusal=refusal, back=back,
                  binding=services.describe(binding, unit) if binding else "",
                  summary=services.summary(unit, year, month), status=422 if form.errors or form.form_errors else 200)


@bp.route("/<int:period_id>/mo-lai", methods=["GET", "POST"])
@login_required
def reopen(period_id):
    """Reopen a closed period (admins), with a reason kept in the audit log."""
    row = get_or_404(ClosedPeriod, period_id, "books.reopen")
    form = ReopenForm()
    back = _back(row.unit_id, row.year)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.reopen(row, form.reason.data), url=back,
            success=lambda _: f"Đã mở lại {row.label.lower()} của {row.unit.name}.")):
        return answer
    return render("periods/reopen.html", partial="periods/_reopen_form.html", form=form, row=row, back=back,
                  described=services.describe(row) if row.closed else "",
                  status=422 if form.errors else 200)
