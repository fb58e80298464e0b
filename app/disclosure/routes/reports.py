"""A unit's yearly disclosure for the association's users: pick a unit and year, read the report,
print it (short: in the request; long: a background job), publish or withdraw it (admins)."""
from flask import abort, redirect, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, can, get_or_404
from app.core.clock import today
from app.core.views import confirm_action, render
from app.printing.offer import print_or_offer, queue_from_form
from app.units.models import Unit
from app.units.services import scope_choices

from .. import documents, report, services
from ..forms import ConfirmForm, PickForm
from . import bp


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
    form = PickForm(request.args, unit_id=current_user.unit_id, year=now.year - 1)
    form.unit_id.choices = scope_choices(current_user.unit, active_only=False)
    if request.args.get("don_vi") and form.validate() and form.year.data:
        unit = get_or_404(Unit, form.unit_id.data)
        return redirect(url_for(".report_page", unit_id=unit.id, year=form.year.data), 303)
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


def _set_published(unit_id: int, year: int, publishing: bool):
    """Publish or withdraw a year's report (admin); GET is the confirmation page."""
    unit = load(unit_id, year, "disclosure.publish")
    form = ConfirmForm()
    if publishing:
        work, what = (lambda: documents.publish_with_pdf(unit, year, today())), "Đã công khai báo cáo"
    else:
        work, what = (lambda: services.unpublish(unit, year)), "Đã thu hồi báo cáo công khai"
    answer = confirm_action(form, work, back=url_for(".report_page", unit_id=unit.id, year=year),
                            success=f"{what} năm {year} của {unit.name}.")
    if answer:
        return answer
    return render("disclosure/confirm.html", partial="disclosure/_confirm.html", form=form,
                  rep=report.build(unit, year), publishing=publishing, status=422 if form.errors else 200,
                  action=url_for(".publish" if publishing else ".unpublish", unit_id=unit.id, year=year),
                  back=url_for(".report_page", unit_id=unit.id, year=year))


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


@bp.get("/quan-ly/<int:unit_id>/<int:year>.pdf")
@login_required
def report_pdf(unit_id, year):
    """The report in the administrative layout (A4, Tinos), for the notice board and the file."""
    unit = load(unit_id, year)
    rep = report.build(unit, year)
    title = f"Công khai quỹ năm {year} - {unit.name}"
    return print_or_offer(documents.report_lines(rep), lambda: documents.report_pdf(rep), filename=f"{title}.pdf",
                          title=title, limit=documents.DIRECT_MAX,
                          action=url_for(".report_print", unit_id=unit.id, year=year),
                          back=url_for(".report_page", unit_id=unit.id, year=year))


@bp.post("/quan-ly/<int:unit_id>/<int:year>/in-nen")
@login_required
def report_print(unit_id, year):
    """Queue the report (any length) as a background print job."""
    unit = load(unit_id, year)
    title = f"Công khai quỹ năm {year} - {unit.name}"
    return queue_from_form(documents.REPORT_KIND, {"unit_id": unit.id, "year": year}, unit=unit, title=title,
                           filename=f"{title}.pdf")
