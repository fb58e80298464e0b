"""Decision pages: the list, a draft's header, its honorees. Views load, check, call one service, answer.

Bulk sources, issuing and amending live in routes_bulk.py; the .xlsx import in routes_import.py;
picking a pupil or donor in routes_pick.py; printing in routes_print.py; criteria, assessments
and certificate settings in routes_assess.py (same blueprint).
"""

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.core import clock, idempotency
from app.core.authz import authorize, get_or_404
from app.core.paging import Page
from app.core.views import attach_error, attempt, form_page, go, is_htmx, page_number, render
from app.extensions import db
from app.funds.models import Fund
from app.funds.services import funds_in_scope
from app.units.models import Unit
from app.units.services import scope_choices

from . import pickers, prize_goods, queries, services
from .forms import ConfirmForm, DecisionForm, HonoreeForm
from .models import DECISION_STATUS, Decision, Honoree

bp = Blueprint("commendations", __name__, url_prefix="/khen-thuong")
HONOREES_PER_PAGE = 40  # a decision page stays under 30 KB on a phone, warnings and all


def _fund_choices(unit: Unit):
    return [(0, "Không chi tiền thưởng")] + [(f.id, f"{f.name} ({f.unit.name})")
                                             for f in db.session.scalars(funds_in_scope(unit, active_only=True))]


def _data(form: DecisionForm, unit: Unit) -> services.DecisionData:
    fund = get_or_404(Fund, form.fund_id.data, "commendation.write") if form.fund_id.data else None
    return services.DecisionData(
        number=form.number.data, decision_date=form.decision_date.data, title=form.title.data,
        place=form.place.data, list_title=form.list_title.data, bases=form.bases.data,
        proposal=form.proposal.data, executors=form.executors.data, recipients=form.recipients.data,
        signer_title=form.signer_title.data, signer_name=form.signer_name.data, award_form=form.award_form.data,
        default_amount=form.default_amount.data, fund=fund, payment_mode=form.payment_mode.data,
        school_year=form.school_year.data, group_by=form.group_by.data,
        default_goods_item=form.default_goods_item.data, default_goods_unit=form.default_goods_unit.data,
        default_goods_quantity=form.default_goods_quantity.data)


def _stock_items(unit: Unit) -> list[dict]:
    """Items on hand in the unit's goods stock, suggested in the prize-in-goods fields."""
    from app.scholarships.award_goods import stock_items

    return stock_items(unit)


def frozen_page(d: Decision):
    """An issued decision's edit pages send the user back to it (saving would be refused anyway)."""
    if d.frozen and request.method == "GET":
        flash(services.FROZEN_MESSAGE, "error")
        return go(url_for("commendations.detail", decision_id=d.id))
    return None


def decision_filters(args) -> tuple[str, str]:
    """(number search, status) of the decision list and its export: one reading of the filters."""
    q, status = args.get("q", ""), args.get("trang_thai", "")
    return q, status if status in DECISION_STATUS else ""


@bp.get("/")
@login_required
def index():
    """Decisions of the user's unit and below, newest first."""
    authorize("view")
    q, status = decision_filters(request.args)
    pagination = db.paginate(queries.decisions_in_scope(current_user.unit, q, status), page=page_number(),
                             per_page=50, error_out=False)
    return render("commendations/index.html", partial="commendations/_decision_rows.html",
                  pagination=pagination, q=q, status_filter=status, statuses=DECISION_STATUS)


