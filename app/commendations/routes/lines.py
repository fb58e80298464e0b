"""Many lines of a decision's list at once (issue 14 A): the ticked lines, this page, or all lines
matching the list's filter (app.core.selection), JavaScript off too.

The decision page's list is one <form method="post">; its buttons post here (formaction):
- bo-nhieu: take lines off a draft. Step 1 answers a confirm page (how many, their prize money and
  goods); step=confirm removes exactly those lines in one transaction (once()), then back to the
  same page of the list, same filter.
- chi-lai: pay again, per person, the prizes whose payment was reversed: the confirm page asks the
  date and a control total at its top; one transaction, one phiếu chi per line in list order.
- in-giay-khen: print the chosen lines' certificates through the print engine's background job
  (its progress page); all lines of an unfiltered list is the decision's usual certificates job.
"""
from flask import flash, request
from flask_login import login_required

from app.core import clock, idempotency, selection
from app.core.authz import get_or_404
from app.core.forms import ConfirmForm
from app.core.views import attach_error, attempt, go, render
from app.extensions import db
from app.printing.offer import queue_from_form
from app.vn.money import format_vnd

from .. import documents, lines
from ..forms import LinesConfirmForm, LinesPayForm
from ..models import Decision
from . import bp, honoree_rows

SHOWN = 30  # lines listed on a confirm page; the rest are counted ("và 153 dòng nữa")
PRINT_MAX = 50_000  # certificates of one print job (rendered in chunks by the print worker)


def _chosen(d: Decision, sel, limit: int = selection.MAX_BULK) -> list:
    """The chosen lines in list order; "all" re-runs the list's own filter (sel.args: canh_bao)."""
    ids = sel.resolve(all_ids=lambda: [h.id for _, h in honoree_rows(d, sel.args)[2]], limit=limit)
    return lines.load(d, ids)


def _back(d: Decision, sel) -> str:
    """The list as it was: same page, same filter, at the lines."""
    return sel.back_url(".detail", anchor="honorees", decision_id=d.id)


def _stale(back):
    flash("Biểu mẫu đã cũ, vui lòng thử lại.", "error")
    return go(back)


def _confirm(d: Decision, sel, form, plan_of, work, *, title: str, what: str, button: str, done_text):
    """Step 1: the confirm page (nothing written), posting to this same URL. step=confirm: check the
    lines are those shown, run `work(rows)` once in one transaction, back to the list. Refusals re-show
    the page (422) with the message at its top and the lines as they are now."""
    back, action = _back(d, sel), request.path
    if not sel.confirmed and not ConfirmForm().validate_on_submit():
        return _stale(back)
    if sel.confirmed and form.validate_on_submit() and idempotency.lookup(form.idem_key.data) is not None:
        return go(idempotency.once(form.idem_key.data, lambda: None, url=lambda _: back).url)  # a double tap
    plan, refused = lines.plan_for(lambda: _chosen(d, sel), plan_of)
    if refused is not None and not sel.confirmed and isinstance(refused, selection.SelectionError):
        flash(str(refused), "error")  # a choice that cannot be read: back to the list
        return go(back)
    status = 422 if sel.confirmed or refused is not None else 200
    if refused is not None:
        attach_error(form, refused)
    elif sel.confirmed and form.validate_on_submit() and (answer := attempt(
            form, lambda: lines.carry_out(plan, sel, work), once=True, url=lambda _: back,
            success=lambda _: done_text(plan))):
        return answer
    if status == 422:  # the lines as they are now, for the next confirm
        db.session.expire_all()
        plan, _ = lines.plan_for(lambda: _chosen(d, sel), plan_of)
    return render("commendations/lines_confirm.html", status=status, d=d, sel=sel, plan=plan, form=form,
                  back=back, shown=plan.rows[:SHOWN], title=title, what=what, button=button, action=action)


@bp.post("/quyet-dinh/<int:decision_id>/danh-sach/bo-nhieu")
@login_required
def lines_remove(decision_id):
    """Take the chosen lines off a draft, after a confirm page."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    sel = selection.read_selection(request.form)
    return _confirm(d, sel, LinesConfirmForm(), lambda rows: lines.removal_plan(d, rows),
                    lambda rows: lines.remove_many(d, rows) and d,
                    title=f"Bỏ khỏi danh sách Quyết định {d.number}", what="dòng sẽ bị bỏ khỏi danh sách",
                    button="Xác nhận bỏ khỏi danh sách", done_text=lambda p: f"Đã bỏ {p.count} dòng khỏi danh sách.")


@bp.post("/quyet-dinh/<int:decision_id>/danh-sach/chi-lai")
@login_required
def lines_pay(decision_id):
    """Pay again the chosen lines' reversed prizes (one phiếu chi each), after a confirm page."""
    d = get_or_404(Decision, decision_id, "commendation.pay")
    sel = selection.read_selection(request.form)
    form = LinesPayForm() if sel.confirmed else LinesPayForm(formdata=None, paid_on=clock.today())
    return _confirm(d, sel, form, lambda rows: lines.payment_plan(d, rows),
                    lambda rows: lines.pay_many(d, rows, form.paid_on.data, form.control_total.data) and d,
                    title=f"Chi lại tiền thưởng theo Quyết định {d.number}", what="người sẽ được chi lại tiền thưởng",
                    button="Xác nhận chi",
                    done_text=lambda p: f"Đã chi lại tiền thưởng cho {p.count} người, tổng {format_vnd(p.total)}.")


@bp.post("/quyet-dinh/<int:decision_id>/danh-sach/in-giay-khen")
@login_required
def lines_print(decision_id):
    """The chosen lines' certificates as one background print job (its progress page)."""
    d = get_or_404(Decision, decision_id)
    sel = selection.read_selection(request.form)
    back = _back(d, sel)
    # nothing is written, so a print may take more lines than one transaction would
    plan, refused = lines.plan_for(lambda: _chosen(d, sel, limit=PRINT_MAX), lines.Plan)
    if refused is not None:
        flash(str(refused), "error")
        return go(back)
    rows = plan.rows
    params = {"decision_id": d.id}
    if sel.scope != selection.ALL or sel.args.get("canh_bao") == "1":
        params["honoree_ids"] = [h.id for h in rows]  # in list order; the whole list keeps the usual job
    return queue_from_form(documents.CERTS_KIND, params, unit=d.unit,
                           title=f"Giấy khen theo Quyết định {d.number} ({len(rows)} giấy)",
                           filename=f"Giấy khen {d.number}.pdf")
