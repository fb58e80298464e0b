"""Render Jinja templates to PDF with WeasyPrint, offline and with bundled fonts only.

Why the care:
- Print templates come from our own files but carry user-entered text; a stray
  ``<img src="http://...">`` or ``file:///etc/...`` must never make the server fetch
  anything. The URL fetcher (engine.py) serves files under the static folder and nothing else.
- Documents must look the same on every machine, so fonts come from @font-face rules
  (static/css/print-fonts.css), never from whatever fontconfig finds on the host.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Response, render_template

__all__ = ["render_pdf", "pdf_response"]


def render_pdf(template_name: str, **context) -> bytes:
    """Render ``template_name`` (e.g. "pdf/decision.html") with ``context`` into PDF bytes.

    Needs an app context. Text is passed through unchanged (inputs are NFC-normalised when
    they enter the app). Fonts are embedded as subsets (WeasyPrint's default).
    """
    from .engine import html_to_pdf  # WeasyPrint loads on the first PDF, not with the app

    return html_to_pdf(render_template(template_name, **context))


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\"]+')
_NON_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


def _ascii_fallback(name: str) -> str:
    # Old clients only read filename="..."; drop the diacritics ("Đ" has no decomposition).
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _NON_ASCII_SAFE.sub("_", plain).strip() or "document.pdf"


def pdf_response(pdf_bytes: bytes, filename: str) -> Response:
    """A response for PDF bytes, never cached, always shown in the browser (inline) with its file name.

    Never an attachment: Zalo's in-app browser, where many volunteers open the app, swallows
    downloads; shown inline, the PDF opens in the viewer, which can still save or share it.
    Every PDF route answers through here (tests/printing/test_inline.py walks them).
    """
    name = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", filename or "")).strip() or "tai-lieu"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    response = Response(pdf_bytes, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="{_ascii_fallback(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