@bp.route("/quyet-dinh/moi", methods=["GET", "POST"])
@login_required
def create():
    """A new draft decision; the number is suggested from the unit's counter for the year."""
    authorize("commendation.write")
    unit = current_user.unit
    today = clock.today()
    form = DecisionForm(unit_id=unit.id, number=services.suggest_number(unit, today.year), decision_date=today,
                        bases=services.DEFAULT_BASES, signer_title=services.DEFAULT_SIGNER_TITLE,
                        title="Về việc khen thưởng ", place="")
    form.unit_id.choices = scope_choices(unit)
    form.fund_id.choices = _fund_choices(unit)
    if form.validate_on_submit():
        target = get_or_404(Unit, form.unit_id.data, "commendation.write")
        try:
            done = idempotency.once(form.idem_key.data,
                                    lambda: services.create_decision(target, _data(form, target)),
                                    url=lambda d: url_for(".detail", decision_id=d.id))
            db.session.commit()
        except services.CommendationError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            if done.created:
                flash("Đã lập dự thảo quyết định. Hãy thêm người được khen.", "success")
            return go(done.url)
    return form_page("commendations/decision_form.html", "commendations/_decision_form.html", form,
                     title="Lập quyết định khen thưởng", action=url_for(".create"), decision=None,
                     stock_items=_stock_items(unit))


def honoree_rows(d: Decision, args):
    """(the whole list, {honoree id: [warning]}, the (number, honoree) pairs shown, only_warned) for a
    decision's page and its export: one reading of the `canh_bao` filter.

    Warnings compare each name with the whole list, so they are found on all rows; the rows keep
    their numbers in the printed list (?canh_bao=1: only the rows with a warning)."""
    rows = services.honorees(d)
    warnings = queries.warnings_for(d, rows)
    numbered = list(enumerate(rows, 1))
    only_warned = args.get("canh_bao") == "1"
    if only_warned:
        numbered = [(n, h) for n, h in numbered if h.id in warnings]
    return rows, warnings, numbered, only_warned


@bp.get("/quyet-dinh/<int:decision_id>")
@login_required
def detail(decision_id):
    """A decision: header, the list in Vietnamese order with warnings, and what can be done next."""
    d = get_or_404(Decision, decision_id)
    rows, warnings, numbered, only_warned = honoree_rows(d, request.args)
    page = page_number()
    pagination = Page(numbered[(page - 1) * HONOREES_PER_PAGE:page * HONOREES_PER_PAGE], page,
                      HONOREES_PER_PAGE, len(numbered))
    count, total = queries.totals(d)
    from .prizes import vouchers

    return render("commendations/detail.html", partial="commendations/_honoree_rows.html", d=d,
                  pagination=pagination, warnings=warnings, only_warned=only_warned,
                  warned=sum(1 for h in rows if h.id in warnings), count=count, total=total,
                  people=queries.people_text(queries.people_counts(d)),
                  amendments=queries.amendments_of(d), unpaid=queries.unpaid_count(d) if d.frozen else 0,
                  vouchers=vouchers([d] + [h for _, h in pagination.items]) if d.frozen else {},
                  goods=prize_goods.totals_text(d), goods_out=d.frozen and prize_goods.handed_out(d))


