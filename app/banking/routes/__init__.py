"""Bank pages under /ngan-hang: accounts (accounts.py), statements in (statements.py), the queue of
lines to confirm (lines.py), the monthly reconciliation (reconcile.py); and the live feed's
endpoint (webhook.py, its own blueprint: no login, no CSRF, an HMAC instead)."""
from flask import Blueprint

bp = Blueprint("banking", __name__, url_prefix="/ngan-hang")
hook_bp = Blueprint("bank_hook", __name__, url_prefix="/api/ngan-hang")

from . import accounts, demo, lines, pay, reconcile, statements, webhook  # noqa: E402,F401  (routes on bp)
