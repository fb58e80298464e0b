"""Scholarship rounds: the list, a round and its award categories, and the selection page."""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.core.views import attempt, form_page, page_number, render
from app.extensions import db
from app.funds import services as funds
from app.funds.models import Fund
from app.pupils import queries as pupil_queries

from .. import choosing, payout, services
from ..award_goods import stock_items
from ..forms import CategoryForm, DecideForm, RoundForm
from ..models import STATUS_LABELS, AwardCategory, ScholarshipRound
from . import bp

PER_PAGE = 50  # a committee ticks through a school at a time; 100 rows weighed 38 KB


@bp.get("/")
@login_required
def index():
    """Rounds of the user's unit and below, newest first."""
    authorize("view")
    return render("scholarships/index.html",
                  rounds=db.session.scalars(choosing.rounds_in_scope(current_user.unit)).all())


@bp.get("/xuat.xlsx")
@login_required
def rounds_export():
    """The round list as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    rows = ((r.name, r.school_year, r.ceremony_date, r.budget, r.unit.name, r.status_label, r.decision_number)
            for r in db.session.scalars(choosing.rounds_in_scope(current_user.unit)))
    return export_table("Các đợt học bổng.xlsx", ["Tên đợt", "Năm học", "Ngày trao", "Ngân sách (đồng)", "Đơn vị",
                                                 "Trạng thái", "Số quyết định"], rows, sheet_title="Đợt học bổng")


def _fund_choices():
    found = db.session.scalars(funds.funds_in_scope(current_user.unit, active_only=True)).all()
    return [(f.id, f"{f.name} - {f.unit.name}") for f in found]


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def round_create():
    authorize("scholarship.manage")
    return _round_form(RoundForm(), None)


@bp.route("/<int:round_id>/sua", methods=["GET", "POST"])
@login_required
def round_edit(round_id):
    rnd = get_or_404(ScholarshipRound, round_id, "scholarship.manage")
    return _round_form(RoundForm(obj=rnd), rnd)


def _round_form(form, rnd):
    form.fund_id.choices = _fund_choices()
    if form.validate_on_submit():
        fund = get_or_404(Fund, form.fund_id.data, "scholarship.manage")
        if answer := attempt(form, lambda: services.save_round(
                fund, form.name.data, form.school_year.data, form.budget.data, ceremony_date=form.ceremony_date.data,
                decision_number=form.decision_number.data, status=form.status.data, rnd=rnd),
                url=lambda saved: url_for(".round_detail", round_id=saved.id),
                success=lambda saved: f"Đã lưu đợt “{saved.name}”."):
            return answer
    action = url_for(".round_edit", round_id=rnd.id) if rnd else url_for(".round_create")
    return form_page("scholarships/form.html", "scholarships/_form.html", form, action=action, rnd=rnd,
                     title=f"Sửa: {rnd.name}" if rnd else "Tạo đợt học bổng")


@bp.route("/<int:round_id>/loai-moi", methods=["GET", "POST"])
@login_required
def category_create(round_id):
    rnd = get_or_404(ScholarshipRound, round_id, "scholarship.manage")
    return _category_form(CategoryForm(), rnd, None)


@bp.route("/loai/<int:category_id>/sua", methods=["GET", "POST"])
@login_required
def category_edit(category_id):
    category = get_or_404(AwardCategory, category_id, "scholarship.manage")
    return _category_form(CategoryForm(obj=category), category.round, category)


def _category_form(form, rnd, category):
    if form.validate_on_submit() and (answer := attempt(form, lambda: services.save_category(
            rnd, form.name.data, form.kind.data, form.amount.data, None, form.quota.data, category,
            goods_item=form.goods_item.data, goods_unit=form.goods_unit.data,
            goods_quantity=form.goods_quantity.data),
            url=url_for(".round_detail", round_id=rnd.id), success="Đã lưu loại học bổng.")):
        return answer
    action = (url_for(".category_edit", category_id=category.id) if category
              else url_for(".category_create", round_id=rnd.id))

    return form_page("scholarships/form.html", "scholarships/_form.html", form, action=action, rnd=rnd,
                     title="Sửa loại học bổng" if category else "Thêm loại học bổng",
                     stock_items=stock_items(rnd.unit),
                     legacy_goods=category.goods if category and not category.stock_goods else "")


@bp.get("/<int:round_id>")
@login_required
def round_detail(round_id):
    """The selection page: totals vs budget vs fund, nominations with warnings, bulk decisions."""
    rnd = get_or_404(ScholarshipRound, round_id)
    return selection_page(rnd, DecideForm())


def selection_page(rnd, form, status_code=200, args=None):
    """The selection page for the current filters (`args`: those a bulk form carried, else the
    query string). A refused decision comes back with 422: its message beside the reason field or
    at the top, the ticked rows and the typed reason kept."""
    args = args or request.args
    status, category_id = choosing.read_filter(args)
    page = args.get("trang", 1, type=int) if args is not request.args else page_number()
    pagination = choosing.nominations_page(rnd, status, category_id, page, PER_PAGE)
    return render("scholarships/detail.html", partial="scholarships/_selection.html", status=status_code,
                  rnd=rnd, pagination=pagination, totals=services.shown_totals(rnd), form=form,
                  goods_needs=payout.goods_needs(rnd),
                  ticked=set(form.ids.data or []),
                  warnings=services.warnings_for(pagination.items), status_filter=status, category_id=category_id,
                  statuses=STATUS_LABELS, list_args=args,
                  sponsored=pupil_queries.sponsored_pupil_ids(rnd.unit, rnd.ceremony_date or clock.today()))
