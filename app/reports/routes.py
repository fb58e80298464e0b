"""Report pages: the roll-up by unit and the year report (page, PDF, .xlsx).

Every page takes `don_vi` (a unit in the user's scope; another unit answers 404) and `ky`
(a period key: "2025-2026" for a school year, "2026" for a calendar year).
"""
from flask import Blueprint, url_for
from flask_login import current_user, login_required

from app.core.clock import today
from app.core.export import export_table, wanted_format
from app.core.forms import ConfirmForm
from app.core.views import render
from app.printing.offer import print_or_offer, queue_from_form
from app.units.models import Unit

from . import export, links, pdf, periods, yearreport
from .params import unit_and_period

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")


def _context(unit, period):
    return {"unit": unit, "period": period, "choices": periods.choices(today()),
            "links": links.Links(period), "crumbs": _crumbs(unit)}


def _crumbs(unit: Unit) -> list[Unit]:
    """The units from the user's own unit down to `unit` (for the drill-down trail)."""
    trail = []
    u = unit
    while u is not None and u.path.startswith(current_user.unit.path):
        trail.append(u)
        u = u.parent
    return list(reversed(trail))


@bp.get("/tong-hop")
@login_required
def rollup():
    """Each child unit's totals side by side (its whole subtree), the unit's own row and the total."""
    unit, period = unit_and_period()
    _facts, rows, total = yearreport.rollup_page(unit, period)
    return render("reports/rollup.html", partial="reports/_rollup_table.html", rows=rows, total=total,
                  **_context(unit, period))


@bp.get("/tong-ket")
@login_required
def year_report():
    """The year report on screen: figures per branch, campaigns, pigs, scholarships, commendations."""
    unit, period = unit_and_period()
    rep = yearreport.build(unit, period)
    return render("reports/year.html", partial="reports/_year_body.html", rep=rep, chart=pdf.month_chart(rep),
                  background=pdf.rows_of(rep) > pdf.DIRECT_MAX_ROWS, form=ConfirmForm(), **_context(unit, period))


@bp.get("/tong-ket.pdf")
@login_required
def year_report_pdf():
    """The year report as an A4 administrative document (Nghị định 30/2020 layout).

    A big one (a province's: 4 s of printing) answers a page whose button queues it instead."""
    unit, period = unit_and_period()
    rep = yearreport.build(unit, period)
    args = {"don_vi": unit.id, "ky": period.key}
    return print_or_offer(pdf.rows_of(rep), lambda: pdf.render(unit, rep, today()), filename=pdf.filename(unit, period),
                          title=f"Báo cáo tổng kết {period.label} - {unit.name}", limit=pdf.DIRECT_MAX_ROWS,
                          action=url_for(".year_report_print", **args), back=url_for(".year_report", **args))


@bp.post("/tong-ket/in")
@login_required
def year_report_print():
    """The PDF rendered in the background (a province's report has hundreds of rows): progress page."""
    unit, period = unit_and_period()
    return queue_from_form(pdf.KIND, {"unit_id": unit.id, "ky": period.key}, unit=unit,
                           title=f"Báo cáo tổng kết {period.label} - {unit.name}", filename=pdf.filename(unit, period))


@bp.get("/tong-ket.xlsx")
@login_required
def year_report_xlsx():
    """The year report's tables as an .xlsx workbook, one sheet per table."""
    unit, period = unit_and_period()
    return export.response(yearreport.build(unit, period))


ROLLUP_HEADERS = ["Đơn vị", "Vận động bằng tiền (đồng)", "Hiện vật quy ra tiền (đồng)", "Vận động được (đồng)",
                  "Heo đất: số lần mổ", "Heo đất: đếm được (đồng)", "Đã chi tiền (đồng)",
                  "Hiện vật đã trao (đồng)", "Số dư quỹ cuối kỳ (đồng)", "Học bổng: số suất",
                  "Học bổng: số tiền (đồng)", "Khen thưởng (người)"]


@bp.get("/tong-hop.xlsx")
@login_required
def rollup_export():
    """The roll-up as on its page (same unit and period): each child unit's row, the unit's own row
    and the total, as .xlsx or CSV (?format=csv); the .xlsx adds the members per child unit."""
    unit, period = unit_and_period()
    _facts, rows, total = yearreport.rollup_page(unit, period)

    def figures(s):
        return [s.money_raised, s.goods_raised, s.raised, s.pig_openings, s.pig_counted, s.spent, s.goods_given,
                s.closing_balance, s.awards, s.award_amount, s.honorees]

    def label(r):
        return r.name + (" (trực tiếp)" if r.own else "" if r.active else " (ngừng hoạt động)")

    table = [[label(r), *figures(r.summary)] for r in rows] + [["Tổng cộng", *figures(total)]]
    name = f"Tổng hợp {period.label} - {unit.name}.xlsx".replace("/", "-")
    if wanted_format() == "csv":  # one table per CSV: the members per unit are in the .xlsx only
        return export_table(name, ROLLUP_HEADERS, table, sheet_title="Tổng hợp")
    return export.rollup_response(name, ROLLUP_HEADERS, table, next((r.organisation for r in rows if r.own), None))
