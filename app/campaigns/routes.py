"""Campaign pages: list and detail with raised vs target, create/edit, close/reopen, export."""
from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.clock import today
from app.core.export import export_table
from app.core.views import attempt, confirm_action, form_page, page_number, render
from app.donations.services import recent
from app.extensions import db
from app.funds.models import Fund
from app.reports import periods
from app.reports.params import period_choices
from app.units.models import Unit
from app.units.services import scope_choices

from . import services
from .forms import CampaignFilterForm, CampaignForm, ConfirmForm
from .models import CLOSED, OPEN, Campaign

bp = Blueprint("campaigns", __name__, url_prefix="/dot-van-dong")


def _filtered():
    filters = CampaignFilterForm(request.args)
    key = request.args.get("ky") or ""
    period = periods.parse(key, today()) if key else None
    filters.period.choices = [("", "Mọi thời gian")] + period_choices(period or periods.parse("", today()))
    filters.period.data = period.key if period else ""
    stmt = services.campaigns_in_scope(current_user.unit, status=filters.status.data or "",
                                       q=filters.q.data or "", period=period)
    return filters, stmt


@bp.get("/")
@login_required
def index():
    """Campaigns of the user's unit and below, each with raised vs target and donors count."""
    authorize("view")
    filters, stmt = _filtered()
    pagination = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    ids = [c.id for c in pagination.items]
    targets = services.target_total(stmt) if filters.period.data else None
    figures = services.campaign_figures(ids)
    return render("campaigns/index.html", partial="campaigns/_rows.html", pagination=pagination,
                  filters=filters, totals={i: sum(f[:3]) for i, f in figures.items()},
                  goods={i: f[1] for i, f in figures.items()}, donors={i: f[3] for i, f in figures.items()},
                  percent=services.percent, targets=targets)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The campaign list (current filters) as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    _, stmt = _filtered()
    items = list(db.session.scalars(stmt.limit(5000)))
    figures = services.campaign_figures(items)
    rows = [(c.name, c.kind_label, c.unit.name, c.fund.name, c.purpose, c.start_date, c.end_date,
             c.target_amount or None, figures[c.id][0] + figures[c.id][2], figures[c.id][1], sum(figures[c.id][:3]),
             figures[c.id][3], c.status_label) for c in items]
    return export_table("dot-van-dong.xlsx", ["Tên đợt vận động", "Loại", "Đơn vị", "Quỹ", "Mục đích",
                                              "Ngày bắt đầu", "Ngày kết thúc", "Mục tiêu (đồng)",
                                              "Tiền (đồng)", "Hiện vật quy ra tiền (đồng)",
                                              "Đã vận động (đồng)", "Số người đóng góp", "Trạng thái"], rows)


@bp.get("/<int:campaign_id>")
@login_required
def detail(campaign_id):
    """A campaign: raised vs target bar, donors count and the latest donations."""
    campaign = get_or_404(Campaign, campaign_id)
    money, goods, other, donors = services.campaign_figures([campaign.id])[campaign.id]
    raised = money + goods + other
    return render("campaigns/detail.html", partial="campaigns/_summary.html", campaign=campaign, raised=raised,
                  money=money + other, donated_money=money, goods=goods, other=other,
                  pct=services.percent(raised, campaign.target_amount),
                  donors_count=donors, recent=recent(campaign, 15))


def _form_choices(form, unit_id=None):
    form.unit_id.choices = scope_choices(current_user.unit)
    stmt = (db.select(Fund).join(Fund.unit).where(Unit.path.startswith(current_user.unit.path),
                                                  Fund.active.is_(True)).order_by(Unit.path, Fund.search_key))
    form.fund_id.choices = [(0, "Quỹ khuyến học của đơn vị (mặc định)")] + [
        (f.id, f"{f.name} - {f.unit.name}") for f in db.session.scalars(stmt)]


def _save(form, campaign=None):
    unit = get_or_404(Unit, form.unit_id.data, "campaign.manage") if campaign is None else campaign.unit
    fund = get_or_404(Fund, form.fund_id.data, "campaign.manage") if form.fund_id.data else None
    values = dict(name=form.name.data, kind=form.kind.data, purpose=form.purpose.data,
                  start_date=form.start_date.data, end_date=form.end_date.data,
                  target_amount=form.target_amount.data or 0, fund=fund)
    if campaign is None:
        return services.create_campaign(unit, **values)
    return services.update_campaign(campaign, **values)


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    """A new campaign (campaign.manage) for the user's unit or one below it."""
    authorize("campaign.manage")
    form = CampaignForm(unit_id=current_user.unit_id)
    _form_choices(form)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: _save(form), url=lambda campaign: url_for(".detail", campaign_id=campaign.id),
            success=lambda campaign: f"Đã tạo đợt vận động “{campaign.name}”.")):
        return answer
    return form_page("campaigns/form.html", "campaigns/_form.html", form, campaign=None)


@bp.route("/<int:campaign_id>/sua", methods=["GET", "POST"])
@login_required
def edit(campaign_id):
    """Edit a campaign's name, kind, purpose, dates, target (and fund while nothing is raised)."""
    campaign = get_or_404(Campaign, campaign_id, "campaign.manage")
    form = CampaignForm(obj=campaign)
    _form_choices(form)
    form.unit_id.data = campaign.unit_id
    if request.method == "GET":
        form.fund_id.data = campaign.fund_id
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: _save(form, campaign), url=url_for(".detail", campaign_id=campaign.id),
            success="Đã lưu đợt vận động.")):
        return answer
    return form_page("campaigns/form.html", "campaigns/_form.html", form, campaign=campaign)


def _status_view(campaign_id, status):
    campaign = get_or_404(Campaign, campaign_id, "campaign.manage")
    form = ConfirmForm()
    if answer := confirm_action(form, lambda: services.set_status(campaign, status),
                                back=url_for(".detail", campaign_id=campaign.id),
                                success="Đã kết thúc đợt vận động." if status == CLOSED else "Đã mở lại đợt vận động."):
        return answer
    return render("campaigns/confirm_status.html", campaign=campaign, form=form, new_status=status)


@bp.route("/<int:campaign_id>/ket-thuc", methods=["GET", "POST"])
@login_required
def close(campaign_id):
    """Close a campaign (no new money); GET is the confirmation page without JavaScript."""
    return _status_view(campaign_id, CLOSED)


@bp.route("/<int:campaign_id>/mo-lai", methods=["GET", "POST"])
@login_required
def reopen(campaign_id):
    """Reopen a closed campaign; GET is the confirmation page."""
    return _status_view(campaign_id, OPEN)
