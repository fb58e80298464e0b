"""One part of a long document: HTML in, PDF bytes out, with no Flask app needed.

The same function runs in the web/worker process and in the render processes of procpool.py
(which receive only the HTML and the static folder's path), so a chunk renders identically
wherever it runs.

The rows of a long list come apart from the rest of its HTML: they are parsed as XML (the C
expat parser; Jinja's escaping only writes XML-safe text) and put into the list's <tbody>,
while WeasyPrint's HTML5 parser, written in Python, reads only the small rest (a measured 6 %
of a chunk's time). Rows that are not well-formed XML go through the HTML5 parser with the rest.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from xml.etree import ElementTree

import tinyhtml5
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from .drawcache import reuse_background_images
from .lean import LeanHTML
from .engine import BASE_URL, StaticOnlyFetcher, _font_config
from .sheets import split_stylesheets
from .textcache import reuse_text_layouts

__all__ = ["layout", "first_row_on", "Part", "PartResult", "render_part", "ROWS_SLOT"]


ROWS_SLOT = "<!--rows-->"  # where a list's rows go in its HTML (pdf/_list.html's <tbody>)


def _list_body(tree):
    for table in tree.iter("table"):
        if "list" in (table.get("class") or "").split():
            return table.find("tbody")
    return None


def _spliced(html: str, rows: str, fetcher):
    """The document with ``rows`` parsed as XML in place of ROWS_SLOT, or None if they are not XML."""
    try:
        parsed = ElementTree.fromstring(f"<tbody>{rows}</tbody>")
    except ElementTree.ParseError:
        return None
    tree = tinyhtml5.parse(html.replace(ROWS_SLOT, "", 1), namespace_html_elements=False)
    body = _list_body(tree)
    if body is None:
        return None
    body[0:0] = list(parsed)
    return LeanHTML.from_tree(tree, BASE_URL, fetcher)


def layout(html: str, static_root: str, lean: bool = True, rows: str = ""):
    """Lay out ``html`` (stylesheets parsed once per thread, see sheets.py), ``rows`` in its list."""
    fetcher, font_config = StaticOnlyFetcher(static_root), _font_config()
    split = split_stylesheets(html, fetcher, font_config)
    html, sheets = split if split else (html, None)
    document = _spliced(html, rows, fetcher) if rows and lean and ROWS_SLOT in html else None
    if document is None:
        document = (LeanHTML if lean else HTML)(string=html.replace(ROWS_SLOT, rows, 1), base_url=BASE_URL,
                                                url_fetcher=fetcher)
    return document.render(font_config=font_config, stylesheets=sheets)


def first_row_on(page) -> int | None:
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


@dataclass(frozen=True)
class Part:
    """A chunk to render. ``drop_last``: its last page only proves where the next chunk starts
    (its first row is the look-ahead), so it is left out and its first row reported."""

    html: str
    static_root: str
    drop_last: bool = False
    rows: str = ""  # the list's rows, put in place of ROWS_SLOT
    optimize_images: bool = False


@dataclass(frozen=True)
class PartResult:
    pdf: bytes
    pages: int
    carried: int | None  # data-n of the first row of the dropped last page
    landscape: bool
    peak_kb: int  # this process's peak resident memory (VmHWM), for the benchmark
    pid: int
    cpu: float  # CPU seconds this part took


def peak_kb() -> int:
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    except (OSError, StopIteration):
        return 0


def render_part(part: Part) -> PartResult:
    cpu = time.process_time()
    with reuse_text_layouts(), reuse_background_images():
        doc = layout(part.html, part.static_root, rows=part.rows)
        pages, carried = doc.pages, None
        if part.drop_last and len(pages) > 1:
            carried = first_row_on(pages[-1])
            pages = pages[:-1]
        landscape = bool(pages) and pages[0].width > pages[0].height
        options = {"optimize_images": True} if part.optimize_images else {}
        pdf = (doc if len(pages) == len(doc.pages) else doc.copy(pages)).write_pdf(**options)
        count = len(pages)
    del doc, pages
    return PartResult(pdf, count, carried, landscape, peak_kb(), os.getpid(), time.process_time() - cpu)
