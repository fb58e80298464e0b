"""Opening a pig (mổ heo), voiding an opening, tái đàn, retiring a pig and correcting its code."""
from flask import flash, url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.clock import today
from app.core.views import attempt, confirm_action, form_page, go, render

from .. import codes, services
from ..forms import CodeForm, ConfirmForm, OpeningForm, ReissueForm, VoidForm
from ..models import ACTIVE, OPENED, RETIRED, PiggyBank, PiggyBankOpening
from . import bp

# Voiding an opening takes money back out of the fund: the same treasurer-only right as voiding a
# donation, so no new permission is needed.
VOID_ACTION = "donation.void"


@bp.route("/<int:pig_id>/mo-heo", methods=["GET", "POST"])
@login_required
def open_pig(pig_id):
    """Record a count: amount, disposition (fund / kept / split), two witnesses; one per form key."""
    pig = get_or_404(PiggyBank, pig_id, "piggybank.write")
    back = url_for(".detail", pig_id=pig.id)
    form = OpeningForm(opened_on=today())
    if pig.status != ACTIVE and not form.is_submitted():
        flash(f"Heo {pig.code} không ở trạng thái đang nuôi ({pig.status_label}).", "error")
        return go(back)
    if form.validate_on_submit() and (answer := attempt(form, lambda: services.open_pig(
            pig, opened_on=form.opened_on.data, amount=form.amount.data, disposition=form.disposition.data,
            to_fund=form.to_fund_amount.data, kept=form.kept_amount.data, witness1=form.witness1.data,
            witness2=form.witness2.data, note=form.note.data), once=True, url=lambda opening: back,
            success=lambda opening: f"Đã ghi lần mổ heo {pig.code}" + (
                f", phiếu thu {opening.ledger_entry.number}." if opening.ledger_entry else "."))):
        return answer
    return form_page("piggybanks/open.html", "piggybanks/_open_form.html", form, pig=pig)


@bp.route("/mo-heo/<int:opening_id>/huy", methods=["GET", "POST"])
@login_required
def void_opening(opening_id):
    """Void an opening (treasurer, reason): reverses its ledger entry. GET is the no-JS confirmation."""
    opening = get_or_404(PiggyBankOpening, opening_id, VOID_ACTION)
    back = url_for(".detail", pig_id=opening.piggy_bank_id)
    form = VoidForm()
    if opening.voided:
        flash("Lần mổ heo này đã được hủy trước đó.", "error")
        return go(back)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.void_opening(opening, form.reason.data), url=back,
            success=f"Đã hủy lần mổ heo {opening.piggy_bank.code}.")):
        return answer
    return form_page("piggybanks/void.html", "piggybanks/_void_form.html", form, opening=opening, back=back)


@bp.route("/<int:pig_id>/tai-dan", methods=["GET", "POST"])
@login_required
def reissue(pig_id):
    """Tái đàn: start a new cycle for an opened pig (new issue date, optional seed money)."""
    pig = get_or_404(PiggyBank, pig_id, "piggybank.write")
    back = url_for(".detail", pig_id=pig.id)
    form = ReissueForm(issued_on=today())
    if pig.status != OPENED:
        flash("Chỉ tái đàn được heo đã mổ.", "error")
        return go(back)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.reissue(pig, issued_on=form.issued_on.data, seed_money=form.seed_money.data or 0),
            url=back, success=lambda _: f"Đã tái đàn heo {pig.code}: lứa {pig.cycle}.")):
        return answer
    return form_page("piggybanks/reissue.html", "piggybanks/_reissue_form.html", form, pig=pig)


@bp.route("/<int:pig_id>/ngung", methods=["GET", "POST"])
@login_required
def retire(pig_id):
    """Ngừng nuôi (the pig leaves the opening-day sheets); GET is the no-JS confirmation page."""
    pig = get_or_404(PiggyBank, pig_id, "piggybank.write")
    back = url_for(".detail", pig_id=pig.id)
    if pig.status == RETIRED:
        flash("Heo này đã ngừng nuôi.", "error")
        return go(back)
    form = ConfirmForm()
    return (confirm_action(form, lambda: services.retire(pig), back=back, success=f"Heo {pig.code} đã ngừng nuôi.")
            or render("piggybanks/retire.html", pig=pig, form=form))


@bp.route("/<int:pig_id>/sua-ma", methods=["GET", "POST"])
@login_required
def change_code(pig_id):
    """Correct a pig's code (with a reason) until its first opening; afterwards the page says why not."""
    pig = get_or_404(PiggyBank, pig_id, "piggybank.write")
    back = url_for(".detail", pig_id=pig.id)
    form = CodeForm(code=pig.code)
    old = pig.code
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.change_code(pig, form.code.data, form.reason.data), default_field="code",
            url=back, success=lambda _: f"Đã sửa mã heo {old} thành {pig.code}.")):
        return answer
    return form_page("piggybanks/code.html", "piggybanks/_code_form.html", form, pig=pig, back=back,
                     opened=codes.first_opening(pig))
