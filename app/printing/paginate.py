"""Predict where the pages of a long list break, so its chunks can be laid out at the same time.

Why: WeasyPrint lays out a table page after page; a chunk of rows can only be rendered on its own
if it starts exactly where a page of the whole list starts, and that is known only after the
pages before it are laid out. Here the page breaks are computed ahead from each row's height:

- a small probe document (the list's first rows, with a forced page break) gives the geometry:
  where the rows start on the first page and on the following ones (after the repeated header
  row), where the page ends, each column's width, padding and text style;
- each cell's number of lines comes from the same Pango line breaking WeasyPrint uses
  (weasyprint.text.line_break.split_first_line), memoised per distinct text, so a row's height is
  its tallest cell's lines times the line height plus padding and borders;
- a row that would end below the page bottom starts the next page (rows never split,
  break-inside: avoid), with its group heading (break-after: avoid on the heading).

The probe's own rows are predicted too and compared with their real layout: any difference and
the model is not used. A prediction is only a plan: each chunk is rendered with the next
chunk's first row as a look-ahead, which proves (or refutes) that the next chunk starts a page
(app/printing/chunked.py), so a wrong prediction costs time, never a wrong document.
"""
from __future__ import annotations

import html as htmlmod
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from weasyprint.formatting_structure import boxes
from weasyprint.text.line_break import split_first_line, strut

__all__ = ["Geometry", "probe_geometry", "fragment_texts", "PROBE_ROWS"]

PROBE_ROWS = 8  # rows in the probe document, half of them on its second page
_FUDGE = 1 + 1e-9  # WeasyPrint's LayoutContext.overflows tolerance
_SURE_FIT = 0.9  # a text whose summed advances fill at most this share of its column is one line
_TOLERANCE = 1e-6  # px: predicted and real heights of the probe rows must agree this closely

_CELL = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S)
_SPACES = re.compile(r"[ \t\n\r\f]+")


def fragment_texts(fragment: str) -> tuple[str | None, list[str]]:
    """(group heading text or None, cell texts) of one row piece made by pdf/_list_rows.html."""
    cells = [_SPACES.sub(" ", htmlmod.unescape(c)).strip(" ") for c in _CELL.findall(fragment)]
    if 'class="group"' in fragment:
        return cells[0], cells[1:]
    return None, cells


def _px(value) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    if getattr(value, "unit", None) == "px":
        return float(value.value)
    return None


@dataclass
class _Column:
    style: object
    width: float  # content width in px (what the line breaking gets)
    deco: float  # border + padding, top and bottom
    line: float  # line box height
    min_content: float  # a fixed cell height (CSS height), else 0


@dataclass
class Geometry:
    """Everything needed to predict the page breaks of one list (see the module docstring)."""

    bottom: float  # LayoutContext.page_bottom
    first_top: float  # y of the first body row on the first page
    next_top: float  # y of the first body row on the following pages
    columns: list[_Column]
    group: _Column | None
    _lines: dict = field(default_factory=dict)
    _advances: dict = field(default_factory=dict)
    _context: object = field(default_factory=lambda: SimpleNamespace(dictionaries={}))

    def lines(self, index: int, column: _Column, text: str) -> int:
        """Lines of ``text`` in ``column``, broken the way WeasyPrint breaks them."""
        if not text:
            return 0
        key = (index, text)
        found = self._lines.get(key)
        if found is not None:
            return found
        # Most cells (numbers, dates, short names) are far narrower than their column: the sum of
        # their characters' advances says so without laying the text out (kerning and ligatures
        # only narrow a run, by much less than the margin kept here).
        advances = self._advances.setdefault(index, {})
        width = 0.0
        for char in text:
            advance = advances.get(char)
            if advance is None:
                advance = advances[char] = split_first_line(char, column.style, self._context, None, 0)[3]
            width += advance
        if width <= _SURE_FIT * column.width:
            self._lines[key] = 1
            return 1
        data, skip, count = text.encode(), 0, 0
        while True:
            count += 1
            resume = split_first_line(data[skip:].decode(), column.style, self._context, column.width, 0,
                                      is_line_start=True)[2]
            if resume is None:
                break
            skip += resume
            while data[skip:skip + 1] == b" ":
                skip += 1
            if skip >= len(data):
                break
        self._lines[key] = count
        return count

    def _cell(self, index, column, text) -> float:
        content = self.lines(index, column, text) * column.line
        return column.deco + max(content, column.min_content)

    def row_height(self, texts: list[str]) -> float:
        return max(self._cell(i, c, t) for i, (c, t) in enumerate(zip(self.columns, texts)))

    def heights(self, fragment: str) -> tuple[float, float]:
        """(group heading height or 0, row height) of one row piece."""
        group, texts = fragment_texts(fragment)
        if len(texts) != len(self.columns):
            raise ValueError("row does not match the columns")
        if group is None:
            return 0.0, self.row_height(texts)
        if self.group is None:
            raise ValueError("no group heading in the probe")
        return self._cell(-1, self.group, group), self.row_height(texts)

    def page_starts(self, fragments: list[str], start: int, first_page: bool):
        """Yield the index of the first row of every page after the one starting at ``start``."""
        y = self.first_top if first_page else self.next_top
        empty = True
        for i in range(start, len(fragments)):
            head, row = self.heights(fragments[i])
            bottom = y + head + row
            if not empty and bottom > self.bottom * _FUDGE:
                yield i
                y, bottom = self.next_top, self.next_top + head + row
            y, empty = bottom, False


