"""Scholarship round pages: rounds, categories, nominations and the selection page."""
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core import clock, idempotency
from app.core.authz import authorize, get_or_404, is_id
from app.core.paging import paginate_ids
from app.core.views import attach_error, form_page, go, page_number, render
from app.extensions import db
from app.funds import services as funds
from app.funds.models import Fund
from app.pupils import queries as pupil_queries
from app.pupils.models import Pupil
from app.units.models import Unit

from .. import payout, services
from ..forms import CategoryForm, DecideForm, NominationForm, RejectForm, RoundForm
from ..models import STATUS_LABELS, AwardCategory, Nomination, ScholarshipRound
from . import bp

PER_PAGE = 50  # a committee ticks through a school at a time; 100 rows weighed 38 KB


def rounds_in_scope():
    """The rounds of the user's unit and below, newest first: the list page and its export."""
    return (select(ScholarshipRound).join(ScholarshipRound.unit)
            .where(Unit.path.startswith(current_user.unit.path)).order_by(ScholarshipRound.id.desc()))


@bp.get("/")
@login_required
def index():
    """Rounds of the user's unit and below, newest first."""
    authorize("view")
    return render("scholarships/index.html", rounds=db.session.scalars(rounds_in_scope()).all())


@bp.get("/xuat.xlsx")
@login_required
def rounds_export():
    """The round list as .xlsx, or CSV with ?format=csv."""
    from app.core.export import export_table

    authorize("view")
    rows = ((r.name, r.school_year, r.ceremony_date, r.budget, r.unit.name, r.status_label, r.decision_number)
            for r in db.session.scalars(rounds_in_scope()))
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
        try:
            rnd = services.save_round(fund, form.name.data, form.school_year.data, form.budget.data,
                                      ceremony_date=form.ceremony_date.data,
                                      decision_number=form.decision_number.data, status=form.status.data, rnd=rnd)
            db.session.commit()
        except services.RoundError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash(f"Đã lưu đợt “{rnd.name}”.", "success")
            return go(url_for(".round_detail", round_id=rnd.id))
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
    if form.validate_on_submit():
        try:
            services.save_category(rnd, form.name.data, form.kind.data, form.amount.data, None,
                                   form.quota.data, category, goods_item=form.goods_item.data,
                                   goods_unit=form.goods_unit.data, goods_quantity=form.goods_quantity.data)
            db.session.commit()
        except services.RoundError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash("Đã lưu loại học bổng.", "success")
            return go(url_for(".round_detail", round_id=rnd.id))
    action = (url_for(".category_edit", category_id=category.id) if category
              else url_for(".category_create", round_id=rnd.id))
    from ..award_goods import stock_items

    return form_page("scholarships/form.html", "scholarships/_form.html", form, action=action, rnd=rnd,
                     title="Sửa loại học bổng" if category else "Thêm loại học bổng",
                     stock_items=stock_items(rnd.unit),
                     legacy_goods=category.goods if category and not category.stock_goods else "")


@bp.get("/<int:round_id>")
@login_required
def round_detail(round_id):
    """The selection page: totals vs budget vs fund, nominations with warnings, bulk decisions."""
    rnd = get_or_404(ScholarshipRound, round_id)
    return _selection_page(rnd, DecideForm())


def filtered_nominations(rnd, args):
    """(status, category id, select in Vietnamese name order) for the selection page's filters;
    the export reads the filters through here too."""
    status = args.get("trang_thai", "")
    category_id = args.get("loai", type=int)
    category_id = category_id if is_id(category_id) else None
    stmt = (select(Nomination).join(Pupil, Pupil.id == Nomination.pupil_id)
            .where(Nomination.round_id == rnd.id))
    if status in STATUS_LABELS:
        stmt = stmt.where(Nomination.status == status)
    if category_id:
        stmt = stmt.where(Nomination.category_id == category_id)
    return status, category_id, stmt.order_by(Pupil.name_key, Nomination.id)


