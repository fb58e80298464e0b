"""Many short documents in one PDF (one certificate per honoree), fast and memory-bounded.

    from app.printing.many import render_many
    pdf = render_many("commendations/pdf/certificates.html", honorees, progress=progress,
                      settings=template_settings, decision=decision)

The template receives ``items`` (a chunk of the list, render one page per item) and the extra
context; ``item_offset`` tells how many items came before the chunk. Chunks are laid out one
after another, or side by side in the render processes inside print jobs (procpool.py), and
their pages merged into a single PDF. One item is one document rendered here (a warm single
certificate takes a few tens of milliseconds).
"""
from __future__ import annotations

import math
import unicodedata
from collections import deque
from typing import Callable, Sequence

from flask import current_app, render_template

from . import procpool
from .chunked import LAST_RUN
from .parts import Part, layout
from .runner import Runner
from .pdfmerge import Merger
from .drawcache import reuse_background_images
from .textcache import reuse_text_layouts

__all__ = ["render_many", "DEFAULT_CHUNK_ITEMS"]

DEFAULT_CHUNK_ITEMS = 100
MIN_PARALLEL_CHUNK = 10


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def render_many(template_name: str, items: Sequence, per_doc_ctx: dict | None = None, *,
                chunk_items: int | None = None, progress: Callable[[int, int], None] | None = None,
                **ctx) -> bytes:
    """Render ``items`` through ``template_name`` in chunks; one PDF with all their pages.

    per_doc_ctx (or keyword arguments) is the context shared by every chunk. Dict items and
    string values are NFC-normalised. progress(done, total) is called after each chunk.
    """
    context = {k: _nfc(v) for k, v in {**(per_doc_ctx or {}), **ctx}.items()}
    items = [_nfc(item) for item in items]
    total = len(items)
    size = chunk_items or DEFAULT_CHUNK_ITEMS
    processes = procpool.allowed()
    if processes > 1 and total > MIN_PARALLEL_CHUNK:
        size = min(size, max(MIN_PARALLEL_CHUNK, math.ceil(total / (2 * processes))))
    else:
        processes = 1
    starts = list(range(0, max(total, 1), size))
    if len(starts) == 1:
        with reuse_text_layouts(), reuse_background_images():
            html = render_template(template_name, items=items, item_offset=0, **context)
            pdf = layout(html, current_app.static_folder).write_pdf(optimize_images=True)
        if progress:
            progress(total, max(total, 1))
        return pdf

    runner = Runner(processes)
    merger, pending = Merger(), deque()
    LAST_RUN.clear()
    LAST_RUN.update(processes=processes, chunks=len(starts), misses=0, peaks={})
    try:
        for start in starts:
            html = render_template(template_name, items=items[start:start + size], item_offset=start, **context)
            part = Part(html, current_app.static_folder, optimize_images=True)
            pending.append((start, runner.submit(part)))
        while pending:
            start, ticket = pending.popleft()
            result = runner.result(ticket)
            LAST_RUN["peaks"][result.pid] = max(result.peak_kb, LAST_RUN["peaks"].get(result.pid, 0))
            merger.add(result.pdf)
            if progress:
                progress(min(total, start + size), max(total, 1))
    finally:
        runner.close()
    return merger.write()
