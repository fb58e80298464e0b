"""Fast, memory-bounded rendering of a header part plus a long table (the decision's attached list).

Usage (inside an app context, e.g. in a print job's builder):

    from app.printing.longlist import Column, render_list_pdf, decision_list_columns
    pdf = render_list_pdf("commendations/pdf/list.html", rows, columns=decision_list_columns(),
                          group_key="school", amount_key="amount", progress=progress,
                          decision=decision)            # any extra context for the template

rows: dicts (keys = Column.key); NFC-normalised here, so NFD input prints correctly.
The template extends "pdf/_list.html" and fills blocks list_header / list_footer.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

__all__ = ["Column", "render_list_pdf", "decision_list_columns", "DEFAULT_CHUNK_ROWS"]

DEFAULT_CHUNK_ROWS = 200  # rows a chunk: bounds the memory of each process (see chunked.py)


@dataclass(frozen=True)
class Column:
    """One column of the list: ``width`` in percent of the table; kind: text, stt, money, date."""

    key: str
    label: str
    width: float
    kind: str = "text"
    align: str = ""  # "", "c" or "r"; money columns default to "r", stt and date to "c"

    @property
    def css(self) -> str:
        align = self.align or {"money": "r", "stt": "c", "date": "c"}.get(self.kind, "")
        return align


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


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def normalise_rows(rows: Iterable[dict]) -> list[dict]:
    """NFC every text value: pdftotext (and a reader's search) sees composed letters."""
    return [{k: _nfc(v) for k, v in row.items()} for row in rows]


def render_list_pdf(template_name: str, rows: Sequence[dict], *, columns: Sequence[Column] | None = None,
                    chunk_rows: int | None = None, progress: Callable[[int, int], None] | None = None,
                    group_key: str | None = None, amount_key: str | None = None,
                    total_label: str = "Tổng cộng", **ctx) -> bytes:
    """Render the list as one PDF with "Trang x / y" right across the whole document.

    The rows are laid out in chunks of at most ``chunk_rows`` (default 200) whole pages, one
    WeasyPrint document per chunk (side by side in print jobs, see chunked.py), so time and memory
    grow linearly; the pages are then merged. progress(done, total)
    is called after each chunk (total = number of rows). ``amount_key`` adds the total row and
    the amount in words; ``group_key`` adds a heading row whenever that value changes.
    """
    from .chunked import render_chunked, row_fragments

    columns = list(columns or decision_list_columns())
    ctx = {k: _nfc(v) for k, v in ctx.items()}
    amount_index = next((i for i, c in enumerate(columns) if c.key == amount_key), None)
    base = dict(ctx, columns=columns, group_key=group_key, total_label=total_label,
                amount_key=amount_key if amount_index is not None else None, amount_index=amount_index,
                total_amount=sum(int(r.get(amount_key) or 0) for r in rows) if amount_index is not None else 0)
    # Only the rows' HTML is kept while the chunks render (not a normalised copy of the rows).
    fragments = row_fragments(normalise_rows(rows), base, group_key)
    return render_chunked(template_name, fragments, base, chunk_rows or DEFAULT_CHUNK_ROWS, progress)
