"""The footers "Trang x / N" of a document laid out in chunks, made in one small WeasyPrint layout.

Why: the chunks are written without page numbers (N is known only at the end). A document of N
empty pages with the real @bottom-right footer costs WeasyPrint about 4 ms a page (600 pages for
10,000 names: over 3 s after everything else is done). Here the N texts are laid out as
right-aligned lines of the same font and size in pages of the same size and margins (the right
edge of the body is the right edge of the footer box), so each line's glyph run is exactly the
footer's run and its x is exactly the footer's x; only the baseline differs, and it is taken
from one page with the real footer (cached per orientation). Each text object is cut out of the
written page's content stream and becomes the stamp of one page (pdfmerge.Merger).

WeasyPrint's content streams have a fixed shape (pinned weasyprint==70.0); anything unexpected
(a text object not found, a position off by more than 0.01 px) returns None and the caller falls
back to the slow document of N footer pages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from flask import current_app, render_template
from pypdf import PdfReader

from .parts import layout

__all__ = ["NumberStamps", "number_stamps", "NUMBERS_TEMPLATE", "LINES_TEMPLATE"]

NUMBERS_TEMPLATE = "pdf/_page_numbers.html"
LINES_TEMPLATE = "pdf/_page_number_lines.html"

_BLOCK = re.compile(rb"\nBT\n(.*?)\nET\n", re.S)
_TM = re.compile(rb"1 0 0 -1 (-?[0-9.]+) (-?[0-9.]+) Tm")
_PREFIX = re.compile(rb"\A([^\n]* cm)\nq\n([^\n]* cm)\n")
_calibration: dict = {}


@dataclass(frozen=True)
class NumberStamps:
    pdf: bytes  # the document of lines: its pages' resources hold the font the stamps use
    contents: list[bytes]  # content stream of page i's footer
    sources: list[int]  # the page of ``pdf`` whose resources contents[i] uses
    size: tuple[float, float]  # page size in points the stamps are made for


def _runs(pdf: bytes):
    """(page size, [(page index, prefix, x, y, text operators)]) of a WeasyPrint PDF.

    WeasyPrint writes runs of one font in one BT/ET block: "x y Tm", then "/F size Tf" when the
    font changes, then "[...] TJ"; each run becomes "/F size Tf [...] TJ" on its own.
    """
    reader = PdfReader(BytesIO(pdf))
    runs, size = [], None
    for index, page in enumerate(reader.pages):
        size = size or (float(page.mediabox.width), float(page.mediabox.height))
        data = page.get_contents().get_data()
        prefix = _PREFIX.match(data)
        if prefix is None:
            raise ValueError("unexpected content stream")
        for block in _BLOCK.finditer(data):
            font = position = None
            for line in block.group(1).split(b"\n"):
                if line.endswith(b" Tm"):
                    position = _TM.fullmatch(line)
                    if position is None:
                        raise ValueError("unexpected text matrix")
                elif line.endswith(b" Tf"):
                    font = line
                elif line.endswith(b"] TJ") and line.startswith(b"[") and font and position:
                    runs.append((index, prefix.groups(), position.group(1), position.group(2),
                                 font + b"\n" + line + b"\n"))
                    position = None
                else:
                    raise ValueError(f"unexpected text operator {line[:40]!r}")
    return size, runs


def _footer(landscape: bool):
    """(x, baseline y) in WeasyPrint's page units of the real footer "Trang 1 / 1"."""
    key = (landscape, current_app.static_folder)
    if key not in _calibration:
        html = render_template(NUMBERS_TEMPLATE, count=1, landscape=landscape)
        _, runs = _runs(layout(html, current_app.static_folder).write_pdf(uncompressed_pdf=True))
        if len(runs) != 1:
            raise ValueError("footer not found")
        _calibration[key] = (float(runs[0][2]), runs[0][3])  # y kept as written
    return _calibration[key]


def number_stamps(count: int, landscape: bool) -> NumberStamps | None:
    """Stamps for pages 1..count, or None (then render the slow footer document instead)."""
    try:
        x_footer, y_footer = _footer(landscape)
        html = render_template(LINES_TEMPLATE, count=count, landscape=landscape)
        pdf = layout(html, current_app.static_folder).write_pdf(uncompressed_pdf=True)
        size, runs = _runs(pdf)
    except ValueError:
        return None
    if len(runs) != count + 1 or abs(float(runs[0][2]) - x_footer) > 0.01:
        return None
    contents, sources = [], []
    for index, (flip, scale), x, _, text in runs[1:]:
        contents.append(b"q\n" + flip + b"\nq\n" + scale + b"\n0 0 0 rg\nBT\n1 0 0 -1 " + x + b" " + y_footer
                        + b" Tm\n" + text + b"ET\nQ\nQ\n")
        sources.append(index)
    return NumberStamps(pdf, contents, sources, size)
