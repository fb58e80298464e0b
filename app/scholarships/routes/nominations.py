"""Decisions and payouts on many rows (issue 14 A): one row, the ticked rows, this page, all rows
matching the filter, or "within the budget", each through a confirmation page (app.core.selection).

POST /<round>/quyet-dinh (endpoint `decide`), the list form's buttons:
- act=approve-<id>: approve one row. htmx swaps that row only (and the totals, out of band);
  without JavaScript: back to the same list, page and row (#row-<id>).
- act=approve with scope picked/page/all, act=budget: the confirm page, then step=confirm approves.
- act=reject (ticked rows, with a reason), or act=approve with ids and no scope: at once, as before.
Payouts: payout_page hands its POST to pay_bulk() (see there).
"""
from flask import flash, make_response, render_template, request
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app.core import clock, idempotency, selection
from app.core.authz import get_or_404
from app.core.views import attach_error, go, is_htmx, render
from app.extensions import db
from app.pupils import queries as pupil_queries
from app.vn.money import format_vnd

from .. import bulk, payout, services
from ..forms import BulkConfirmForm, DecideForm, PayConfirmForm
from ..models import ScholarshipRound
from . import bp
from .rounds import _selected, _selection_page, filtered_nominations

SHOWN = 30  # rows listed on a confirm page; the rest are counted ("và 153 dòng nữa")


def _back(sel, endpoint: str, anchor: str | None = "bulk", **view_args) -> str:
    """The list the POST came from. Older forms carried the filter in the action's query string.
    (Confirm pages post to a URL of their own, `buoc=xac-nhan`: were it the list's URL, htmx's
    redirect back to it with only a new #anchor would not load the page.)"""
    if not sel.args:
        sel.args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k not in ("act", "step", "buoc")])
    return sel.back_url(endpoint, anchor=anchor, **view_args)


@bp.route("/<int:round_id>/quyet-dinh", methods=["POST"])
@login_required
def decide(round_id):
    """Approve or reject nominations: one row, the ticked rows, a page, all matching, within budget."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.decide")
    sel = selection.read_selection(request.form)
    act, _, one = (request.form.get("act") or request.args.get("act") or "").partition("-")
    if act == "approve" and one.isdigit():
        return _approve_row(rnd, int(one), sel)
    if act == "budget" or (act == "approve" and sel.scope):
        return _bulk_approve(rnd, sel, budget=act == "budget")
    form = DecideForm()
    back = _back(sel, ".round_detail", round_id=rnd.id)
    if not form.validate_on_submit():
        flash("Biểu mẫu đã cũ, vui lòng thử lại.", "error")
        return go(back)
    chosen = _selected(rnd, form.ids.data)
    try:
        if act == "approve":
            done = services.approve(rnd, chosen)
            msg = f"Đã duyệt {len(done)} đề cử."
        elif act == "reject":
            done = services.reject(rnd, chosen, form.reason.data)
            msg = f"Đã ghi không duyệt {len(done)} đề cử."
        else:
            raise services.RoundError("Vui lòng chọn Duyệt hoặc Không duyệt.")
        db.session.commit()
    except services.RoundError as err:
        db.session.rollback()
        if act == "reject" and not (form.reason.data or "").strip():
            form.reason.errors = [str(err)]
        else:
            form.form_errors.append(str(err))
        return _selection_page(rnd, form, 422, args=sel.args)
    flash(msg, "success")
    return go(back)


def _approve_row(rnd, nomination_id, sel):
    """One row's "Duyệt": with htmx only that row is answered (and the totals, out of band)."""
    form = DecideForm()
    back = _back(sel, ".round_detail", anchor=f"row-{nomination_id}", round_id=rnd.id)
    if not form.validate_on_submit():
        flash("Biểu mẫu đã cũ, vui lòng thử lại.", "error")
        return go(back)
    chosen = _selected(rnd, [nomination_id])
    error = ""
    try:
        services.approve(rnd, chosen)
        db.session.commit()
    except services.RoundError as err:
        db.session.rollback()
        error = str(err)
    if is_htmx():
        n = chosen[0]
        html = render_template("scholarships/_row_swap.html", n=n, rnd=rnd, row_error=error, ticked=set(),
                               warnings=services.warnings_for([n]), totals=services.totals(rnd),
                               goods_needs=payout.goods_needs(rnd),
                               sponsored=pupil_queries.sponsored_pupil_ids(rnd.unit,
                                                                           rnd.ceremony_date or clock.today()))
        return make_response(html, 422 if error else 200)
    if error:
        form.form_errors.append(error)
        return _selection_page(rnd, form, 422, args=sel.args)
    flash(f"Đã duyệt {chosen[0].pupil.full_name}.", "success")
    return go(back)


def _replayed(form):
    """A confirm posted again (double tap, resent POST): back to where the first one went, before the
    rows are read again (they have changed: the first one acted on them)."""
    if form.validate_on_submit() and (url := selection.replayed_url(form.idem_key.data)):
        return go(url)
    return None


def _approval_plan(rnd, sel, budget: bool) -> bulk.Plan:
    if budget:
        category_id = sel.args.get("loai", type=int)
        plan = bulk.budget_plan(rnd, category_id if category_id and category_id > 0 else None)
        if plan.count > selection.MAX_BULK:
            raise selection.SelectionError(f"Mỗi lần chỉ duyệt được tối đa {selection.MAX_BULK} đề cử; "
                                           "hãy lọc theo loại học bổng.")
        return plan
    _status, _category, stmt = filtered_nominations(rnd, sel.args)
    ids = sel.resolve(all_ids=lambda: db.session.scalars(bulk.pending_ids_stmt(stmt)))
    return bulk.approval_plan(rnd, bulk.load(rnd, ids), picked=sel.scope == selection.PICKED)


