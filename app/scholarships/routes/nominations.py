"""Nominations: nominating a pupil, deciding one row or many, the round's nominations as a file.

Decisions on many rows (issue 14 A): one row, the ticked rows, this page, all rows matching the
filter, or "within the budget", each through a confirmation page (app.core.selection).
POST /<round>/quyet-dinh (endpoint `decide`), the list form's buttons (forms.read_act):
- act=approve-<id>: approve one row. htmx swaps that row only (and the totals, out of band);
  without JavaScript: back to the same list, page and row (#row-<id>).
- act=approve with scope picked/page/all, act=budget: the confirm page, then step=confirm approves.
- act=reject (ticked rows, with a reason), or act=approve with ids and no scope: at once, as before.
"""
from flask import abort, flash, make_response, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from app.core import clock, selection
from app.core.authz import get_or_404, is_id
from app.core.export import export_table
from app.core.forms import ConfirmForm
from app.core.views import attempt, confirm_action, form_page, go, is_htmx, render
from app.extensions import db
from app.pupils import queries as pupil_queries
from app.pupils.models import Pupil
from app.vn.money import format_vnd

from .. import bulk, choosing, payout, services
from ..forms import BulkConfirmForm, DecideForm, NominationForm, RejectForm, read_act
from ..importing import include_sponsored as add_all
from ..models import AwardCategory, Nomination, ScholarshipRound
from . import bp
from .rounds import selection_page

SHOWN = 30  # rows listed on a confirm page; the rest are counted ("và 153 dòng nữa")
STALE = "Biểu mẫu đã cũ, vui lòng thử lại."


def back_to_list(sel, endpoint: str, anchor: str | None = "bulk", **view_args) -> str:
    """The list the POST came from. Older forms carried the filter in the action's query string.
    (Confirm pages post to a URL of their own, `buoc=xac-nhan`: were it the list's URL, htmx's
    redirect back to it with only a new #anchor would not load the page.)"""
    if not sel.args:
        sel.args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k not in ("act", "step", "buoc")])
    return sel.back_url(endpoint, anchor=anchor, **view_args)


def stale(back: str):
    """A form whose token has expired: back to the list with the message."""
    flash(STALE, "error")
    return go(back)


def replayed(form):
    """A confirm posted again (double tap, resent POST): back to where the first one went, before the
    rows are read again (they have changed: the first one acted on them)."""
    if form.validate_on_submit() and (url := selection.replayed_url(form.idem_key.data)):
        return go(url)
    return None


def _chosen(rnd, ids) -> list[Nomination]:
    rows = choosing.of_round(rnd, ids)
    if rows is None:
        abort(404)
    return rows


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
        if answer := attempt(form, lambda: services.nominate(rnd, pupil, category, proposer=form.proposer.data,
                                                             reason=form.reason.data,
                                                             achievement=form.achievement.data),
                             once=True, url=lambda n: url_for(".round_detail", round_id=rnd.id),
                             success=_nominated):
            return answer
    return form_page("scholarships/nominate.html", "scholarships/_nominate_form.html", form, rnd=rnd, q=q,
                     found=found, pupil=pupil)


def _nominated(n: Nomination) -> str:
    """The success message of a new nomination; what the committee should know about it flashed too."""
    for msg in services.warnings_for([n]).get(n.id, []):
        flash(f"Lưu ý: {msg}", "error")
    return f"Đã đề cử {n.pupil.full_name}."


@bp.route("/de-cu/<int:nomination_id>/khong-duyet", methods=["GET", "POST"])
@login_required
def reject_one(nomination_id):
    """Reject one nomination with its reason (the page for browsers without JavaScript)."""
    n = get_or_404(Nomination, nomination_id, "nomination.decide")
    form = RejectForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.reject(n.round, [n], form.reason.data), default_field="reason",
            url=url_for(".round_detail", round_id=n.round_id), success=f"Đã ghi không duyệt: {n.pupil.full_name}.")):
        return answer
    return form_page("scholarships/reject.html", "scholarships/_reject_form.html", form, n=n)


