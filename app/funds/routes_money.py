"""Treasurer actions on a fund: payment out (phiếu chi), transfer between funds, voiding an entry."""
from flask import flash, url_for
from flask_login import current_user, login_required

from app.core import clock, idempotency
from app.core.authz import authorize, get_or_404
from app.core.views import attach_error, attempt, form_page, go, render
from app.extensions import db

from . import services
from .forms import PaymentForm, TransferForm, VoidForm
from .models import Fund, LedgerEntry
from .routes import bp


@bp.route("/<int:fund_id>/chi", methods=["GET", "POST"])
@login_required
def payment(fund_id):
    """Phiếu chi: refused beside the amount when the fund would go below zero; one entry per form key."""
    fund = get_or_404(Fund, fund_id, "money.write")
    form = PaymentForm(entry_date=clock.today())
    if form.validate_on_submit():
        done = attempt(form, services.FundError, lambda: idempotency.once(
            form.idem_key.data,
            lambda: services.post_payment(fund, form.amount.data, entry_date=form.entry_date.data,
                                          recipient=form.recipient.data, purpose=form.purpose.data,
                                          basis=form.basis.data, method=form.method.data),
            url=lambda entry: url_for(".detail", fund_id=fund.id)))
        if done is not None:
            if done.created:
                flash(f"Đã ghi phiếu chi {done.obj.number}.", "success")
            return go(done.url)
    return form_page("funds/payment.html", "funds/_payment_form.html", form, fund=fund,
                     fund_balance=services.balance(fund))


@bp.route("/<int:fund_id>/chuyen", methods=["GET", "POST"])
@login_required
def transfer(fund_id):
    """Move money to another active fund in the user's scope (e.g. a former district fund handed over)."""
    fund = get_or_404(Fund, fund_id, "money.write")
    form = TransferForm(entry_date=clock.today())
    targets = db.session.scalars(services.funds_in_scope(current_user.unit, active_only=True)).all()
    form.to_fund_id.choices = [(f.id, f"{f.name} - {f.unit.name}") for f in targets if f.id != fund.id]
    if form.validate_on_submit():
        target = get_or_404(Fund, form.to_fund_id.data, "money.write")
        done = attempt(form, services.FundError, lambda: idempotency.once(
            form.idem_key.data,
            lambda: services.transfer(fund, target, form.amount.data, entry_date=form.entry_date.data,
                                      reason=form.reason.data)[0],
            url=lambda entry: url_for(".detail", fund_id=fund.id)))
        if done is not None:
            if done.created:
                flash(f"Đã chuyển tiền sang “{target.name}” (phiếu chi {done.obj.number}).", "success")
            return go(done.url)
    return form_page("funds/transfer.html", "funds/_transfer_form.html", form, fund=fund,
                     fund_balance=services.balance(fund))


@bp.route("/but-toan/<int:entry_id>/huy", methods=["GET", "POST"])
@login_required
def void(entry_id):
    """Void an entry through its owner (app.books.owners): a payment, transfer or correction here;
    a gift, a pig's count, an award or a per-person prize here too, through that record's own void,
    so the record and the ledger change in one transaction; anything else (a list's one voucher)
    is refused with a link to its owner's page. GET is the confirmation page without JavaScript."""
    from app.books import owners

    entry = get_or_404(LedgerEntry, entry_id, "money.write")
    legs = services.transfer_legs(entry)
    for leg in legs:
        authorize("money.write", leg)  # both legs of a transfer must be within the user's scope
    back = url_for(".detail", fund_id=entry.fund_id)
    plan = owners.void_plan(entry, current_user)
    form = VoidForm()
    if not plan.here:
        if form.is_submitted():
            flash(plan.refusal, "error")
            return go(back)
        return render("funds/void.html", entry=entry, legs=legs, form=form, plan=plan, back=back)
    if form.validate_on_submit():
        try:
            owners.void(entry, form.reason.data)
            db.session.commit()
        except owners.VoidRefused as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            what = "" if plan.own else f" cùng {plan.owner.label} đã ghi nó"
            flash(f"Đã hủy bút toán {entry.number or ''}{what}.".replace("  ", " "), "success")
            return go(back)
    return form_page("funds/void.html", "funds/_void_form.html", form, entry=entry, legs=legs, plan=plan,
                     back=back)
