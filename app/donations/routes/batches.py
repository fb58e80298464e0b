"""Batches: a whole paper collection sheet entered at once, checked against its control total."""
from flask import request, url_for
from flask_login import login_required

from app.core.authz import authorize
from app.core.views import attempt, render
from app.vn.money import format_vnd

from .. import batch, entry as ent
from ..donors import DONOR_KINDS
from ..forms import BatchForm
from ..models import METHODS
from . import bp


def _page(form, rows, status=200, **ctx):
    return render("donations/batch.html", partial="donations/_batch.html", status=status, form=form, rows=rows,
                  kinds=DONOR_KINDS, methods={k: v for k, v in METHODS.items() if k != "in_kind"}, **ctx)


@bp.route("/nhap-theo-danh-sach", methods=["GET", "POST"])
@login_required
def batch_entry():
    """A table of rows from one paper sheet: nothing is saved unless every row is valid and the
    rows add up to the control total; otherwise 422 with each bad row marked and the difference."""
    authorize("donation.write")
    remembered = ent.remembered()
    if request.args.get("dot", type=int):
        remembered["campaign_id"] = request.args.get("dot", type=int)
    form = BatchForm(**remembered) if request.method == "GET" else BatchForm()
    ent.set_campaign_choices(form.campaign_id)
    form.collector_unit_id.choices = ent.collector_choices()
    if request.method == "GET":
        count = request.args.get("so_dong", batch.DEFAULT_ROWS, type=int) or batch.DEFAULT_ROWS
        return _page(form, batch.blank_rows(count))
    count = request.form.get("count", batch.DEFAULT_ROWS, type=int) or batch.DEFAULT_ROWS
    rows = batch.read_rows(request.form, count)
    if request.form.get("them_dong"):
        # "Add rows" without JavaScript: re-render with more blank rows, save nothing.
        extra = form.more_rows.data or 10
        rows += batch.blank_rows(min(count + extra, batch.MAX_ROWS))[count:]
        return _page(form, rows)
    valid_header = form.validate()
    filled = batch.check(rows)
    total = sum(r.amount or 0 for r in filled)
    difference = (form.control_total.data or 0) - total if form.control_total.data else None
    problems = any(r.errors for r in filled)
    if valid_header and not filled:
        form.form_errors.append("Chưa có dòng nào được nhập.")
    elif valid_header and not problems and difference:
        form.control_total.errors = list(form.control_total.errors) + [
            "Tổng các dòng không khớp với tổng cộng trên giấy. Chưa lưu dòng nào."]
    elif valid_header and not problems and (answer := attempt(
            form, lambda: batch.record_sheet(ent.load_campaign(form.campaign_id.data), filled,
                                             donation_date=form.donation_date.data,
                                             collector_name=form.collector_name.data,
                                             collector_unit=ent.load_collector_unit(form.collector_unit_id.data)),
            once=True, url=lambda d: url_for(".index", dot=form.campaign_id.data),
            success=f"Đã ghi {len(filled)} khoản đóng góp, tổng cộng {format_vnd(total)}.")):
        ent.remember(form.campaign_id.data, form.donation_date.data)
        return answer
    return _page(form, rows, status=422, total=total, difference=difference)
