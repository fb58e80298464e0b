"""The monthly reconciliation of a bank account (đối chiếu): the page, its printed biên bản, and the
background print of a sheet too long to print within a request."""
from flask import request, url_for
from flask_login import login_required
from werkzeug.routing import BuildError

from app.core.authz import get_or_404
from app.core.views import render
from app.printing.offer import print_or_offer, queue_from_form

from .. import reconcile as recon
from ..forms import MonthForm
from ..models import BankAccount
from . import bp

recon.register()  # the print job's kind; imported once, from the domain's init_app





def _month(account: BankAccount) -> tuple[MonthForm, recon.Month]:
    """The month asked for (?thang=YYYY-MM), else the last month with lines, else this month."""
    form = MonthForm(request.args)
    month = recon.parse_month(form.month.data)
    if month is None:
        if form.month.data:
            form.month.errors = ["Tháng không hợp lệ: chọn tháng hoặc nhập theo dạng 2024-07."]
        month = recon.default_month(account)
        form.month.data = month.param
    return form, month


def _queue_url(account: BankAccount, month: recon.Month):
    """A function status -> the queue of lines (banking.lines) filtered to the month and that status
    ("" waiting, "ignored", "all"); None when that page is not there."""
    def url(status: str = "all") -> str:
        return url_for("banking.lines", account_id=account.id, trang_thai=status or None,
                       tu_ngay=month.start.isoformat(), den_ngay=month.end.isoformat())

    try:
        url()
    except BuildError:
        return None
    return url


@bp.get("/<int:account_id>/doi-chieu")
@login_required
def reconcile(account_id):
    """The account's month: the statement's balances and totals beside the book's transfer entries,
    the matched pairs and every difference, and whether opening + in - out = closing."""
    account = get_or_404(BankAccount, account_id, "view")
    form, month = _month(account)
    rec = recon.reconcile(account, month)
    return render("banking/reconcile.html", partial="banking/_reconcile.html", form=form, rec=rec,
                  queue_url=_queue_url(account, month))


@bp.get("/<int:account_id>/doi-chieu.pdf")
@login_required
def reconcile_pdf(account_id):
    """The printable biên bản đối chiếu số dư (A4, signatures); a very long one is offered as a print job."""
    account = get_or_404(BankAccount, account_id, "view")
    _, month = _month(account)
    rec = recon.reconcile(account, month)
    name = recon.title(account, month)
    return print_or_offer(recon.print_lines(rec), lambda: recon.render(rec), filename=name + ".pdf", title=name,
                          action=url_for(".reconcile_print", account_id=account.id, thang=month.param),
                          back=url_for(".reconcile", account_id=account.id, thang=month.param),
                          limit=recon.DIRECT_MAX)


@bp.post("/<int:account_id>/doi-chieu/in-nen")
@login_required
def reconcile_print(account_id):
    """Queue the biên bản as a background print job: its progress page."""
    account = get_or_404(BankAccount, account_id, "view")
    _, month = _month(account)
    name = recon.title(account, month)
    return queue_from_form(recon.KIND, {"account_id": account.id, "month": month.param}, unit=account.unit,
                           title=name, filename=name + ".pdf")
