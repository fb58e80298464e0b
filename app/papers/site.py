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


# One mask pattern for every QR: any of the eight is a valid code that every reader decodes (the tests
# read each kind of paper back with zbar), and trying all eight for the lowest penalty is most of
# segno's time (6 of 8 ms a code): a batch of 200 certificates feels it (bench/bench_cert_qr.py).
QR_MASK = 0
# A PNG's pixels a module: 2, smoothed when stretched, is read by zbar at 100 and 150 dpi (one pixel a
# module does not survive resampling, smoothed or not), a quarter of 4 pixels' image.
PNG_SCALE = 2


def _qr(url: str):
    return segno.make(url, error="m", micro=False, boost_error=False, mask=QR_MASK)


def _svg(url: str) -> Markup:
    svg = _qr(url).svg_inline(border=2, omitsize=True, lineclass=None, dark="#000")
    return Markup(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" '
                                      'shape-rendering="crispEdges" role="img" aria-label="Mã QR xác minh" ', 1))


def mark(kind: str, ref_id: int | None, *, qr: bool | str = True) -> dict | None:
    """What templates/pdf/_verify.html prints for one paper: code, URL, plain address, and the QR:
    `svg` (inline, the default), or with qr="png" a `png` data: URI (WeasyPrint lays an image out
    faster than it parses a path of 300 segments: a certificate batch prints these; pages never, the
    CSP refuses data: URIs), or none with qr=False. None for a record without an id (a sample, an
    unsaved preview): then nothing is printed."""
    if not ref_id:
        return None
    code = codes.code_for(kind, ref_id)
    url = verify_url(code)
    out = {"code": code, "url": url, "address": address(), "svg": None, "png": None}
    if qr == "png":
        out["png"] = _qr(url).png_data_uri(scale=PNG_SCALE, border=2)
    elif qr:
        out["svg"] = _svg(url)
    return out
