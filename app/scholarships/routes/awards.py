"""The awards list across rounds (what the scholarship figures of the dashboard and reports count),
with its export. Filters: `ky` (period key), `cap_hoc` (school level), `hoan_canh` (circumstance)
and `don_vi` (a unit in the user's scope; another unit answers 404)."""
from flask import request
from flask_login import login_required

from app.core.export import export_table
from app.core.paging import Page
from app.core.views import page_number, render
from app.pupils.models import CIRCUMSTANCES, LEVEL_SHORT
from app.reports.params import period_choices, unit_and_period

from .. import awards
from ..forms import AwardFilterForm
from . import bp


def _filtered():
    unit, period = unit_and_period()
    filters = AwardFilterForm(request.args)
    filters.period.choices = period_choices(period)
    filters.period.data = period.key
    filters.level.choices = [("", "Mọi cấp học")] + list(LEVEL_SHORT.items()) + [("none", "Chưa rõ cấp học")]
    filters.circumstance.choices = ([("", "Mọi hoàn cảnh")] + list(CIRCUMSTANCES.items())
                                 + [(awards.NO_CIRCUMSTANCE, "Không thuộc diện khó khăn")])
    stmt = awards.award_query(unit, period, level=filters.level.data or "",
                              circumstance=filters.circumstance.data or "")
    return unit, period, filters, stmt


@bp.get("/suat-hoc-bong")
@login_required
def awards_list():
    """Every approved scholarship of the unit's subtree in the period, with the totals."""
    unit, period, filters, stmt = _filtered()
    total = awards.totals(stmt)
    page = page_number()
    pagination = Page(awards.page_items(stmt, page), page, awards.PER_PAGE, total.awards)
    return render("scholarships/awards.html", partial="scholarships/_awards.html", unit=unit, period=period,
                  filters=filters, pagination=pagination, total=total)


@bp.get("/suat-hoc-bong/xuat.xlsx")
@login_required
def awards_export():
    """The awards list (current filters) as .xlsx, or CSV with ?format=csv."""
    unit, period, _filters, stmt = _filtered()
    return export_table(f"Học bổng - {unit.name} - {period.title}.xlsx", awards.EXPORT_HEADERS,
                        awards.export_rows(stmt), "Học bổng")
