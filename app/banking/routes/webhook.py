"""The live feed: the endpoint a payment service calls (no login, no CSRF: an HMAC of the body with
the account's secret instead, app.banking.webhook), and the page where the treasurer makes or turns
off that secret."""
from flask import current_app, jsonify, request, url_for
from flask_login import login_required
from wtforms import SubmitField

from app.core import db as core_db
from app.core import rls
from app.core.authz import get_or_404, is_id
from app.core.forms import BaseForm
from app.core.views import attempt, render
from app.extensions import csrf, db, limiter

from .. import webhook
from ..models import BankAccount
from . import bp, hook_bp

# Every route of the API blueprint is called by a program holding a key, never by a browser with a
# session cookie: a CSRF token means nothing there (the HMAC is the proof).
csrf.exempt(hook_bp)


def _hook_limit() -> str:
    # Per sending address: a payment service sends a few a minute; a guesser of signatures is slowed.
    return current_app.config.get("BANK_HOOK_RATE_LIMIT", "120 per minute")


def _answer(status: int, error: str = ""):
    body = {"success": True} if status == 200 else {"success": False, "error": error}
    return jsonify(body), status


@hook_bp.errorhandler(413)
def _too_large(_err):
    return _answer(413, "body too large")


@hook_bp.errorhandler(429)
def _too_many(_err):
    return _answer(429, "too many requests")


@hook_bp.post("/<int:account_id>/bao-co")
@limiter.limit(_hook_limit)
def notify(account_id):
    """A payment notification (SePay/Casso shape) signed with `X-Signature: sha256=<hex>`: queued as a
    waiting bank line. {"success": true} for a new one and for a repeat; 401 bad signature, 400 bad
    body or another account's number, 413 a body over 16 KB (refused before it is read)."""
    if request.content_length is not None and request.content_length > webhook.MAX_BODY:
        return _answer(413, "body too large")
    body = request.stream.read(webhook.MAX_BODY + 1)
    if len(body) > webhook.MAX_BODY:
        return _answer(413, "body too large")
    # The bank signs, nobody is signed in: the account is found crossing units, then the rest of the
    # request is its unit's (app/core/rls.py).
    with rls.cross_units("a bank's notification names its account, of whichever unit"):
        account = db.session.get(BankAccount, account_id) if is_id(account_id) else None
        path = account.unit.path if account is not None else ""
    rls.public_scope(path)
    try:
        webhook.verify(account, body, request.headers.get(webhook.SIGNATURE_HEADER))
        with core_db.writing():  # the checks above read without the write queue's turn
            webhook.receive(account, body)
    except webhook.HookRefused as refused:
        db.session.rollback()
        return _answer(refused.status, str(refused))
    return _answer(200)


class WebhookKeyForm(BaseForm):
    make = SubmitField("Tạo khóa mới")
    turn_off = SubmitField("Tắt báo có tự động")


@bp.route("/<int:account_id>/khoa-bao-co", methods=["GET", "POST"])
@login_required
def webhook_key(account_id):
    """The account's live feed: on or off, the address to give the payment service; POST makes a new
    secret (shown on the answer once, never again) or turns the feed off."""
    account = get_or_404(BankAccount, account_id, "bank.manage")
    form = WebhookKeyForm()
    secret, done = None, ""
    if form.validate_on_submit():
        if form.turn_off.data:
            attempt(form, lambda: webhook.turn_off(account))
            done = "Đã tắt báo có tự động: mọi thông báo gửi đến tài khoản này sẽ bị từ chối."
        else:
            secret = attempt(form, lambda: webhook.make_secret(account))
    endpoint = url_for("bank_hook.notify", account_id=account.id, _external=True)
    return render("banking/webhook_key.html", partial="banking/_webhook_key.html", form=form, account=account,
                  secret=secret, done=done, endpoint=endpoint, header=webhook.SIGNATURE_HEADER,
                  status=422 if form.errors else 200)