def _bulk_approve(rnd, sel, *, budget: bool):
    """Step 1 answers the confirm page (nothing written); step=confirm approves exactly what it showed."""
    back = _back(sel, ".round_detail", round_id=rnd.id)
    if not sel.confirmed and not DecideForm().validate_on_submit():
        flash("Biểu mẫu đã cũ, vui lòng thử lại.", "error")
        return go(back)
    form = BulkConfirmForm()
    if sel.confirmed and (done := _replayed(form)):
        return done
    status, plan = 200, bulk.Plan()
    try:
        plan = _approval_plan(rnd, sel, budget)
        if sel.confirmed:
            if not form.validate_on_submit():
                raise selection.SelectionError("Biểu mẫu đã cũ, vui lòng xác nhận lại.")

            def work():
                sel.check_unchanged(plan.ids)
                if not plan.rows:
                    raise services.RoundError("Không có đề cử nào cần duyệt.")
                return bulk.approve_plan(rnd, plan)

            done = idempotency.once(form.idem_key.data, work, url=lambda _: back)
            db.session.commit()
            if done.created:
                flash(f"Đã duyệt {plan.count} đề cử, tổng {format_vnd(plan.total)}.", "success")
            return go(done.url)
    except selection.SelectionError as err:
        db.session.rollback()
        if not sel.confirmed:
            flash(str(err), "error")
            return go(back)
        form.form_errors.append(str(err))
        status = 422
    except services.RoundError as err:
        db.session.rollback()
        form.form_errors.append(str(err))
        status = 422
    if status == 422:  # the rows as they are now, for the next confirm
        db.session.expire_all()
        plan = _approval_plan(rnd, sel, budget)
    return render("scholarships/bulk_approve.html", status=status, rnd=rnd, sel=sel, plan=plan, form=form,
                  back=back, budget=budget, totals=services.totals(rnd), shown=plan.rows[:SHOWN],
                  priority_text=bulk.PRIORITY_TEXT)


# ---- payouts -----------------------------------------------------------------------------------

def default_paid_on(rnd):
    """The ceremony day once it has come, else today (a date ahead is only taken when confirmed)."""
    today = clock.today()
    return rnd.ceremony_date if rnd.ceremony_date and rnd.ceremony_date <= today else today


def pay_bulk(rnd, school):
    """The payout page's POST. scope picked/page/all: the confirm page (date and control total at its
    top, the rows in sheet order, which is the phiếu chi numbering); step=confirm pays exactly those
    rows in one transaction. A POST with ids and a control total but no scope (the older one-step
    form) pays at once; its refusals answer the same confirm page."""
    school_id = school.id if school else None
    legacy = not request.form.get("scope") and "control_total" in request.form
    sel = selection.read_selection(request.form)
    if legacy:
        sel.scope, sel.confirmed = selection.PICKED, True
    back = _back(sel, ".payout_page", round_id=rnd.id)
    confirming = sel.confirmed
    # A POST without a date (the older list form pre-filled it) takes the date that form offered.
    form = PayConfirmForm(paid_on=default_paid_on(rnd)) if confirming else \
        PayConfirmForm(formdata=None, paid_on=default_paid_on(rnd))
    if not confirming and not DecideForm().validate_on_submit():
        flash("Biểu mẫu đã cũ, vui lòng thử lại.", "error")
        return go(back)
    if confirming and (done := _replayed(form)):
        return done
    status, plan = 200, bulk.Plan()
    try:
        ids = sel.resolve(all_ids=lambda: db.session.scalars(bulk.unpaid_ids_stmt(rnd, school_id)))
        plan = bulk.payout_plan(rnd, bulk.load(rnd, ids))
        if confirming:
            status = 422
            if form.validate_on_submit():
                def work():
                    if not legacy:
                        sel.check_unchanged(plan.ids)
                    if not plan.rows:
                        raise services.RoundError("Không còn suất nào chưa chi trong lựa chọn này.", "ids")
                    payout.pay_many(rnd, plan.rows, form.paid_on.data, form.control_total.data,
                                    future_ok=form.future_ok.data)
                    return rnd

                done = idempotency.once(form.idem_key.data, work, url=lambda _: back)
                db.session.commit()
                if done.created:
                    flash(f"Đã ghi chi trả {payout.batch_text(plan.rows)}.", "success")
                return go(done.url)
    except selection.SelectionError as err:
        db.session.rollback()
        if not confirming:
            flash(str(err), "error")
            return go(back)
        form.form_errors.append(str(err))
        status = 422
    except services.RoundError as err:
        db.session.rollback()
        attach_error(form, err)
        status = 422
    if status == 422:
        db.session.expire_all()
        try:
            plan = bulk.payout_plan(rnd, bulk.load(rnd, sel.resolve(
                all_ids=lambda: db.session.scalars(bulk.unpaid_ids_stmt(rnd, school_id)))))
        except selection.SelectionError:
            plan = bulk.Plan()
    future = bool(form.paid_on.data and form.paid_on.data > clock.today())
    return render("scholarships/pay_confirm.html", partial="scholarships/_pay_confirm.html", status=status, rnd=rnd, school=school, sel=sel, plan=plan,
                  form=form, back=back, shown=plan.rows[:SHOWN], show_future=future or bool(form.future_ok.data),
                  totals=services.totals(rnd), goods_needs=payout.goods_needs(rnd))
