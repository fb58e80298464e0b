"""Where the verification page is, printed beside every QR (a QR hides its address, issue 18 A).

PUBLIC_URL names the address people reach the site at ("https://khuyenhoc.laivung.vn"); without it
the address the request came in on is used. A background print job has no request: the queueing
request's address travels with the job (app.printing.jobs stores it as params["_site"]) and the
worker sets it here while it renders.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import segno
from flask import current_app, has_request_context, request
from markupsafe import Markup

from . import codes

_job_site: ContextVar[str | None] = ContextVar("paper_site", default=None)
PATH = "xac-minh"


def site_root() -> str:
    """"https://khuyenhoc.laivung.vn/" (always one trailing slash)."""
    root = current_app.config.get("PUBLIC_URL") or _job_site.get()
    if not root and has_request_context():
        root = request.host_url
    return (root or "http://localhost:5000/").rstrip("/") + "/"


@contextmanager
def job_site(root: str | None):
    token = _job_site.set(root or None)
    try:
        yield
    finally:
        _job_site.reset(token)


def address() -> str:
    """The page's address as printed in plain text, without the scheme: "khuyenhoc.laivung.vn/xac-minh"."""
    root = site_root().split("://", 1)[-1]
    return f"{root}{PATH}"


def verify_url(code: str) -> str:
    return f"{site_root()}{PATH}/{code}"


def _svg(url: str) -> Markup:
    qr = segno.make(url, error="m", micro=False, boost_error=False)
    svg = qr.svg_inline(border=2, omitsize=True, lineclass=None, dark="#000")
    return Markup(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" '
                                      'shape-rendering="crispEdges" role="img" aria-label="Mã QR xác minh" ', 1))


def mark(kind: str, ref_id: int | None, *, qr: bool = True) -> dict | None:
    """What templates/pdf/_verify.html prints for one paper: code, URL, plain address, QR (SVG).
    None for a record without an id (a sample, an unsaved preview): then nothing is printed."""
    if not ref_id:
        return None
    code = codes.code_for(kind, ref_id)
    url = verify_url(code)
    return {"code": code, "url": url, "address": address(), "svg": _svg(url) if qr else None}
