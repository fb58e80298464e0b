"""Many short documents in one PDF (one certificate per honoree), fast and memory-bounded.

    from app.printing.many import render_many
    pdf = render_many("commendations/pdf/certificates.html", honorees, progress=progress,
                      settings=template_settings, decision=decision)

The template receives ``items`` (a chunk of the list, render one page per item) and the extra
context; ``item_offset`` tells how many items came before the chunk. Chunks are laid out one
after another and their pages merged into a single PDF written once (fonts embedded once).
"""
from __future__ import annotations

import unicodedata
from typing import Callable, Sequence

from .chunked import _document
from .pdfmerge import merge_pdfs
from .textcache import reuse_text_layouts

__all__ = ["render_many", "DEFAULT_CHUNK_ITEMS"]

DEFAULT_CHUNK_ITEMS = 100


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
    from flask import render_template

    context = {k: _nfc(v) for k, v in {**(per_doc_ctx or {}), **ctx}.items()}
    items = [_nfc(item) for item in items]
    size = chunk_items or DEFAULT_CHUNK_ITEMS
    parts = []
    for start in range(0, max(len(items), 1), size):
        chunk = items[start:start + size]
        with reuse_text_layouts():
            doc = _document(render_template(template_name, items=chunk, item_offset=start, **context), lean=True)
            parts.append(doc.write_pdf(optimize_images=True))
        del doc
        if progress:
            progress(min(len(items), start + size), max(len(items), 1))
    return parts[0] if len(parts) == 1 else merge_pdfs(parts)
