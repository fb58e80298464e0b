"""Lay out a long table as several small WeasyPrint documents, on every core when allowed.

Why: one document with thousands of rows keeps the whole DOM, every computed style and the whole
box tree alive while WeasyPrint lays it out and writes it, and uses one core. Here the rows are
cut into chunks of at most ``chunk_rows`` rows (whole pages), each one document laid out and
written on its own, so memory is bounded by a chunk; inside print jobs the chunks are rendered
side by side by this process and render processes (runner.py, procpool.py).

A chunk must start where a page of the whole list starts. paginate.py predicts the page breaks
from the rows' heights, and each chunk is rendered with the next chunk's first row as a
look-ahead: on the chunk's last page, alone, that row proves the prediction (the page is then
dropped); anywhere else, the prediction was wrong, the look-ahead page's first row is where the
next page really starts, and the rest is planned again from there (after a second miss, chunk by
chunk without prediction, like one long table). The document is therefore exactly the one long
table's pages, whatever the prediction said.

Rows are rendered to HTML once (pdf/_list_rows.html) and cut at markers, so a chunk's rows,
their continuous STT and group headings are the same as in one long table. The chunks are
written without page numbers; "Trang x / N" is stamped over the joined pages at the end
(stamps.py, pdfmerge.py). A list that fits in one chunk is one document with its own numbers.
"""
from __future__ import annotations

import math
import os
import time
from collections import deque

from flask import current_app, render_template
from markupsafe import Markup

from app.vn.money import format_number

from . import procpool
from .paginate import PROBE_ROWS, probe_geometry
from .parts import ROWS_SLOT, Part, layout
from .pdfmerge import Merger
from .runner import Runner
from .stamps import NUMBERS_TEMPLATE, number_stamps
from .textcache import reuse_text_layouts

ROWS_TEMPLATE = "pdf/_list_rows.html"
_MARK = "<!--row-->"
UNKNOWN = -1  # a chunk's end found by rendering it (see _Chunks._chunks)
MIN_PARALLEL_CHUNK = 60  # rows: smaller chunks cost more in fixed overhead than they save
LAST_RUN: dict = {}  # figures of the last document (benchmark): processes, chunks, misses, peaks


def _document(html: str | tuple[str, str], lean: bool = True):
    """Lay out ``html`` (or (html, rows), see _chunk_html) in this process."""
    html, rows = (html, "") if isinstance(html, str) else html
    return layout(html, current_app.static_folder, lean=lean, rows=rows)


def money(value) -> str:
    """The `number` filter's "1.250.000" for whole đồng, without building a Babel locale per cell
    (measured: about a second for 10,000 rows); anything but an int goes to the filter's function."""
    if type(value) is int:
        return f"{value:,}".replace(",", ".")
    return format_number(value)


def row_fragments(rows: list, base: dict, group_key: str | None) -> list[str]:
    """Each row's HTML (with its group heading when the group changes there), in order."""
    cells = [(c.key, c.kind, c.css) for c in base["columns"]]
    html = render_template(ROWS_TEMPLATE, rows=rows, cells=cells, group_key=group_key, money=money)
    pieces = html.split(_MARK)[1:]
    if len(pieces) != len(rows):
        raise ValueError("row template markers do not match the rows")
    return pieces


def _chunk_html(template_name, fragments, base, start, end, is_last, numbered=False) -> tuple[str, str]:
    """(the chunk's HTML with parts.ROWS_SLOT where its rows go, the rows' HTML)."""
    html = render_template(template_name, rows_html=Markup(ROWS_SLOT) if end > start else "", is_first=start == 0,
                           is_last=is_last, numbered=numbered, **base)
    return html, "".join(fragments[start:end])


def render_chunked(template_name: str, fragments: list[str], base: dict, chunk_rows: int, progress=None) -> bytes:
    """The whole list (its rows' HTML from row_fragments) as one PDF; see the module docstring."""
    total = len(fragments)
    processes = procpool.allowed()
    LAST_RUN.clear()
    LAST_RUN.update(processes=1, chunks=1, misses=0, peaks={}, seconds={})
    if total <= (_chunk_size(total, chunk_rows, processes) if processes > 1 else chunk_rows):
        with reuse_text_layouts():
            pdf = _document(_chunk_html(template_name, fragments, base, 0, total, True, numbered=True)).write_pdf()
        if progress:
            progress(total, max(total, 1))
        return pdf
    return _Chunks(template_name, fragments, base, chunk_rows, processes, progress).render()


def _chunk_size(remaining: int, chunk_rows: int, processes: int) -> int:
    """Rows for the next chunk: at most chunk_rows; with several processes a share of what is left,
    so the chunks get smaller towards the end and the processes finish together."""
    if processes <= 1:
        return chunk_rows
    return min(chunk_rows, max(MIN_PARALLEL_CHUNK, math.ceil(remaining / (2 * processes))))


