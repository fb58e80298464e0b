"""Opening day: the printable sheet of pigs due in a branch; the reports (batch entry: batch.py)."""
from datetime import date

from flask import abort, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.core.views import render
from app.printing.offer import print_or_offer, queue_from_form
from app.units.models import Unit
from app.units.services import scope_choices

from .. import queries, sheet
from ..forms import ReportFilterForm
from . import bp


def _unit_arg(action: str) -> Unit:
    return get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), action)


@bp.get("/phieu-mo-heo.pdf")
@login_required
def sheet_pdf():
    """A4 sheet for opening day: active pigs of a branch, blank columns to fill in by hand.

    Long ones are printed in the background, too long ones asked for by unit (see sheet.py)."""
    unit = _unit_arg("view")
    pigs = queries.due_pigs(unit)
    if len(pigs) > sheet.JOB_MAX:
        return render("piggybanks/sheet_by_unit.html", partial="piggybanks/_sheet_by_unit.html", unit=unit,
                      count=len(pigs), limit=sheet.JOB_MAX, children=sheet.children_counts(unit))
    return print_or_offer(len(pigs), lambda: sheet.render(unit, pigs), filename=sheet.title(unit) + ".pdf",
                          title=sheet.title(unit), action=url_for(".sheet_print", don_vi=unit.id),
                          back=url_for(".report", don_vi=unit.id), limit=sheet.DIRECT_MAX)


@bp.post("/phieu-mo-heo/in-nen")
@login_required
def sheet_print():
    """Queue the opening-day sheet as a background print job: its progress page."""
    unit = _unit_arg("view")
    if len(queries.due_pigs(unit)) > sheet.JOB_MAX:
        abort(400)
    return queue_from_form(sheet.KIND, {"unit_id": unit.id}, unit=unit, title=sheet.title(unit),
                           filename=sheet.title(unit) + ".pdf")


def _period(filters: ReportFilterForm) -> tuple[date | None, date | None]:
    date_from, date_to = filters.date_from.data, filters.date_to.data
    # The filter form is read, not validated (a GET): a year outside its range filters nothing.
    if filters.year.data and 2000 <= filters.year.data <= 2100 and not (date_from or date_to):
        date_from, date_to = date(filters.year.data, 1, 1), date(filters.year.data, 12, 31)
    return date_from, date_to


def _report(args):
    filters = ReportFilterForm(args)
    filters.unit_id.choices = [(0, "Đơn vị của tôi")] + scope_choices(current_user.unit, active_only=False)
    unit = get_or_404(Unit, filters.unit_id.data) if filters.unit_id.data else current_user.unit
    date_from, date_to = _period(filters)
    return filters, unit, date_from, date_to, queries.report(unit, date_from, date_to)


@bp.get("/bao-cao")
@login_required
def report():
    """Per branch and holder type: pigs active and waiting, openings, counted, to fund vs kept."""
    authorize("view")
    filters, unit, date_from, date_to, data = _report(request.args)
    return render("piggybanks/report.html", partial="piggybanks/_report_table.html", filters=filters,
                  unit=unit, date_from=date_from, date_to=date_to, report=data)


@bp.get("/bao-cao.xlsx")
@login_required
def report_export():
    """The report as .xlsx, or CSV with ?format=csv."""
    authorize("view")

    _, unit, _, _, data = _report(request.args)
    rows = [[r.unit.name, r.holder_type_label, r.active, r.waiting, r.openings, r.counted, r.to_fund, r.kept]
            for r in data.rows]
    t = data.total
    rows.append(["Tổng cộng", "", t.active, t.waiting, t.openings, t.counted, t.to_fund, t.kept])
    return export_table(f"Báo cáo heo đất - {unit.name}.xlsx",
                        ["Đơn vị", "Loại người nuôi", "Đang nuôi", "Đã mổ chờ tái đàn", "Lần mổ",
                         "Tổng đếm được (đồng)", "Nộp quỹ (đồng)", "Gia đình giữ lại (đồng)"], rows, "Báo cáo")
