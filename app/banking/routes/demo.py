"""The demo's October statement (app.banking.demo), offered on the upload page of the demo account:
a visitor trying the app has a real bank file to import. On a database not seeded with the demo the
file does not exist and the route answers 404."""
from flask import abort, send_file
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.export import attachment_disposition
from app.core.xlsx import XLSX_MIME

from ..demo import demo_statement_path
from ..models import BankAccount
from . import bp


@bp.route("/<int:account_id>/sao-ke-mau.xlsx")
@login_required
def demo_statement(account_id):
    account = get_or_404(BankAccount, account_id, "view")
    path = demo_statement_path(account)
    if not path.is_file():
        abort(404)
    resp = send_file(path, mimetype=XLSX_MIME, max_age=0)
    resp.headers["Content-Disposition"] = attachment_disposition("sao-ke-mau-thang-10-2026.xlsx")
    return resp
