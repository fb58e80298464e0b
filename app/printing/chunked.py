"""Lay out a long table as several small WeasyPrint documents, each written to PDF on its own.

Why: one document with thousands of rows keeps the whole DOM, every computed style and the
whole box tree alive while WeasyPrint lays it out and writes it. Here each chunk of rows is one
document, laid out and written at once, then dropped: memory is bounded by one chunk, time
grows linearly. The chunk's last page (usually half full) is not written; its rows start the
next chunk, so the joined document flows exactly like one long table. "Trang x / N" needs the
final N: the chunks are written without numbers, then a small document of N pages holding only
the footers is rendered and stamped over them (pdfmerge.py). A list that fits in one chunk is
one document with its own numbers.
"""
from __future__ import annotations

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from .lean import LeanHTML
from .pdfmerge import merge_pdfs
from .services import BASE_URL, StaticOnlyFetcher, _font_config
from .sheets import split_stylesheets
from .textcache import reuse_text_layouts

NUMBERS_TEMPLATE = "pdf/_page_numbers.html"


def _document(html: str, lean: bool = False):
    """Lay out ``html`` (stylesheets parsed once per thread, see sheets.py)."""
    cls = LeanHTML if lean else HTML
    fetcher, font_config = StaticOnlyFetcher(current_app.static_folder), _font_config()
    split = split_stylesheets(html, fetcher, font_config)
    html, sheets = split if split else (html, None)
    return cls(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(font_config=font_config,
                                                                           stylesheets=sheets)


def _first_row_on(page) -> int | None:
    """The row number (data-n) of the first body row laid out on ``page``, if any."""
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, boxes.TableRowBox):
            n = box.element.get("data-n") if box.element is not None else None
            if n is not None:
                return int(n)
            continue
        if isinstance(box, boxes.ParentBox):
            stack.extend(reversed(box.children))
    return None


def _chunk_html(template_name, rows, base, start, end, group_key, numbered=False) -> str:
    prev_group = rows[start - 1].get(group_key) if (group_key and start) else None
    return render_template(template_name, rows=rows[start:end], start_index=start, is_first=start == 0,
                           is_last=end >= len(rows), prev_group=prev_group, numbered=numbered, **base)


def write_chunks(template_name: str, rows: list, base: dict, chunk_rows: int, progress=None,
                 group_key: str | None = None):
    """Lay out and write ``rows`` chunk by chunk: yields (pdf bytes, page count, landscape)."""
    start, total = 0, len(rows)
    while True:
        end = min(total, start + chunk_rows)
        is_last = end >= total
        with reuse_text_layouts():
            doc = _document(_chunk_html(template_name, rows, base, start, end, group_key), lean=True)
            pages = doc.pages
            if not is_last and len(pages) > 1:
                carried = _first_row_on(pages[-1])
                # Rows of the chunk's (half-full) last page start the next chunk instead.
                if carried is not None and start < carried - 1 < end:
                    pages = pages[:-1]
                    end = carried - 1
            landscape = pages[0].width > pages[0].height
            pdf = (doc if len(pages) == len(doc.pages) else doc.copy(pages)).write_pdf()
        count = len(pages)
        del doc, pages
        yield pdf, count, landscape
        if progress:
            progress(end, max(total, 1))
        if end >= total:
            return
        start = end


def render_chunked(template_name: str, rows: list, base: dict, chunk_rows: int, progress=None,
                   group_key: str | None = None) -> bytes:
    """The whole list as one PDF; see the module docstring."""
    if len(rows) <= chunk_rows:
        with reuse_text_layouts():
            pdf = _document(_chunk_html(template_name, rows, base, 0, len(rows), group_key, numbered=True),
                            lean=True).write_pdf()
        if progress:
            progress(len(rows), max(len(rows), 1))
        return pdf
    parts, count, landscape = [], 0, False
    for pdf, pages, landscape in write_chunks(template_name, rows, base, chunk_rows, progress, group_key):
        parts.append(pdf)
        count += pages
    numbers = _document(render_template(NUMBERS_TEMPLATE, count=count, landscape=landscape), lean=True)
    return merge_pdfs(parts, numbers.write_pdf())