def _walk(box):
    stack = [box]
    while stack:
        box = stack.pop()
        yield box
        if isinstance(box, boxes.ParentBox):
            stack.extend(reversed(box.children))


def _list_rows(page_box) -> list:
    """The body rows (TableRowBox) of the table.list laid out on one page."""
    for box in _walk(page_box):
        if isinstance(box, boxes.TableBox) and box.element is not None \
                and "list" in (box.element.get("class") or "").split():
            return [row for group in box.children if not group.is_header and not group.is_footer
                    for row in group.children]
    return []


def _first_text_style(cell):
    for box in _walk(cell):
        if isinstance(box, boxes.TextBox):
            return box.style
    return None


def _column(cell, fallback_style=None) -> _Column | None:
    style = _first_text_style(cell) or fallback_style
    values = [_px(cell.style[k]) for k in ("border_top_width", "padding_top", "padding_bottom",
                                            "border_bottom_width")]
    if style is None or None in values:
        return None
    lines = [b for b in cell.children if isinstance(b, boxes.LineBox)]
    line = lines[0].height if lines else strut(style)[0]
    computed = getattr(cell, "computed_height", "auto")
    return _Column(style=style, width=cell.width, deco=sum(values), line=line,
                   min_content=computed if isinstance(computed, (int, float)) else 0.0)


def probe_geometry(document, fragments: list[str], probe_count: int, break_at: int) -> Geometry | None:
    """The geometry measured on the probe document, or None when the model does not match it.

    ``document``: the list's first ``probe_count`` row pieces laid out with a forced page break
    before piece ``break_at`` (so its page 2 shows the top of a following page).
    """
    pages = document.pages
    if len(pages) != 2:
        return None
    first, second = (_list_rows(p._page_box) for p in pages)
    if not first or not second:
        return None
    page = pages[0]._page_box
    bottom = page.content_box_y() + page.height
    rows = first + second
    data = [r for r in rows if r.element is not None and r.element.get("data-n")]
    groups = [r for r in rows if r.element is not None and "group" in (r.element.get("class") or "")]
    if len(data) != probe_count:
        return None
    body_style = next((s for s in (_first_text_style(c) for c in data[0].children) if s is not None), None)
    columns = []
    for index in range(len(data[0].children)):
        cells = [r.children[index] for r in data if len(r.children) > index]
        column = next((c for c in (_column(cell) for cell in cells) if c is not None), None) \
            or _column(cells[0], body_style)
        if column is None:
            return None
        columns.append(column)
    group = _column(groups[0].children[0]) if groups else None
    geometry = Geometry(bottom=bottom, first_top=first[0].position_y, next_top=second[0].position_y,
                        columns=columns, group=group)
    # The model must reproduce every probe row's real height and the page break of the probe.
    try:
        expected = []
        for fragment in fragments[:probe_count]:
            head, row = geometry.heights(fragment)
            if head:
                expected.append(head)
            expected.append(row)
    except ValueError:
        return None
    if len(expected) != len(rows):
        return None
    if any(abs(e - r.height) > _TOLERANCE for e, r in zip(expected, rows)):
        return None
    return geometry
