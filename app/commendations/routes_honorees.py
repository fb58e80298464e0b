"""The honorees list across decisions (what the commendation figures of the dashboard and reports
count) and its export. Filters: `ky` (period key), `loai` (kind), `don_vi` (a unit in scope)."""
from flask import request
from flask_login import login_required

from app.core.export import export_table
from app.core.paging import Page
from app.core.views import page_number, render
from app.reports.params import period_choices, unit_and_period

from . import honorees
from .forms import HonoreeFilterForm
from .models import HONOREE_KINDS
from .routes import bp


def _filtered():
    unit, period = unit_and_period()
    filters = HonoreeFilterForm(request.args)
    filters.ky.choices = period_choices(period)
    filters.ky.data = period.key
    filters.loai.choices = [("", "Mọi đối tượng")] + list(HONOREE_KINDS.items())
    return unit, period, filters, honorees.honoree_query(unit, period, kind=filters.loai.data or "")


@bp.get("/danh-sach-duoc-khen")
@login_required
def honorees_all():
    """Everyone commended by the issued decisions of the unit's subtree in the period."""
    unit, period, filters, stmt = _filtered()
    count, amount = honorees.totals(stmt)
    page = page_number()
    pagination = Page(honorees.page_items(stmt, page), page, honorees.PER_PAGE, count)
    return render("commendations/honorees.html", partial="commendations/_honorees.html", unit=unit,
                  period=period, filters=filters, pagination=pagination, count=count, amount=amount)


@bp.get("/danh-sach-duoc-khen/xuat.xlsx")
@login_required
def honorees_all_export():
    """The honorees list (current filters) as .xlsx, or CSV with ?format=csv."""
    unit, period, _filters, stmt = _filtered()
    return export_table(f"Khen thưởng - {unit.name} - {period.title}.xlsx", honorees.EXPORT_HEADERS,
                        honorees.export_rows(stmt), "Khen thưởng")
