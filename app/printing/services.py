"""Render Jinja templates to PDF with WeasyPrint, offline and with bundled fonts only.

    render_pdf("pdf/commendations/decision.html", d=d)              # one document
    render_many("pdf/commendations/certificates.html", items)       # one page (or more) per item
    render_list_pdf("pdf/commendations/list.html", rows, columns=[Column(...)], amount_key="amount")

All three lay out through engine.render (stock WeasyPrint, one layout path, one stylesheet per
template). Batches and long lists are laid out in chunks, one document per chunk written at once and
joined (engine.Merger), so memory is bounded by a chunk whatever the length: chunks of
DEFAULT_CHUNK_ITEMS items, or of DEFAULT_CHUNK_ROWS rows of a list. A list's chunk is laid out with
its last page as a look-ahead: that page is dropped and the next chunk starts with the first row it
held (read from WeasyPrint's anchors), so the pages are exactly those of one long table. The chunks
of a list are written without page numbers; "Trang x / N" is drawn over the joined pages at the end
from a document of N footer pages (pdf/_page_numbers.html). A list that fits in one chunk is one
document with its own numbers.

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
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence
from urllib.parse import quote

from flask import Response, render_template
from markupsafe import Markup

from app.vn.money import format_number

__all__ = ["render_pdf", "render_many", "render_list_pdf", "pdf_response", "Column", "decision_list_columns",
           "normalise_rows", "DEFAULT_CHUNK_ITEMS", "DEFAULT_CHUNK_ROWS"]

Progress = Callable[[int, int], None]  # progress(done, total)
DEFAULT_CHUNK_ITEMS = 100  # items (certificates) laid out in one document
DEFAULT_CHUNK_ROWS = 200  # pieces (rows, group headings) of a list laid out in one document
ROWS_TEMPLATE = "pdf/_list_rows.html"
NUMBERS_TEMPLATE = "pdf/_page_numbers.html"
_PIECE = "<!--piece-->"


def render_pdf(template_name: str, **context) -> bytes:
    """Render ``template_name`` (e.g. "pdf/decision.html") with ``context`` into PDF bytes.

    Needs an app context. Text is passed through unchanged (inputs are NFC-normalised when
    they enter the app). Fonts are embedded as subsets (WeasyPrint's default).
    """
    from .engine import html_to_pdf  # WeasyPrint loads on the first PDF, not with the app

    return html_to_pdf(render_template(template_name, **context))


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def render_many(template_name: str, items: Sequence, per_doc_ctx: dict | None = None, *,
                chunk_items: int | None = None, progress: Progress | None = None, **ctx) -> bytes:
    """Render ``items`` through ``template_name`` in chunks; one PDF with all their pages.

    The template receives ``items`` (a chunk of the list) and ``item_offset`` (items before the
    chunk), plus per_doc_ctx and the keyword arguments. Dict items and string values are
    NFC-normalised. progress(done, total) is called after each chunk."""
    from .engine import Merger, html_to_pdf  # heavy: loaded when first needed

    context = {k: _nfc(v) for k, v in {**(per_doc_ctx or {}), **ctx}.items()}
    items = [_nfc(item) for item in items]
    total, size = len(items), chunk_items or DEFAULT_CHUNK_ITEMS
    merger, pdf = Merger(), b""
    for start in range(0, max(total, 1), size):
        pdf = html_to_pdf(render_template(template_name, items=items[start:start + size], item_offset=start,
                                          **context))
        if progress:
            progress(min(total, start + size), max(total, 1))
        if total <= size:
            return pdf  # one chunk: no joining
        merger.add(pdf)
    return merger.write()


@dataclass(frozen=True)
class Column:
    """One column of a long list: ``width`` in percent of the table; kind: text, stt, money, date."""

    key: str
    label: str
    width: float
    kind: str = "text"
    align: str = ""  # "", "c" or "r"; money columns default to "r", stt and date to "c"

    @property
    def css(self) -> str:
        return self.align or {"money": "r", "stt": "c", "date": "c"}.get(self.kind, "")


def decision_list_columns(place_label: str = "Lớp, trường") -> list[Column]:
    """The attached list's usual columns; ``place_label`` e.g. "Thôn, tổ dân phố" for families."""
    return [
        Column("stt", "STT", 8, "stt"),  # five digits (10,000 names) fit in 8 %, not in 6 %
        Column("full_name", "Họ và tên", 21),
        Column("birth_date", "Ngày sinh", 11, "date"),
        Column("place", place_label, 19),
        Column("achievement", "Thành tích", 19),
        Column("amount", "Số tiền (đồng)", 12, "money"),
        Column("note", "Ghi chú", 10),
    ]


def normalise_rows(rows: Iterable[dict]) -> list[dict]:
    """NFC every text value: pdftotext (and a reader's search) sees composed letters."""
    return [{k: _nfc(v) for k, v in row.items()} for row in rows]


def money(value) -> str:
    """The `number` filter's "1.250.000" for whole đồng, without building a Babel locale per cell
    (measured: about a second for 10,000 rows); anything but an int goes to the filter's function."""
    if type(value) is int:
        return f"{value:,}".replace(",", ".")
    return format_number(value)


def render_list_pdf(template_name: str, rows: Sequence[dict], *, columns: Sequence[Column] | None = None,
                    chunk_rows: int | None = None, progress: Progress | None = None,
                    group_key: str | None = None, amount_key: str | None = None,
                    total_label: str = "Tổng cộng", **ctx) -> bytes:
    """A header part plus a long table as one PDF, "Trang x / y" across the whole document.

    The template extends "pdf/_list.html" and fills blocks list_header / list_footer. rows: dicts
    (keys = Column.key), NFC-normalised here. ``amount_key`` adds the total row and the amount in
    words; ``group_key`` a heading row whenever that value changes. progress(done rows, total) is
    called after each chunk of at most ``chunk_rows`` pieces (see the module docstring)."""
    from .engine import Merger, first_anchor, html_to_pdf, is_landscape, render, write  # heavy: loaded when first needed

    columns = list(columns or decision_list_columns())
    amount_index = next((i for i, c in enumerate(columns) if c.key == amount_key), None)
    base = dict({k: _nfc(v) for k, v in ctx.items()}, columns=columns, group_key=group_key,
                total_label=total_label, amount_key=amount_key if amount_index is not None else None,
                amount_index=amount_index,
                total_amount=sum(int(r.get(amount_key) or 0) for r in rows) if amount_index is not None else 0)
    cells = [(c.key, c.kind, c.css) for c in columns]
    html = render_template(ROWS_TEMPLATE, rows=normalise_rows(rows), cells=cells, group_key=group_key, money=money)
    pieces = html.split(_PIECE)[1:]
    done_rows = [0]  # rows in pieces[:i]
    for piece in pieces:
        done_rows.append(done_rows[-1] + ("data-n=" in piece))
    total, size = len(pieces), chunk_rows or DEFAULT_CHUNK_ROWS

    def chunk(start: int, end: int, numbered: bool = False) -> str:
        return render_template(template_name, rows_html=Markup("".join(pieces[start:end])), is_first=start == 0,
                               is_last=end >= total, numbered=numbered, **base)

    if total <= size:
        pdf = html_to_pdf(chunk(0, total, numbered=True))
        if progress:
            progress(len(rows), max(len(rows), 1))
        return pdf
    merger, start, landscape = Merger(), 0, False
    while True:
        end = min(total, start + size)
        document = render(chunk(start, end))
        pages, following = document.pages, end
        if end < total and len(pages) > 1:
            first = first_anchor(pages[-1], "p")  # the look-ahead page: it starts the next chunk
            if first is not None and start < first < end:
                pages, following = pages[:-1], first
        merger.add(write(document, pages))
        landscape = is_landscape(document)
        del document, pages
        if progress:
            progress(done_rows[following], len(rows))
        if end >= total:
            break
        start = following
    merger.stamp(html_to_pdf(render_template(NUMBERS_TEMPLATE, count=merger.pages, landscape=landscape)))
    return merger.write()


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