@bp.route("/<int:round_id>/them-do-dau", methods=["POST"])
@login_required
def include_sponsored(round_id):
    """Add every pupil with a running sponsorship (đỡ đầu) to the round, in the chosen category."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.write")
    back = url_for(".round_detail", round_id=rnd.id)
    category_id = request.form.get("category_id", type=int)
    category = db.session.get(AwardCategory, category_id) if is_id(category_id) else None
    if category is None or category.round_id != rnd.id:
        flash("Vui lòng chọn loại học bổng.", "error")
        return go(back)
    return confirm_action(ConfirmForm(), lambda: add_all(rnd, category), back=back,
                          success=lambda added: f"Đã thêm {added} học sinh được đỡ đầu vào đợt.") or stale(back)


@bp.route("/<int:round_id>/quyet-dinh", methods=["POST"])
@login_required
def decide(round_id):
    """Approve or reject nominations: one row, the ticked rows, a page, all matching, within budget."""
    rnd = get_or_404(ScholarshipRound, round_id, "nomination.decide")
    sel = selection.read_selection(request.form)
    act = read_act(request.form.get("act") or request.args.get("act"))
    if act.nomination_id is not None:
        return _approve_row(rnd, act.nomination_id, sel)
    if act.kind == "budget" or (act.kind == "approve" and sel.scope):
        return _bulk_approve(rnd, sel, budget=act.kind == "budget")
    form = DecideForm()
    back = back_to_list(sel, ".round_detail", round_id=rnd.id)
    if not form.validate_on_submit():
        return stale(back)
    chosen = _chosen(rnd, form.ids.data)
    if act.kind == "approve":
        work, said = (lambda: services.approve(rnd, chosen)), "Đã duyệt {} đề cử."
    elif act.kind == "reject":
        work, said = (lambda: services.reject(rnd, chosen, form.reason.data)), "Đã ghi không duyệt {} đề cử."
    else:
        form.form_errors.append("Vui lòng chọn Duyệt hoặc Không duyệt.")
        return selection_page(rnd, form, 422, args=sel.args)
    return (attempt(form, work, url=back, success=lambda done: said.format(len(done)))
            or selection_page(rnd, form, 422, args=sel.args))


def _approve_row(rnd, nomination_id, sel):
    """One row's "Duyệt": with htmx only that row is answered (and the totals, out of band)."""
    form = DecideForm()
    back = back_to_list(sel, ".round_detail", anchor=f"row-{nomination_id}", round_id=rnd.id)
    if not form.validate_on_submit():
        return stale(back)
    chosen = _chosen(rnd, [nomination_id])
    if not chosen:  # no such nomination (or one the row policies hide: app/core/rls.py)
        abort(404)
    work = lambda: services.approve(rnd, chosen)  # noqa: E731
    if not is_htmx():
        return (attempt(form, work, url=back, success=f"Đã duyệt {chosen[0].pupil.full_name}.")
                or selection_page(rnd, form, 422, args=sel.args))
    error = "" if attempt(form, work) is not None else " ".join(form.form_errors)
    n = chosen[0]
    html = render_template("scholarships/_row_swap.html", n=n, rnd=rnd, row_error=error, ticked=set(),
                           warnings=services.warnings_for([n]), totals=services.totals(rnd),
                           goods_needs=payout.goods_needs(rnd),
                           sponsored=pupil_queries.sponsored_pupil_ids(rnd.unit, rnd.ceremony_date or clock.today()))
    return make_response(html, 422 if error else 200)


def _bulk_approve(rnd, sel, *, budget: bool):
    """Step 1 answers the confirm page (nothing written); step=confirm approves exactly what it showed."""
    back = back_to_list(sel, ".round_detail", round_id=rnd.id)
    form = BulkConfirmForm()
    if not sel.confirmed:
        if not DecideForm().validate_on_submit():
            return stale(back)
        plan = attempt(form, lambda: choosing.approval_plan(rnd, sel, budget=budget))  # reads, writes nothing
        if plan is None:
            flash(" ".join(form.form_errors), "error")
            return go(back)
        return _confirm_page(rnd, sel, plan, form, back, budget)
    if done := replayed(form):
        return done
    if not form.validate_on_submit():
        form.form_errors.append("Biểu mẫu đã cũ, vui lòng xác nhận lại.")
    elif answer := attempt(form, lambda: choosing.approve_selection(rnd, sel, budget=budget), once=True,
                           url=lambda _: back,
                           success=lambda plan: f"Đã duyệt {plan.count} đề cử, tổng {format_vnd(plan.total)}."):
        return answer
    db.session.expire_all()  # the rows as they are now, for the next confirm
    return _confirm_page(rnd, sel, choosing.approval_plan(rnd, sel, budget=budget), form, back, budget, 422)


def _confirm_page(rnd, sel, plan, form, back, budget, status=200):
    return render("scholarships/bulk_approve.html", status=status, rnd=rnd, sel=sel, plan=plan, form=form,
                  back=back, budget=budget, totals=services.totals(rnd), shown=plan.rows[:SHOWN],
                  priority_text=bulk.PRIORITY_TEXT)


@bp.get("/<int:round_id>/xuat-excel")
@login_required
def export(round_id):
    """The round's nominations (the selection page's filters) as .xlsx, or CSV with ?format=csv,
    in Vietnamese name order."""
    rnd = get_or_404(ScholarshipRound, round_id)
    noms = db.session.scalars(choosing.nominations_query(rnd, *choosing.read_filter(request.args))).all()
    rows = [[i, n.pupil.full_name, n.pupil.birth_text, n.pupil.class_text,
             n.pupil.school.name if n.pupil.school else "", n.pupil.village, ", ".join(n.pupil.circumstances),
             n.category.name, n.amount if n.status == "approved" else n.category.amount, n.status_label,
             n.decision_reason] for i, n in enumerate(noms, start=1)]
    return export_table(f"Đề cử - {rnd.name}.xlsx", ["STT", "Họ và tên", "Ngày sinh", "Lớp", "Trường", "Thôn, ấp",
                                                      "Hoàn cảnh", "Loại học bổng", "Số tiền", "Trạng thái",
                                                      "Lý do không duyệt"], rows, sheet_title="Đề cử")
