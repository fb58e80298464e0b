"""The public verification page (issue 18 B): no login, one lookup per request, nothing written
but a counter.

    GET /xac-minh          papers.search   the form; ?ma=<typed code> goes on to the answer
    GET /xac-minh/<code>   papers.verify   the answer: the paper as a stranger may see it, or
                                           "Không tìm thấy giấy tờ có mã này"

Every not-found (unknown, forged, altered, mistyped, a record deleted) is the same page with the
same status and the same lookup work (app.papers.lookup.describe_code). Plain requests answer 404
for it; an htmx request answers 200 because htmx swaps only 2xx and 422 (base.html's htmx-config),
found or not alike. Lookups are limited per address (VERIFY_RATE_LIMIT) and counted
(app.papers.tally), never written to the audit log. Answers are not stored by browsers or proxies
(a code is as good as the paper) and not indexed.
"""
import logging

from flask import Blueprint, current_app, redirect, request, url_for

from app.core import rls
from app.core.rendering import is_htmx, render
from app.extensions import limiter

from . import codes, lookup, tally
from .forms import HINT, VerifyForm

bp = Blueprint("papers", __name__)
log = logging.getLogger(__name__)
PAGE, FRAGMENT = "papers/verify.html", "papers/_verify.html"


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.after_request
def _private(resp):
    # Also on the 429 answer and on redirects: all of them carry a code in the address.
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp


@bp.get("/xac-minh")
def search():
    """The form. A typed code goes on to its answer page (the address people can bookmark or share);
    text that cannot be a code stays here with the message beside the field (422, the input kept)."""
    form = VerifyForm(request.args)
    typed = (form.ma.data or "").strip()
    if typed:
        code = form.code()
        if code:
            return redirect(url_for("papers.verify", code=code), 303)
    return render(PAGE, partial=FRAGMENT, status=422 if form.ma.errors else 200, form=form, asked=False,
                  view=None, code=None, hint=HINT)


@bp.get("/xac-minh/<code>")
@limiter.limit(_verify_limit)
def verify(code):
    compact = codes.normalise(code)
    if compact is not None and codes.pretty(compact) != code:
        # "7kq2m xw4hd 0r9tb" typed into the address bar: the printed form, genuine or not alike.
        return redirect(url_for("papers.verify", code=codes.pretty(compact)), 303)
    # Anyone may check a paper of any unit: the code names the record, so the lookup crosses units
    # (app/core/rls.py); what it answers is the masked public view, built before the crossing ends.
    with rls.cross_units("the paper check finds a code's record in whichever unit issued it"):
        kind, view = lookup.describe_code(code)
    try:
        tally.count(kind, view is not None)
    except Exception:  # a counter must never cost the reader the answer
        log.exception("paper lookup not counted")
    form = VerifyForm(data={"ma": code[:64]})
    status = 200 if view is not None or is_htmx() else 404
    return render(PAGE, partial=FRAGMENT, status=status, form=form, asked=True, view=view,
                  code=code[:64], hint=HINT)