class _Chunks:
    """One list rendered chunk by chunk: plan, submit, check each look-ahead, join, number."""

    def __init__(self, template_name, fragments, base, chunk_rows, processes, progress):
        self.template_name, self.fragments, self.base = template_name, fragments, base
        self.total, self.chunk_rows, self.progress = len(fragments), chunk_rows, progress
        self.static_root = current_app.static_folder
        self.seconds = LAST_RUN["seconds"]
        clock = time.perf_counter()
        self.geometry = _probe(template_name, fragments, base)
        self.seconds["probe"] = time.perf_counter() - clock
        self.seconds["plan"] = self.seconds["wait"] = self.seconds["join"] = 0.0
        self.processes = processes
        self.pending: deque = deque()
        LAST_RUN.update(processes=processes, chunks=0, predicted=self.geometry is not None)

    def _replan(self, start: int, first_page: bool) -> None:
        if LAST_RUN["misses"] >= 2:
            self.geometry = None  # twice wrong: the rest chunk by chunk, like one long table
        self.plan = self._chunks(start, first_page)

    def _chunks(self, start, first_page):
        """(first row, next chunk's first row) of each chunk from ``start``: a predicted page start,
        None for the last chunk, UNKNOWN when the next start is found by rendering (no prediction)."""
        total, begin, last = self.total, start, start
        if self.geometry is None:
            yield start, UNKNOWN
            return
        size = self._size(begin)
        try:
            # Whole pages, at most ``size`` rows a chunk (more only for a page holding more); the
            # last chunk not much smaller than half of that.
            for page in self.geometry.page_starts(self.fragments, start, first_page):
                if page - begin > size and last > begin and total - last > size // 2:
                    yield begin, last
                    begin, size = last, self._size(last)
                last = page
        except ValueError:  # a row the model cannot measure: no prediction from here on
            self.geometry = None
            yield begin, UNKNOWN
            return
        if total - begin > size and last > begin and total - last > size // 2:
            yield begin, last
            begin = last
        yield begin, None

    def _size(self, begin: int) -> int:
        return _chunk_size(self.total - begin, self.chunk_rows, self.processes)

    def _refill(self, runner) -> None:
        clock = time.perf_counter()
        # Enough planned chunks for every process and one more to take here (runner.py); without
        # prediction one at a time, each starting where the one before really ended.
        while len(self.pending) < (2 * runner.processes + 1 if self.geometry is not None else 1):
            begin, following = next(self.plan, (None, None))
            if begin is None:
                break
            if following == UNKNOWN:
                end = min(self.total, begin + self._size(begin))
                is_last, following = end >= self.total, None
            else:
                end, is_last = (self.total, True) if following is None else (following + 1, False)
            html, rows = _chunk_html(self.template_name, self.fragments, self.base, begin, end, is_last)
            part = Part(html, self.static_root, drop_last=not is_last, rows=rows)
            self.pending.append((begin, end, is_last, following, runner.submit(part)))
        self.seconds["plan"] += time.perf_counter() - clock

    def render(self) -> bytes:
        merger, landscape, done = Merger(), False, 0
        runner = Runner(self.processes)
        try:
            self._replan(0, True)
            self._refill(runner)
            while self.pending:
                begin, end, is_last, following, ticket = self.pending.popleft()
                clock = time.perf_counter()
                result = runner.result(ticket)
                self.seconds["wait"] += time.perf_counter() - clock
                clock = time.perf_counter()
                LAST_RUN["chunks"] += 1
                LAST_RUN["peaks"][result.pid] = max(result.peak_kb, LAST_RUN["peaks"].get(result.pid, 0))
                self.seconds["parts_cpu"] = self.seconds.get("parts_cpu", 0.0) + result.cpu
                self.seconds["parts_cpu_here"] = self.seconds.get("parts_cpu_here", 0.0) + result.cpu * (
                    result.pid == os.getpid())
                merger.add(result.pdf)
                landscape = result.landscape
                self.seconds["join"] += time.perf_counter() - clock
                if is_last:
                    done = self.total
                    break
                carried = result.carried
                # Where the next page really starts: the look-ahead page's first row; without one
                # (a chunk of one page) the chunk was kept whole and the next one follows it.
                done = carried - 1 if carried is not None and begin < carried - 1 < end else end
                if self.progress:
                    self.progress(done, self.total)
                if following is None or done != following:
                    # The next chunks were planned from a start that is not a page start (or not
                    # planned): dropped, planned again from the page that really starts there.
                    runner.drop(item[-1] for item in self.pending)
                    self.pending.clear()
                    LAST_RUN["misses"] += following is not None
                    self._replan(done, False)
                self._refill(runner)
        finally:
            runner.close()
        if self.progress:
            self.progress(done, max(self.total, 1))
        clock = time.perf_counter()
        stamps = number_stamps(merger.pages, landscape)
        LAST_RUN["stamps"] = "lines" if stamps is not None and stamps.size == _page_size(merger) else "pages"
        if LAST_RUN["stamps"] == "lines":
            merger.stamp_numbers(stamps)
        else:
            numbers = _document(render_template(NUMBERS_TEMPLATE, count=merger.pages, landscape=landscape))
            merger.stamp_pages(numbers.write_pdf())
        self.seconds["numbers"] = time.perf_counter() - clock
        clock = time.perf_counter()
        pdf = merger.write()
        self.seconds["write"] = time.perf_counter() - clock
        return pdf


def _page_size(merger: Merger) -> tuple[float, float]:
    box = merger.writer.pages[0].mediabox
    return float(box.width), float(box.height)


def _probe(template_name, fragments, base):
    """The page geometry (paginate.py) from the first rows, or None to go without prediction."""
    count = min(PROBE_ROWS, len(fragments))
    if count < 2:
        return None
    cut = count // 2
    probe = list(fragments[:count])
    probe[cut] = probe[cut].replace("<tr", '<tr style="break-before: page"', 1)
    try:
        with reuse_text_layouts():
            doc = _document(_chunk_html(template_name, probe, base, 0, count, False))
            return probe_geometry(doc, fragments, count, cut)
    except Exception:  # noqa: BLE001 - without a prediction the list is still rendered right
        current_app.logger.exception("print: page prediction unavailable")
        return None
