"""Bank account pages: the accounts of the user's scope, adding one, its page (its own VietQR and the
way to its statements, lines and reconciliation), and changing its name, label and flags.

Reading needs "view"; adding and changing need "bank.manage" (admin, treasurer) on the account's unit.
"""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.views import attempt, form_page, render
from app.units.models import Unit
from app.units.services import scope_choices

from .. import accounts as services
from .. import vietqr
from ..forms import AccountEditForm, AccountForm
from ..models import BankAccount
from ..qr import qr_svg
from . import bp


@bp.get("/")
@login_required
def accounts():
    """Tài khoản ngân hàng: every account of the user's unit and the units below it."""
    authorize("view")
    return render("banking/accounts.html", partial="banking/_accounts.html",
                  accounts=services.accounts_in_scope(current_user.unit))


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def account_new():
    """Thêm tài khoản: refused beside the field (input kept); one account per form key."""
    authorize("bank.manage")
    form = AccountForm(unit_id=request.args.get("don_vi", type=int) or current_user.unit.id)
    form.unit_id.choices = scope_choices(current_user.unit)
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "bank.manage")
        if answer := attempt(
                form, lambda: services.create_account(unit, form.bin.data, form.account_number.data,
                                                      form.account_name.data, form.label.data,
                                                      is_default=True if form.is_default.data else None),
                once=True, url=lambda account: url_for(".account", account_id=account.id),
                success=lambda account: f"Đã thêm tài khoản {account.account_number} ({account.bank_name})."):
            return answer
    return form_page("banking/account_form.html", "banking/_account_form.html", form, account=None,
                     locked=False)


@bp.get("/<int:account_id>")
@login_required
def account(account_id):
    """One account: its details and its own VietQR (static: no amount, no note), and its work."""
    account = get_or_404(BankAccount, account_id)
    payload = vietqr.payload(account.bin, account.account_number)
    return render("banking/account.html", partial="banking/_account.html", account=account, payload=payload,
                  svg=qr_svg(payload, title=f"Mã VietQR của tài khoản {account.account_number}"),
                  locked=services.has_lines(account))


@bp.route("/<int:account_id>/sua", methods=["GET", "POST"])
@login_required
def account_edit(account_id):
    """Sửa tài khoản: name, label, default, active; the bank and number only while it has no line."""
    account = get_or_404(BankAccount, account_id, "bank.manage")
    form = AccountEditForm(obj=account)
    locked = services.has_lines(account)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.update_account(account, account_name=form.account_name.data,
                                                  label=form.label.data, is_default=form.is_default.data,
                                                  active=form.active.data, bin_=form.bin.data,
                                                  account_number=form.account_number.data),
            url=url_for(".account", account_id=account.id),
            success=lambda saved: f"Đã lưu tài khoản {saved.account_number}.")):
        return answer
    return form_page("banking/account_form.html", "banking/_account_form.html", form, account=account,
                     locked=locked)