def _selection_page(rnd, form, status_code=200, args=None):
    """The selection page for the current filters (`args`: those a bulk form carried, else the
    query string). A refused decision comes back with 422: its message beside the reason field or
    at the top, the ticked rows and the typed reason kept."""
    args = args or request.args
    status, category_id, stmt = filtered_nominations(rnd, args)
    page = args.get("trang", 1, type=int) if args is not request.args else page_number()
    # Counted without the join to pupil, which only orders the page (the WHERE is on nomination alone).
    pagination = paginate_ids(stmt, Nomination, max(1, min(page or 1, 1_000_000)), PER_PAGE,
                              count_stmt=select(Nomination).where(stmt.whereclause))
    return render("scholarships/detail.html", partial="scholarships/_selection.html", status=status_code,
                  rnd=rnd, pagination=pagination, totals=services.totals(rnd), form=form,
                  goods_needs=payout.goods_needs(rnd),
                  ticked=set(form.ids.data or []),
                  warnings=services.warnings_for(pagination.items), status_filter=status, category_id=category_id,
                  statuses=STATUS_LABELS, list_args=args,
                  sponsored=pupil_queries.sponsored_pupil_ids(rnd.unit, rnd.ceremony_date or clock.today()))


@bp.route("/<int:round_id>/de-cu", methods=["GET", "POST"])
@login_required
def nominate(round_id):
    """Nominate one pupil: find them by name (no diacritics needed), pick the category."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    form = NominationForm(pupil_id=request.args.get("hoc_sinh", ""))
    form.category_id.choices = [(c.id, f"{c.name} ({c.award_text})") for c in rnd.categories]
    q = request.args.get("q", "")
    found = []
    if q.strip():
        found = db.session.scalars(pupil_queries.pupil_query(rnd.unit, q=q).limit(20)).all()
    pupil = None
    if (form.pupil_id.data or "").isdigit():
        pupil = get_or_404(Pupil, form.pupil_id.data, "view")
    if form.validate_on_submit() and pupil is not None:
        category = get_or_404(AwardCategory, form.category_id.data, "nomination.write")
        try:
            done = idempotency.once(form.idem_key.data, lambda: services.nominate(
                rnd, pupil, category, proposer=form.proposer.data, reason=form.reason.data,
                achievement=form.achievement.data), url=lambda n: url_for(".round_detail", round_id=rnd.id))
            db.session.commit()
        except services.RoundError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            if done.created:
                flash(f"Đã đề cử {pupil.full_name}.", "success")
                for msg in services.warnings_for([done.obj]).get(done.obj.id, []):
                    flash(f"Lưu ý: {msg}", "error")
            return go(done.url)
    return form_page("scholarships/nominate.html", "scholarships/_nominate_form.html", form, rnd=rnd, q=q,
                     found=found, pupil=pupil)


def _selected(rnd, ids) -> list[Nomination]:
    if not ids:
        return []
    if not all(is_id(i) for i in ids):
        abort(404)
    rows = db.session.scalars(select(Nomination).where(Nomination.id.in_(ids))).all()
    for n in rows:
        if n.round_id != rnd.id:
            abort(404)
    return rows


@bp.route("/de-cu/<int:nomination_id>/khong-duyet", methods=["GET", "POST"])
@login_required
def reject_one(nomination_id):
    """Reject one nomination with its reason (the page for browsers without JavaScript)."""
    n = get_or_404(Nomination, nomination_id, "nomination.decide")
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(n.round, [n], form.reason.data)
            db.session.commit()
        except services.RoundError as err:
            db.session.rollback()
            attach_error(form, err, "reason")
        else:
            flash(f"Đã ghi không duyệt: {n.pupil.full_name}.", "success")
            return go(url_for(".round_detail", round_id=n.round_id))
    return form_page("scholarships/reject.html", "scholarships/_reject_form.html", form, n=n)


@bp.route("/<int:round_id>/them-do-dau", methods=["POST"])
@login_required
def include_sponsored(round_id):
    """Add every pupil with a running sponsorship (đỡ đầu) to the round, in the chosen category."""
    from ..importing import include_sponsored as add_all

    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    back = url_for(".round_detail", round_id=rnd.id)
    category_id = request.form.get("category_id", type=int)
    category = db.session.get(AwardCategory, category_id) if is_id(category_id) else None
    if category is None or category.round_id != rnd.id:
        flash("Vui lòng chọn loại học bổng.", "error")
        return go(back)
    try:
        added = add_all(rnd, category)
        db.session.commit()
    except services.RoundError as err:
        db.session.rollback()
        flash(str(err), "error")
    else:
        flash(f"Đã thêm {added} học sinh được đỡ đầu vào đợt.", "success")
    return go(back)
