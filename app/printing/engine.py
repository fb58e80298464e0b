"""WeasyPrint itself, through its public API only: the static-only URL fetcher, per-thread font
configuration, laying out and writing a document, and joining PDFs (pypdf).

Every PDF of the app is laid out by render() here: a page, a certificate batch, each chunk of a long
list (services.py cuts batches and lists into chunks). Kept apart from services.py so that a web
worker imports WeasyPrint (about 26 MB with Pillow, fontTools and pydyf) only when it renders a PDF,
not to answer list pages; see services.py for why fetching and fonts are restricted.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import threading
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit, uses_netloc, uses_relative

from flask import current_app
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["render", "write", "html_to_pdf", "first_anchor", "is_landscape", "Merger", "StaticOnlyFetcher",
           "ResourceRefused", "BASE_URL"]

SCHEME = "khprint"
BASE_URL = f"{SCHEME}://static/"
_STAMP = "/SkhStamp"
# data: URLs are read for these only (a unit's uploaded logo, cleaned by app.core.images), and only
# this big once decoded: an HTML, CSS or font data: URL is refused like any URL outside static/.
DATA_MIMES = ("image/png", "image/svg+xml")
MAX_DATA_BYTES = 1024 * 1024

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
        if url[:5].lower() == "data:":
            return self._data(url)
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

    @staticmethod
    def _data(url: str):
        """A data: URL decoded here (never by urllib): a PNG or an SVG of at most MAX_DATA_BYTES."""
        meta, comma, payload = url[5:].partition(",")
        params = [p.strip().lower() for p in meta.split(";")]
        mime, is_base64 = params[0], "base64" in params[1:]
        if not comma or mime not in DATA_MIMES:
            raise ResourceRefused(f"only PNG and SVG data: URLs may be used in print: {url[:60]!r}")
        if len(payload) > MAX_DATA_BYTES * 4 // 3 + 8:  # checked before anything is decoded
            raise ResourceRefused(f"data: URL too large: {len(payload)} characters")
        try:
            body = base64.b64decode(unquote(payload), validate=True) if is_base64 else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise ResourceRefused("invalid base64 in a data: URL") from None
        if len(body) > MAX_DATA_BYTES:
            raise ResourceRefused(f"data: URL too large: {len(body)} bytes")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


# One FontConfiguration per thread: it holds a fontconfig/Pango font map that is not meant
# to be shared across threads (gunicorn runs gthread workers). Reusing it within a thread
# means the @font-face files are written and registered once instead of on every render.
_local = threading.local()


def _font_config() -> FontConfiguration:
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def render(html: str):
    """Lay out ``html`` (a rendered print template) with stock WeasyPrint: a weasyprint Document.

    The one layout path of every PDF: a single page, a certificate batch and each chunk of a long
    list are all laid out here, with WeasyPrint's own user-agent stylesheet and the template's own
    stylesheets (needs an app context for the static folder)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(current_app.static_folder))
    return document.render(font_config=_font_config())


def write(document, pages=None) -> bytes:
    """PDF bytes of ``document`` (or of the given ``pages`` of it), images optimised."""
    if pages is not None and len(pages) != len(document.pages):
        document = document.copy(pages)
    return document.write_pdf(optimize_images=True)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for a rendered print template (needs an app context for the static folder)."""
    return write(render(html))


def first_anchor(page, prefix: str) -> int | None:
    """The smallest n of the ids ``prefix + n`` laid out on ``page`` (Page.anchors, public API)."""
    found = [int(name[len(prefix):]) for name in page.anchors if name.startswith(prefix)
             and name[len(prefix):].isdigit()]
    return min(found) if found else None


def is_landscape(document) -> bool:
    return bool(document.pages) and document.pages[0].width > document.pages[0].height


class Merger:
    """PDFs joined page by page as they are written (pypdf); footers drawn over them at the end.

    Fonts stay as WeasyPrint embedded them (one subset per chunk). A stamp is a Form XObject added to
    the page's own copy of its resources plus a few bytes of content, so the chunks' content streams
    are neither parsed nor rewritten (pypdf's merge_page would parse every page)."""

    def __init__(self):
        from pypdf import PdfWriter  # heavy: loaded when first needed

        self.writer, self.metadata = PdfWriter(), None

    @property
    def pages(self) -> int:
        return len(self.writer.pages)

    def add(self, data: bytes) -> None:
        from pypdf import PdfReader  # heavy: loaded when first needed

        reader = PdfReader(BytesIO(data))
        self.metadata = self.metadata or reader.metadata
        for page in reader.pages:
            self.writer.add_page(page)

    def stamp(self, stamps: bytes) -> None:
        """Page i of the PDF ``stamps`` drawn over page i (e.g. a document of footer pages)."""
        from pypdf import PdfReader  # heavy: loaded when first needed
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject  # heavy: loaded when first needed

        tops = PdfReader(BytesIO(stamps)).pages
        if len(tops) != self.pages:
            raise ValueError(f"{len(tops)} stamp pages for {self.pages} pages")
        writer = self.writer
        for page, top in zip(writer.pages, tops):
            contents, resources = top.get_contents(), top.get("/Resources")
            form = self._stream(contents.get_data() if contents is not None else b"",
                                Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                                BBox=ArrayObject(top.mediabox),
                                Resources=resources.get_object().clone(writer) if resources is not None
                                else DictionaryObject())
            own = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
            xobjects = DictionaryObject(own.get("/XObject", DictionaryObject()).get_object())
            xobjects[NameObject(_STAMP)] = form
            own[NameObject("/XObject")] = xobjects
            page[NameObject("/Resources")] = own
            # q ... Q around the page's own content: whatever state it leaves does not move the stamp.
            old = page.get("/Contents")
            old = list(old.get_object()) if isinstance(old.get_object(), ArrayObject) else ([old] if old else [])
            page[NameObject("/Contents")] = ArrayObject(
                [self._stream(b"q\n"), *old, self._stream(b"\nQ q /SkhStamp Do Q\n")])

    def _stream(self, data: bytes, **entries):
        from pypdf.generic import DecodedStreamObject, NameObject  # heavy: loaded when first needed

        stream = DecodedStreamObject()
        stream.set_data(data)
        for key, value in entries.items():
            stream[NameObject(f"/{key}")] = value
        return self.writer._add_object(stream)  # pypdf's only way to make an indirect object

    def write(self) -> bytes:
        if self.metadata:
            self.writer.add_metadata({k: v for k, v in self.metadata.items() if isinstance(k, str)})
        out = BytesIO()
        self.writer.write(out)
        return out.getvalue()