@bp.route("/quyet-dinh/<int:decision_id>/sua", methods=["GET", "POST"])
@login_required
def edit(decision_id):
    """Edit a draft's header (number, date, bases, signer, fund ...)."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    form = DecisionForm(obj=d, fund_id=d.fund_id or 0)
    del form.unit_id
    form.fund_id.choices = _fund_choices(d.unit)
    if form.validate_on_submit():
        try:
            services.update_decision(d, _data(form, d.unit))
            db.session.commit()
        except services.CommendationError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash("Đã lưu quyết định.", "success")
            return go(url_for(".detail", decision_id=d.id))
    return form_page("commendations/decision_form.html", "commendations/_decision_form.html", form,
                     title=f"Sửa quyết định {d.number}", action=url_for(".edit", decision_id=d.id), decision=d,
                     stock_items=_stock_items(d.unit))


def _honoree_data(form: HonoreeForm, keep: Honoree | None = None) -> services.HonoreeData:
    pupil_id, donor_id = form.link_ids()
    data = services.HonoreeData(
        name=form.name.data, kind=form.kind.data, collective=form.collective.data, birth_text=form.birth_text.data,
        place=form.place.data, achievement=form.achievement.data, amount=form.amount.data, note=form.note.data,
        pupil_id=pupil_id, donor_id=donor_id, goods_item=form.goods_item.data, goods_unit=form.goods_unit.data,
        goods_quantity=form.goods_quantity.data)
    if keep is not None:  # links to the assessment or nomination the line came from stay
        data.assessment_id, data.nomination_id = keep.assessment_id, keep.nomination_id
    return data


def _honoree_page(form, d: Decision, title: str, action: str, honoree: Honoree | None = None):
    pupil_id, donor_id = form.link_ids()
    return form_page("commendations/honoree_form.html", "commendations/_honoree_form.html", form, d=d,
                     title=title, action=action, honoree=honoree, linked=pickers.linked(d, pupil_id, donor_id),
                     pick_kinds=pickers.KINDS, stock_items=_stock_items(d.unit))


@bp.route("/quyet-dinh/<int:decision_id>/them", methods=["GET", "POST"])
@login_required
def add(decision_id):
    """Add one honoree by hand, or from a pupil or donor picked in the register (?hoc_sinh=, ?nha_hao_tam=)."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    form = HonoreeForm(amount=d.default_amount, goods_item=d.default_goods_item, goods_unit=d.default_goods_unit,
                       goods_quantity=d.default_goods_quantity)
    picked = pickers.from_args(d, request.args)
    if picked and not form.is_submitted():
        pickers.fill(form, picked)
    if form.validate_on_submit():
        h = attempt(form, services.CommendationError, lambda: services.add_honoree(d, _honoree_data(form)))
        if h is not None:
            flash(f"Đã thêm {h.full_name}.", "success")
            return go(url_for(".detail", decision_id=d.id))
    return _honoree_page(form, d, "Thêm người được khen", url_for(".add", decision_id=d.id))


@bp.route("/nguoi/<int:honoree_id>/sua", methods=["GET", "POST"])
@login_required
def edit_honoree(honoree_id):
    """Correct one line of a draft's list (or link it to a pupil or donor picked in the register)."""
    h = get_or_404(Honoree, honoree_id, "commendation.write")
    if (back := frozen_page(h.decision)) is not None:
        return back
    form = HonoreeForm(obj=h, name=h.full_name, amount=h.amount)
    picked = pickers.from_args(h.decision, request.args)
    if picked and not form.is_submitted():
        pickers.fill(form, picked)
    if form.validate_on_submit():
        if attempt(form, services.CommendationError, lambda: services.update_honoree(h, _honoree_data(form, keep=h))):
            flash("Đã lưu.", "success")
            return go(url_for(".detail", decision_id=h.decision_id))
    return _honoree_page(form, h.decision, f"Sửa: {h.full_name}", url_for(".edit_honoree", honoree_id=h.id), h)


@bp.route("/nguoi/<int:honoree_id>/xoa", methods=["GET", "POST"])
@login_required
def remove(honoree_id):
    """Take a line off a draft; GET is the confirmation page for browsers without JavaScript.

    The list's page and filter ride along in the query string, so the user comes back to the same
    place (#honorees); with htmx only the row is answered (a line saying it was taken off)."""
    h = get_or_404(Honoree, honoree_id, "commendation.write")
    if (back := frozen_page(h.decision)) is not None:
        return back
    args = {k: v for k, v in request.args.items() if k in ("trang", "canh_bao")}
    back = url_for(".detail", decision_id=h.decision_id, **args) + "#honorees"
    form = ConfirmForm()
    if form.validate_on_submit():
        error, d, line = "", h.decision, {"id": h.id, "full_name": h.full_name}  # h is gone after the commit
        try:
            services.remove_honoree(h)
            db.session.commit()
        except services.CommendationError as err:
            db.session.rollback()
            error = str(err)
        if is_htmx():
            return render_template("commendations/_honoree_removed.html", h=line, error=error, d=d)
        flash(error or "Đã bỏ khỏi danh sách.", "error" if error else "success")
        return go(back)
    return render("commendations/confirm.html", partial="commendations/_confirm.html", form=form,
                  heading=f"Bỏ “{h.full_name}” khỏi danh sách?",
                  action=url_for(".remove", honoree_id=h.id, **args), button="Bỏ khỏi danh sách", danger=True,
                  back=back)
