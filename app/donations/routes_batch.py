"""Batch entry of a whole collection sheet, with the control total typed from the paper."""
from flask import flash, request, url_for
from flask_login import login_required

from app.core import idempotency
from app.core.authz import authorize
from app.core.views import attach_error, go, render
from app.extensions import db
from app.vn.money import format_vnd

from . import batch, entry as ent, services
from .donor_services import DonorError, find_or_create_donor
from .donors import DONOR_KINDS
from .forms import BatchForm
from .models import METHODS
from .routes import bp


def _page(form, rows, status=200, **ctx):
    return render("donations/batch.html", partial="donations/_batch.html", status=status, form=form, rows=rows,
                  kinds=DONOR_KINDS, methods={k: v for k, v in METHODS.items() if k != "in_kind"}, **ctx)


def _save_all(form, rows):
    campaign = ent.load_campaign(form.campaign_id.data)
    collector_unit = ent.load_collector_unit(form.collector_unit_id.data)
    saved = []
    for r in rows:
        v = r.values
        donor = find_or_create_donor(campaign.unit, v["name"], v["kind"], v["address"])
        saved.append(services.record_donation(campaign, donor, r.amount, donation_date=form.donation_date.data,
                                              method=v["method"], collector_name=form.collector_name.data,
                                              collector_unit=collector_unit, note=v["note"],
                                              anonymous=v["anonymous"] == "1"))
    return saved[0]


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
        extra = form.so_dong.data or 10
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
    elif valid_header and not problems:
        try:
            done = idempotency.once(form.idem_key.data, lambda: _save_all(form, filled),
                                    url=lambda d: url_for(".index", dot=form.campaign_id.data))
            db.session.commit()
        except (services.DonationError, DonorError) as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            ent.remember(form.campaign_id.data, form.donation_date.data)
            if done.created:
                flash(f"Đã ghi {len(filled)} khoản đóng góp, tổng cộng {format_vnd(total)}.", "success")
            return go(done.url)
    return _page(form, rows, status=422, total=total, difference=difference)
