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
"""
import csv
import io
from datetime import date, datetime
from urllib.parse import quote

from flask import Response, request

from app.core.xlsx import XLSX_MIME, ascii_filename, build_workbook, safe_cell

CSV_MIME = "text/csv"
BOM = "\ufeff"
FORMATS = ("xlsx", "csv")


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


def build_csv(headers: list[str], rows) -> bytes:
    """UTF-8 (with BOM) CSV bytes for `headers` and `rows`, every cell neutralised."""
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buf.getvalue().encode("utf-8")


def _disposition(filename: str) -> str:
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
    if fmt == "csv":
        resp = Response(build_csv(headers, rows), mimetype=CSV_MIME)
        resp.headers["Content-Type"] = f"{CSV_MIME}; charset=utf-8"
        name = stem + ".csv"
    else:
        resp = Response(build_workbook(headers, rows, sheet_title), mimetype=XLSX_MIME)
        name = stem + ".xlsx"
    resp.headers["Content-Disposition"] = _disposition(name)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


__all__ = ["export_table", "build_csv", "wanted_format", "BOM", "CSV_MIME"]
