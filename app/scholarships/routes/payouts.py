"""Payout pages: the signing sheet, marking paid (one or many, with a control total), reversal, summary."""
from flask import flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app.core import clock, idempotency
from app.core.authz import can, get_or_404
from app.core.paging import Page
from app.core.views import attach_error, form_page, go, page_number, render
from app.extensions import db
from app.printing.offer import long_document_page, queue_from_form
from app.printing.services import pdf_response, render_pdf

from .. import payout, services, sheet
from ..forms import PayOneForm, PayoutForm, ReverseForm
from ..models import Nomination, ScholarshipRound
from . import bp

PER_PAGE = 50  # as the selection page: a school at a time, the page stays short on a phone


def _school_of(rnd):
    from app.pupils.models import School

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
    from .nominations import default_paid_on, pay_bulk

    rnd = get_or_404(ScholarshipRound, round_id, "scholarship.pay")
    school = _school_of(rnd)
    if request.method == "POST":
        return pay_bulk(rnd, school)
    # The receipts with one IN query, not one query per paid row.
    awards = db.session.scalars(payout.approved_query(rnd, school.id if school else None)
                                .options(selectinload(Nomination.paid_entry),
                                         selectinload(Nomination.goods_entry))).all()
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
    from app.core.export import export_table

    rnd = get_or_404(ScholarshipRound, round_id, "scholarship.pay")
    school = _school_of(rnd)
    # The receipts with one IN query, not one query per paid row.
    awards = db.session.scalars(payout.approved_query(rnd, school.id if school else None)
                                .options(selectinload(Nomination.paid_entry), selectinload(Nomination.goods_entry)))
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
    if form.validate_on_submit():
        try:
            done = idempotency.once(form.idem_key.data, lambda: payout.pay(n, form.paid_on.data),
                                    url=lambda _: back)
            db.session.commit()
        except services.RoundError as err:
            db.session.rollback()
            flash(str(err), "error")
        else:
            if done.created:
                flash(f"Đã chi trả cho {n.pupil.full_name}.", "success")
    else:
        flash("Vui lòng nhập ngày chi trả hợp lệ.", "error")
    return go(back)


@bp.route("/de-cu/<int:nomination_id>/hoan-chi", methods=["GET", "POST"])
@login_required
def reverse(nomination_id):
    """Reverse a payment with a reason (voids the phiếu chi); GET is the confirmation page."""
    n = get_or_404(Nomination, nomination_id, "scholarship.pay")
    form = ReverseForm()
    if form.validate_on_submit():
        try:
            payout.reverse_payment(n, form.reason.data)
            db.session.commit()
        except services.RoundError as err:
            db.session.rollback()
            attach_error(form, err, "reason")
        else:
            flash(f"Đã hoàn chi trả của {n.pupil.full_name}.", "success")
            return go(url_for(".payout_page", round_id=n.round_id, truong=request.args.get("truong", type=int)))
    return form_page("scholarships/reverse.html", "scholarships/_reverse_form.html", form, n=n)


@bp.get("/<int:round_id>/danh-sach-ky-nhan")
@login_required
def sheet_pdf(round_id):
    """Danh sách ký nhận (PDF) for the round or one school, sorted by given name, middle, family name.

    A long one (sheet.DIRECT_MAX rows) answers a page whose button queues it as a print job."""
    rnd = get_or_404(ScholarshipRound, round_id)
    school = _school_of(rnd)
    awards = sheet.awards_of(rnd, school.id if school else None)
    if len(awards) > sheet.DIRECT_MAX:
        # Back to the payout page for whoever pays; the round's page for the others (no link to a 403).
        back = (url_for(".payout_page", round_id=rnd.id, truong=school.id if school else None)
                if can(current_user, "scholarship.pay", rnd) else url_for(".round_detail", round_id=rnd.id))
        return long_document_page(sheet.title(rnd, school), len(awards),
                                  url_for(".sheet_print", round_id=rnd.id, truong=school.id if school else None), back)
    return pdf_response(sheet.render(rnd, school, awards), sheet.title(rnd, school) + ".pdf")


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
    from ..bulk import same_person_text

    return render("scholarships/summary.html", rnd=rnd, s=payout.summary(rnd), totals=services.totals(rnd),
                  same_person=same_person_text(rnd))


@bp.get("/<int:round_id>/tong-ket.pdf")
@login_required
def summary_pdf(round_id):
    rnd = get_or_404(ScholarshipRound, round_id)
    from ..bulk import same_person_text

    pdf = render_pdf("pdf/scholarships/summary.html", rnd=rnd, s=payout.summary(rnd), today=clock.today(),
                     same_person=same_person_text(rnd))
    return pdf_response(pdf, f"Tổng kết - {rnd.name}.pdf")
