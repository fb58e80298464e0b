"""Disclosure pages for the association's users: pick a unit and year, read the report, publish
or withdraw it (admins).

Printing (the report and the honour rolls) lives in routes_print.py, the public page in
routes_public.py (same blueprint).
"""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, can, get_or_404
from app.core.clock import today
from app.core.views import go, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from . import documents, report, services
from .forms import ConfirmForm, PickForm

bp = Blueprint("disclosure", __name__, url_prefix="/cong-khai")


def load(unit_id: int, year: int, action: str = "view") -> Unit:
    """The unit (in the user's scope, with the action) and a year that can be reported on."""
    unit = get_or_404(Unit, unit_id, action)
    if not services.FIRST_YEAR <= year <= today().year:
        abort(404)
    return unit


@bp.get("/quan-ly")
@login_required
def index():
    """Pick a unit and a year; the disclosures of the user's units published so far."""
    authorize("view")
    now = today()
    form = PickForm(request.args, don_vi=current_user.unit_id, nam=now.year - 1)
    form.don_vi.choices = scope_choices(current_user.unit, active_only=False)
    if request.args.get("don_vi") and form.validate() and form.nam.data:
        unit = get_or_404(Unit, form.don_vi.data)
        return redirect(url_for(".report_page", unit_id=unit.id, year=form.nam.data), 303)
    pubs = services.publications_in_scope(current_user.unit)
    return render("disclosure/index.html", form=form, pubs=pubs, last_year=now.year - 1,
                  due=services.deadline(now.year - 1))


@bp.get("/quan-ly/<int:unit_id>/<int:year>")
@login_required
def report_page(unit_id, year):
    """The year's report as the public will see it, with its publication state and actions."""
    unit = load(unit_id, year)
    rep = report.build(unit, year)
    pub = services.publication(unit, year)
    return render("disclosure/report.html", partial="disclosure/_report.html", rep=rep, pub=pub,
                  long=documents.report_lines(rep) > documents.DIRECT_MAX,
                  hint=services.deadline_hint(year, today(), pub),
                  changed=services.changed_since_published(pub, rep),
                  frozen_at=services.frozen_at_text(pub) if pub and pub.published and pub.snapshot else "",
                  can_publish=can(current_user, "disclosure.publish", unit))


def _confirm_page(unit, year, form, *, publishing: bool):
    rep = report.build(unit, year)
    return render("disclosure/confirm.html", partial="disclosure/_confirm.html", form=form, rep=rep,
                  publishing=publishing, status=422 if form.errors else 200,
                  action=url_for(".publish" if publishing else ".unpublish", unit_id=unit.id, year=year),
                  back=url_for(".report_page", unit_id=unit.id, year=year))


def _set_published(unit_id: int, year: int, publishing: bool):
    """Publish or withdraw a year's report (admin); GET is the confirmation page."""
    unit = load(unit_id, year, "disclosure.publish")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if publishing:
                pub = services.publish(unit, year, today())
            else:
                services.unpublish(unit, year)
            db.session.commit()
            if publishing:
                documents.queue_public_pdf(pub)
        except services.DisclosureError as err:
            db.session.rollback()
            flash(str(err), "error")
        else:
            what = "Đã công khai báo cáo" if publishing else "Đã thu hồi báo cáo công khai"
            flash(f"{what} năm {year} của {unit.name}.", "success")
        return go(url_for(".report_page", unit_id=unit.id, year=year))
    return _confirm_page(unit, year, form, publishing=publishing)


@bp.route("/quan-ly/<int:unit_id>/<int:year>/cong-bo", methods=["GET", "POST"])
@login_required
def publish(unit_id, year):
    """Put the report on the public page."""
    return _set_published(unit_id, year, True)


@bp.route("/quan-ly/<int:unit_id>/<int:year>/thu-hoi", methods=["GET", "POST"])
@login_required
def unpublish(unit_id, year):
    """Take the report off the public page."""
    return _set_published(unit_id, year, False)
