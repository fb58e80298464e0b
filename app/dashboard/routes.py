"""The home page of a logged-in user: their unit and everything under it."""
from flask import Blueprint, request
from flask_login import current_user, login_required

from app.core.authz import authorize
from app.core.clock import today
from app.core.views import render
from app.members import counts
from app.reports import charts, periods
from app.reports.links import Links
from app.scholarships.awards import NO_CIRCUMSTANCE

from . import panels

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():
    """Money raised vs targets, balances, campaigns, pigs, scholarships, honorees, what needs doing,
    and four charts; every figure links to the list it counts. `ky` picks the charts' period."""
    authorize("view")
    now = today()
    period = periods.parse(request.args.get("ky"), now) if request.args.get("ky") else None
    dash = panels.build(current_user.unit, now, period)
    links = Links(dash.period)
    # The organisation counts open the page (issue 19): this calendar year against the last.
    org = counts.organisation(current_user.unit, now.year)
    return render("dashboard/index.html", partial="dashboard/_panels.html", unit=current_user.unit, dash=dash,
                  links=links, org=org, lsy=Links(dash.school), lcy=Links(dash.calendar), charts=_charts(dash, links),
                  today=now)


def _charts(dash: panels.Dashboard, links: Links) -> dict:
    label = dash.period.label
    months = [charts.Bar(f"Tháng {m}/{y}", v, href=links.donations_month(y, m)) for (y, m), v in dash.monthly]
    # A branch's bar opens its own roll-up (its figure is that page's total); the unit's own bar and
    # the "N other units" bar open the unit's roll-up, which lists both.
    here = links.rollup(dash.unit_id)
    branches = [charts.Bar(name, v, href=links.rollup(uid) if uid and uid != dash.unit_id else here)
                for uid, name, v in dash.branches]
    levels = [charts.Bar(name, amount, text=f"{n} suất · {charts.money(amount)}", href=links.awards(level=key or "none"))
              for key, name, n, amount in panels.level_bars(dash.awards)]
    circ = [charts.Bar(name, amount, text=f"{n} suất · {charts.money(amount)}",
                       href=links.awards(circumstance=key or NO_CIRCUMSTANCE))
            for key, name, n, amount in panels.circumstance_bars(dash.awards)]
    return {
        "months": charts.bar_chart("thu-theo-thang", f"Tiền ủng hộ theo tháng, {label}", months,
                                   caption="Tiền ủng hộ theo tháng",
                                   desc="Tiền, hiện vật quy ra tiền của các khoản ủng hộ; tiền heo đất nộp quỹ "
                                        "và các khoản thu khác có trong báo cáo tổng kết."),
        "branches": charts.bar_chart("thu-theo-don-vi", f"Tiền vận động theo đơn vị, {label}", branches,
                                     caption="Tiền vận động theo đơn vị"),
        "levels": charts.bar_chart("hoc-bong-cap-hoc", f"Học bổng theo cấp học, {label}", levels,
                                   caption="Học bổng theo cấp học"),
        "circumstances": charts.bar_chart(
            "hoc-bong-hoan-canh", f"Học bổng theo hoàn cảnh, {label}", circ, caption="Học bổng theo hoàn cảnh",
            desc="Một em có thể thuộc nhiều diện hoàn cảnh; "
                 + "; ".join(f"{name}: {n} suất, {charts.money(a)}" for _k, name, n, a in
                             panels.circumstance_bars(dash.awards))),
    }
