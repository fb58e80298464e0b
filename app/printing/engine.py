"""WeasyPrint itself: the static-only URL fetcher, per-thread font configuration, rendering.

Kept apart from services.py so that a web worker imports WeasyPrint (about 26 MB with Pillow,
fontTools and pydyf) only when it renders a PDF, not to answer list pages; see services.py for
why fetching and fonts are restricted.
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit, uses_netloc, uses_relative

from flask import current_app
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["html_to_pdf", "StaticOnlyFetcher", "ResourceRefused", "BASE_URL"]

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


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for a rendered print template (needs an app context for the static folder)."""
    document = HTML(
        string=html,
        base_url=BASE_URL,
        url_fetcher=StaticOnlyFetcher(current_app.static_folder),
    )
    return document.write_pdf(font_config=_font_config(), optimize_images=True)
