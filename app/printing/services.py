"""Render Jinja templates to PDF with WeasyPrint, offline and with bundled fonts only.

Why the care:
- Print templates come from our own files but carry user-entered text; a stray
  ``<img src="http://...">`` or ``file:///etc/...`` must never make the server fetch
  anything. The URL fetcher below serves files under the static folder and nothing else.
- Documents must look the same on every machine, so fonts come from @font-face rules
  (static/css/print-fonts.css), never from whatever fontconfig finds on the host.
"""

from __future__ import annotations

import mimetypes
import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, uses_netloc, uses_relative

from flask import Response, current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["render_pdf", "pdf_response", "StaticOnlyFetcher", "ResourceRefused", "BASE_URL"]

SCHEME = "khprint"
BASE_URL = f"{SCHEME}://static/"

# urljoin only resolves relative references ("../vendor/fonts/x.ttf" inside a CSS file)
# for schemes it knows; registering ours is process-wide but harmless for a private name.
for _registry in (uses_relative, uses_netloc):
    if SCHEME not in _registry:
        _registry.append(SCHEME)


class ResourceRefused(ValueError):
    """Raised by the fetcher for anything outside the static folder; WeasyPrint logs and skips it."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that reads files under ``static_root`` and refuses all else.

    It never calls the parent's urllib machinery, so no network or file:// access can happen.
    """

    def __init__(self, static_root):
        # allowed_protocols also makes the parent refuse other schemes if it is ever reached.
        super().__init__(allowed_protocols=(SCHEME,), fail_on_errors=False)
        self.static_root = Path(static_root).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme.lower() != SCHEME or parts.netloc != "static":
            raise ResourceRefused(f"only static files may be used in print: {url!r}")
        relative = unquote(parts.path).lstrip("/")
        segments = relative.split("/")
        if not relative or "\\" in relative or "\x00" in relative or ".." in segments:
            raise ResourceRefused(f"invalid static path: {url!r}")
        path = (self.static_root / relative).resolve()
        # resolve() follows symlinks, so a link pointing out of static/ is refused too.
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise ResourceRefused(f"not a static file: {url!r}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # WeasyPrint checks that linked stylesheets are served as text/css.
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


# One FontConfiguration per thread: it holds a fontconfig/Pango font map that is not meant
# to be shared across threads (gunicorn runs gthread workers). Reusing it within a thread
# means the @font-face files are written and registered once instead of on every render.
_local = threading.local()


def _font_config() -> FontConfiguration:
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(template_name: str, **context) -> bytes:
    """Render ``template_name`` (e.g. "pdf/decision.html") with ``context`` into PDF bytes.

    Needs an app context. Text is passed through unchanged (inputs are NFC-normalised when
    they enter the app). Fonts are embedded as subsets (WeasyPrint's default).
    """
    html = render_template(template_name, **context)
    document = HTML(
        string=html,
        base_url=BASE_URL,
        url_fetcher=StaticOnlyFetcher(current_app.static_folder),
    )
    return document.write_pdf(font_config=_font_config(), optimize_images=True)


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\"]+')
_NON_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._ ()-]+")


def _ascii_fallback(name: str) -> str:
    # Old clients only read filename="..."; drop the diacritics ("Đ" has no decomposition).
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _NON_ASCII_SAFE.sub("_", plain).strip() or "document.pdf"


def pdf_response(pdf_bytes: bytes, filename: str, inline: bool = True) -> Response:
    """A response for PDF bytes, shown in the browser (inline) or downloaded, never cached."""
    name = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", filename or "")).strip() or "tai-lieu"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    disposition = "inline" if inline else "attachment"
    response = Response(pdf_bytes, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{_ascii_fallback(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
