"""Payouts: the signing sheet, marking paid (one or many, with a control total), reversal, summary."""
from flask import flash, request, url_for
from flask_login import current_user, login_required

from app.core import clock, idempotency, selection
from app.core.authz import can, get_or_404
from app.core.export import export_table
from app.core.paging import Page
from app.core.views import attempt, form_page, go, page_number, refusal_text, render
from app.extensions import db
from app.printing.offer import print_or_offer, queue_from_form
from app.printing.services import pdf_response, render_pdf
from app.pupils.models import School

from .. import choosing, payout, services, sheet
from ..bulk import same_person_text
from ..forms import DecideForm, PayConfirmForm, PayOneForm, PayoutForm, ReverseForm
from ..models import Nomination, ScholarshipRound
from . import bp
from .nominations import SHOWN, back_to_list, replayed, stale

PER_PAGE = 50  # as the selection page: a school at a time, the page stays short on a phone


def _school_of(rnd):
    school_id = request.args.get("truong", type=int)
    return get_or_404(School, school_id) if school_id else None


def _schools(awards):
    seen = {}
    for n in awards:
        if n.pupil.school:
            seen[n.pupil.school.id] = n.pupil.school
    return sorted(seen.values(), key=lambda s: s.name_order)


@bp.route("/<int:round_id>/chi-tra", methods=["GET", "POST"])
@login_required
def payout_page(round_id):
    """The signed sheet's rows, 50 a page, in sheet order: pay the ticked rows, this page or all unpaid
    (a POST answers the confirm page, see nominations.pay_bulk), or one row at once."""
    rnd = get_or_404(ScholarshipRound, round_id, "scholarship.pay")
    school = _school_of(rnd)
    if request.method == "POST":
        return pay_bulk(rnd, school)
    awards = payout.with_receipts(rnd, school.id if school else None)
    page = min(page_number(), max(1, -(-len(awards) // PER_PAGE)))
    pagination = Page(awards[(page - 1) * PER_PAGE:page * PER_PAGE], page, PER_PAGE, len(awards))
    unpaid = [n for n in awards if not n.is_paid]
    return render("scholarships/payout.html", partial="scholarships/_payout_form.html", form=PayoutForm(),
                  rnd=rnd, awards=pagination.items, pagination=pagination, school=school,
                  schools=_schools(db.session.scalars(payout.approved_query(rnd)).all()),
                  totals=services.totals(rnd), one_form=PayOneForm(paid_on=default_paid_on(rnd)),
                  new_key=idempotency.new_key, goods_needs=payout.goods_needs(rnd),
                  unpaid_count=len(unpaid), page_unpaid=sum(1 for n in pagination.items if not n.is_paid),
                  unpaid_text=payout.batch_text(unpaid))


@bp.get("/<int:round_id>/chi-tra/xuat.xlsx")
@login_required
def payout_export(round_id):
    """The payout page's rows (the round, or the school picked with ?truong=) with what was paid,
    as .xlsx or CSV (?format=csv); the same rights as the page."""
    rnd = get_or_404(ScholarshipRound, round_id, "scholarship.pay")
    school = _school_of(rnd)
    awards = payout.with_receipts(rnd, school.id if school else None)
    rows = ((i, n.pupil.full_name, n.pupil.class_text, n.pupil.school.name if n.pupil.school else "",
             n.category.name, n.amount, n.category.goods, "Đã chi" if n.is_paid else "Chưa chi", n.paid_on,
             n.paid_entry.number if n.paid_entry else "", n.goods_entry.number if n.goods_entry else "")
            for i, n in enumerate(awards, start=1))
    name = f"Chi trả học bổng - {rnd.name}" + (f" - {school.name}" if school else "")
    return export_table(name.replace("/", "-") + ".xlsx",
                        ["STT", "Họ và tên", "Lớp", "Trường", "Loại học bổng", "Số tiền (đồng)", "Hiện vật",
                         "Tình trạng", "Ngày chi", "Số phiếu chi", "Số phiếu xuất"], rows, sheet_title="Chi trả")


@bp.route("/de-cu/<int:nomination_id>/chi", methods=["POST"])
@login_required
def pay_one(nomination_id):
    """Mark one award paid (posts its phiếu chi); a repeated submit pays once."""
    n = get_or_404(Nomination, nomination_id, "scholarship.pay")
    form = PayOneForm()
    # Back to the same school's part of the sheet: treasurers pay school by school.
    back = url_for(".payout_page", round_id=n.round_id, truong=request.args.get("truong", type=int))
    if not form.validate_on_submit():
        flash("Vui lòng nhập ngày chi trả hợp lệ.", "error")
        return go(back)
    # The row's form sits in the sheet: a refusal is flashed above it, not shown beside a field.
    return (attempt(form, lambda: payout.pay(n, form.paid_on.data), once=True, url=lambda _: back,
                    success=f"Đã chi trả cho {n.pupil.full_name}.")
            or _flash_refusal(form, back))


def _flash_refusal(form, back: str):
    flash(refusal_text(form), "error")
    return go(back)


@bp.route("/de-cu/<int:nomination_id>/hoan-chi", methods=["GET", "POST"])
@login_required
def reverse(nomination_id):
    """Reverse a payment with a reason (voids the phiếu chi); GET is the confirmation page."""
    n = get_or_404(Nomination, nomination_id, "scholarship.pay")
    form = ReverseForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: payout.reverse_payment(n, form.reason.data), default_field="reason",
            url=url_for(".payout_page", round_id=n.round_id, truong=request.args.get("truong", type=int)),
            success=f"Đã hoàn chi trả của {n.pupil.full_name}.")):
        return answer
    return form_page("scholarships/reverse.html", "scholarships/_reverse_form.html", form, n=n)


@bp.get("/<int:round_id>/danh-sach-ky-nhan")
@login_required
def sheet_pdf(round_id):
    """Danh sách ký nhận (PDF) for the round or one school, sorted by given name, middle, family name.

    A long one answers a page whose button queues it as a print job (printing.offer)."""
    rnd = get_or_404(ScholarshipRound, round_id)
    school = _school_of(rnd)
    school_id = school.id if school else None
    awards = sheet.awards_of(rnd, school_id)
    # Back to the payout page for whoever pays; the round's page for the others (no link to a 403).
    back = (url_for(".payout_page", round_id=rnd.id, truong=school_id) if can(current_user, "scholarship.pay", rnd)
            else url_for(".round_detail", round_id=rnd.id))
    return print_or_offer(len(awards), lambda: sheet.render(rnd, school, awards),
                          filename=sheet.title(rnd, school) + ".pdf", title=sheet.title(rnd, school),
                          action=url_for(".sheet_print", round_id=rnd.id, truong=school_id), back=back,
                          limit=sheet.DIRECT_MAX)


@bp.post("/<int:round_id>/danh-sach-ky-nhan/in-nen")
@login_required
def sheet_print(round_id):
    """Queue the signing sheet (any length) as a background print job: its progress page."""
    rnd = get_or_404(ScholarshipRound, round_id)
    school = _school_of(rnd)
    return queue_from_form(sheet.KIND, {"round_id": rnd.id, "school_id": school.id if school else None},
                           unit=rnd.unit, title=sheet.title(rnd, school), filename=sheet.title(rnd, school) + ".pdf")


@bp.get("/<int:round_id>/tong-ket")
@login_required
def summary(round_id):
    rnd = get_or_404(ScholarshipRound, round_id)

    return render("scholarships/summary.html", rnd=rnd, s=payout.summary(rnd), totals=services.totals(rnd),
                  same_person=same_person_text(rnd))


@bp.get("/<int:round_id>/tong-ket.pdf")
@login_required
def summary_pdf(round_id):
    rnd = get_or_404(ScholarshipRound, round_id)

    pdf = render_pdf("pdf/scholarships/summary.html", rnd=rnd, s=payout.summary(rnd), today=clock.today(),
                     same_person=same_person_text(rnd))
    return pdf_response(pdf, f"Tổng kết - {rnd.name}.pdf")


# ---- paying many (issue 14 A) ------------------------------------------------------------------

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
    back = back_to_list(sel, ".payout_page", round_id=rnd.id)
    if not sel.confirmed:
        # The older list form pre-filled the date: the confirm page offers that date.
        form = PayConfirmForm(formdata=None, paid_on=default_paid_on(rnd))
        if not DecideForm().validate_on_submit():
            return stale(back)
        plan = attempt(form, lambda: choosing.payout_plan(rnd, sel, school_id))  # reads, writes nothing
        if plan is None:
            flash(" ".join(form.form_errors), "error")
            return go(back)
        return _pay_confirm_page(rnd, school, sel, plan, form, back)
    form = PayConfirmForm(paid_on=default_paid_on(rnd))
    if done := replayed(form):
        return done
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: choosing.pay_selection(rnd, sel, school_id, paid_on=form.paid_on.data,
                                                 control_total=form.control_total.data,
                                                 future_ok=form.future_ok.data, check_unchanged=not legacy),
            once=True, url=lambda _: back, success=lambda plan: f"Đã ghi chi trả {payout.batch_text(plan.rows)}.")):
        return answer
    db.session.expire_all()  # the rows as they are now, for the next confirm
    return _pay_confirm_page(rnd, school, sel, choosing.payout_plan_or_none(rnd, sel, school_id), form, back, 422)


def _pay_confirm_page(rnd, school, sel, plan, form, back, status=200):
    future = bool(form.paid_on.data and form.paid_on.data > clock.today())
    return render("scholarships/pay_confirm.html", partial="scholarships/_pay_confirm.html", status=status, rnd=rnd,
                  school=school, sel=sel, plan=plan, form=form, back=back, shown=plan.rows[:SHOWN],
                  show_future=future or bool(form.future_ok.data), totals=services.totals(rnd),
                  goods_needs=payout.goods_needs(rnd))
