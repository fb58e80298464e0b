"""One way for every list to download what it shows: .xlsx (default) or CSV (`?format=csv`).

Each export view builds its rows with the same filter function as its list page and hands
them to `export_table()`; the format is read from the query string, so the page's links
("Xuất Excel" / "Xuất CSV", templates/_export.html) only add `format=csv` to the current
query string.

CSV is written for Excel on an office PC: UTF-8 with a byte-order mark (without it Excel
reads Vietnamese letters as Windows-1252 mojibake), CRLF line ends, comma separated, dates
as ISO 2026-09-05 (read as dates in every locale; 05/09/2026 would become 9 May in an
English Excel) and amounts as plain digits (no "." thousands separator that a Vietnamese
locale would read as a decimal point). Formula-like text is neutralised exactly as in the
.xlsx (app.core.xlsx.safe_cell): a leading "'" keeps "=HYPERLINK(...)" as text.

Long lists (a province's 200,000 donations) are never cut and never held in memory whole: the
rows may be a generator reading the database in batches (yield_per). Both formats are written
row by row inside the view (the .xlsx by XlsxWriter in constant-memory mode) into a temporary file
(on disk past 8 MB) that is then sent in chunks. Not streamed while the rows are read: Flask ends
the request's app context, and with it the database session, as soon as the view returns, and on
PostgreSQL that closes the server-side cursor a batched read is still using (a CSV of more than
one batch failed there; tests/exports/test_long_exports.py serves one as a WSGI server would).
The only cap is Excel's own sheet limit (about a million rows): an .xlsx that reaches it ends
with a row saying the list holds only the first rows and should be filtered
(app.core.xlsx.truncated_note).
"""
import csv
import io
import tempfile
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, request

from app.core.xlsx import XLSX_MIME, ascii_filename, safe_cell, write_workbook

CSV_MIME = "text/csv"
BOM = "\ufeff"
FORMATS = ("xlsx", "csv")
CHUNK = 64 * 1024  # bytes per piece of a streamed download
SPOOL = 8 * 1024 * 1024  # a download up to this size stays in memory, a bigger one goes to a temporary file


def wanted_format() -> str:
    """"csv" when the request asks for it (?format=csv), else "xlsx"."""
    fmt = (request.args.get("format") or "").lower()
    return fmt if fmt in FORMATS else "xlsx"


def _csv_value(value):
    value = safe_cell(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def iter_csv(headers: list[str], rows, flush_every: int = 500):
    """The CSV (BOM first, every cell neutralised) as UTF-8 pieces of about `flush_every` rows."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in headers])
    for n, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v) for v in row])
        if n % flush_every == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def build_csv(headers: list[str], rows) -> bytes:
    """UTF-8 (with BOM) CSV bytes for `headers` and `rows`, every cell neutralised."""
    return b"".join(iter_csv(headers, rows))


def _chunks(fh):
    try:
        while piece := fh.read(CHUNK):
            yield piece
    finally:
        fh.close()


def attachment_disposition(filename: str) -> str:
    """The Content-Disposition of a download: an ASCII name for old browsers, the Vietnamese one in filename*."""
    ascii_name = ascii_filename(filename, f"export.{filename.rsplit('.', 1)[-1]}")
    return f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(filename)}'


def export_table(filename: str, headers: list[str], rows, sheet_title: str = "Dữ liệu",
                 fmt: str | None = None) -> Response:
    """The download for a list: .xlsx or CSV as the request asks (`fmt` overrides).

    `filename` may carry either extension or none; the right one is put on.
    """
    fmt = fmt or wanted_format()
    stem = filename
    for ext in (".xlsx", ".csv"):
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)
    try:
        if fmt == "csv":
            for piece in iter_csv(headers, rows):
                out.write(piece)
        else:
            write_workbook(out, headers, rows, sheet_title)
        size = out.tell()
        out.seek(0)
    except BaseException:
        out.close()
        raise
    if fmt == "csv":
        resp = Response(_chunks(out), mimetype=CSV_MIME, direct_passthrough=True)
        resp.headers["Content-Type"] = f"{CSV_MIME}; charset=utf-8"
        name = stem + ".csv"
    else:
        resp = Response(_chunks(out), mimetype=XLSX_MIME, direct_passthrough=True)
        name = stem + ".xlsx"
    resp.headers["Content-Length"] = str(size)
    resp.headers["Content-Disposition"] = attachment_disposition(name)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


__all__ = ["export_table", "build_csv", "iter_csv", "wanted_format", "BOM", "CSV_MIME"]
