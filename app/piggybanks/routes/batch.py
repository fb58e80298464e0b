"""Opening many pigs in one action (issue 14 A): rows, a confirmation page, one transaction.

One view, four moments told apart by the posted fields (rules and parsing in batch.py):
- GET ?don_vi=: the unit's opening-day sheet (its active pigs, in the printed order);
- POST with `scope` (the list's bulk form: picked / this page / all N matching the filter): the same
  entry page for the chosen pigs;
- POST step=review (the entry page's button): every row checked; the confirmation page shows how many,
  how much, and asks for the control total; step=edit goes back to the rows with what was typed;
- POST step=confirm: rows checked again, the control total must equal the counted sum (its error
  beside the field, at the top), then once() and one transaction, and back to the same list and filter.
"""
from flask import flash, request
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.core import idempotency, selection
from app.core.authz import authorize, get_or_404
from app.core.clock import today
from app.core.views import attempt, go, render
from app.units.models import Unit
from app.vn.money import format_vnd

from .. import batch, queries
from ..forms import BatchHeadForm
from ..models import DISPOSITIONS
from . import bp
from .piggybanks import filtered_pigs

ENTRY, CONFIRM = "piggybanks/_batch_form.html", "piggybanks/_batch_confirm.html"
SHOWN = 20  # rows listed on the confirmation page (then "và N dòng nữa")


def _answer(form, partial, *, pigs, rows, sel, status=200, chosen=None):
    unit = _unit_of(sel.args)
    back = sel.back_url("piggybanks.index")
    return render("piggybanks/batch.html", partial=partial, status=status, form=form, rows=rows, sel=sel,
                  unit=unit, back=back, pig_ids=",".join(str(p.id) for p in pigs), chosen=chosen or len(pigs),
                  totals=batch.totals(rows), carried=batch.carry(rows), shown=SHOWN, DISPOSITIONS=DISPOSITIONS, step_partial=partial)


def _unit_of(args) -> Unit:
    raw = args.get("don_vi", "")
    return get_or_404(Unit, raw) if raw.isdigit() and int(raw) else current_user.unit


def _sheet(form, unit):
    """GET: the unit's opening-day sheet, as if its active pigs were picked on the list."""
    pigs = queries.due_pigs(unit)
    sel = selection.Selection(scope=selection.ALL, args=MultiDict({"don_vi": str(unit.id)}))
    chosen = len(pigs)
    pigs = pigs[:batch.MAX_ROWS]
    return _answer(form, ENTRY, pigs=pigs, rows=batch.blank_rows(pigs), sel=sel, chosen=chosen)


def _picked(form):
    """From the list's bulk form: the chosen pigs that are "đang nuôi", in the list's order."""
    sel = selection.read_selection(request.form)
    ids = attempt(form, lambda: sel.resolve(all_ids=lambda: queries.ids(filtered_pigs(sel.args, openable=True)[1])))
    if ids is None:  # a refused choice (nothing ticked, too many): back to the list with why
        flash(" ".join(form.form_errors), "error")
        return go(sel.back_url("piggybanks.index"))
    pigs = batch.load_pigs(current_user.unit, ids, active_only=True)
    if not pigs:
        flash("Không có heo đang nuôi nào trong các dòng đã chọn.", "error")
        return go(sel.back_url("piggybanks.index"))
    return _answer(form, ENTRY, pigs=pigs[:batch.MAX_ROWS], rows=batch.blank_rows(pigs[:batch.MAX_ROWS]),
                   sel=sel, chosen=len(pigs))


@bp.route("/nhap-phieu-mo-heo", methods=["GET", "POST"])
@login_required
def batch_entry():
    """Enter many counts: from the sheet or the list's bulk form, confirmed with a control total."""
    # A unit named in the address is checked first: out of scope is 404 for every role, as everywhere.
    sheet_unit = (get_or_404(Unit, request.args["don_vi"], "piggybank.write") if "don_vi" in request.args
                  else authorize("piggybank.write", current_user.unit))
    form = BatchHeadForm(opened_on=today())
    if not form.is_submitted():
        return _sheet(form, sheet_unit)
    step = request.form.get("step", "")
    if not step and request.form.get("scope"):
        return _picked(form)
    if form.idem_key.data and idempotency.lookup(form.idem_key.data):
        # A resend of a saved batch: its pigs are no longer due, so answer with the first result.
        return go(idempotency.once(form.idem_key.data, lambda: None, url=lambda _: "").url)
    sel = selection.read_selection(request.form)
    ids = batch.pig_ids(request.form)
    if "pigs" not in request.form:  # a sheet form from before the "pigs" field: the unit's sheet
        sel = selection.Selection(scope=selection.ALL, args=MultiDict({"don_vi": str(sheet_unit.id)}))
        ids = [p.id for p in queries.due_pigs(sheet_unit)]
    pigs = batch.load_pigs(current_user.unit, ids[:batch.MAX_ROWS])
    ok = form.validate()
    rows = batch.read_rows(pigs, request.form, form.witness1.data or "", form.witness2.data or "")
    if not ok or any(r.errors for r in rows) or step == "edit":
        if any(r.errors for r in rows):
            form.form_errors.append("Chưa lưu dòng nào: vui lòng sửa các dòng được đánh dấu.")
        return _answer(form, ENTRY, pigs=pigs, rows=rows, sel=sel, status=200 if step == "edit" else 422)
    if not any(r.filled for r in rows):
        form.form_errors.append("Chưa có dòng nào được nhập số tiền.")
        return _answer(form, ENTRY, pigs=pigs, rows=rows, sel=sel, status=422)
    if step != "confirm":
        return _answer(form, CONFIRM, pigs=pigs, rows=rows, sel=sel)
    problem = ("Vui lòng nhập tổng tiền kiểm tra (tổng số đếm được ghi trên phiếu)."
               if form.control_total.data is None else batch.check_total(rows, form.control_total.data))
    if problem:
        form.control_total.errors = list(form.control_total.errors) + [problem]
        return _answer(form, CONFIRM, pigs=pigs, rows=rows, sel=sel, status=422)
    if answer := attempt(form, lambda: batch.save(rows, form.opened_on.data, form.witness1.data, form.witness2.data),
                         once=True, url=lambda _: sel.back_url("piggybanks.index"), success=lambda _: _saved(rows)):
        return answer
    # A row the service refused has its reason beside it; the whole batch was rolled back.
    form.form_errors[-1] = "Chưa lưu dòng nào: " + (form.form_errors[-1] if not any(r.errors for r in rows)
                                                    else "có dòng bị từ chối, xem lý do bên dưới.")
    return _answer(form, ENTRY, pigs=pigs, rows=rows, sel=sel, status=422)


def _saved(rows) -> str:
    t = batch.totals(rows)
    return (f"Đã ghi {t.count} lần mổ heo, tổng đếm được {format_vnd(t.counted)} "
            f"(nộp quỹ {format_vnd(t.to_fund)}).")


__all__ = ["batch_entry"]
