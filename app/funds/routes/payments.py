"""Money out of a fund: a payment (phiếu chi) and a transfer to another fund; one entry per form key."""
from flask import url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.authz import get_or_404
from app.core.views import attempt, form_page
from app.extensions import db

from .. import services
from ..forms import PaymentForm, TransferForm
from ..models import Fund
from . import bp


def _page(template: str, partial: str, form, fund):
    return form_page(template, partial, form, fund=fund, fund_balance=services.balance(fund))


@bp.route("/<int:fund_id>/chi", methods=["GET", "POST"])
@login_required
def payment(fund_id):
    """Phiếu chi: refused beside the amount when the fund would go below zero."""
    fund = get_or_404(Fund, fund_id, "money.write")
    form = PaymentForm(entry_date=clock.today())
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.post_payment(fund, form.amount.data, entry_date=form.entry_date.data,
                                                recipient=form.recipient.data, purpose=form.purpose.data,
                                                basis=form.basis.data, method=form.method.data),
            once=True, url=lambda entry: url_for(".detail", fund_id=fund.id),
            success=lambda entry: f"Đã ghi phiếu chi {entry.number}.")):
        return answer
    return _page("funds/payment.html", "funds/_payment_form.html", form, fund)


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
        if answer := attempt(
                form, lambda: services.transfer(fund, target, form.amount.data, entry_date=form.entry_date.data,
                                                reason=form.reason.data)[0],
                once=True, url=lambda entry: url_for(".detail", fund_id=fund.id),
                success=lambda entry: f"Đã chuyển tiền sang “{target.name}” (phiếu chi {entry.number})."):
            return answer
    return _page("funds/transfer.html", "funds/_transfer_form.html", form, fund)
