"""Excel (.xlsx) export and upload helpers shared by every list and import.

Export: a bold header row, sensible column widths, and every text cell that a
spreadsheet would run as a formula (= + - @, tab, CR) prefixed with "'" so a
donor called "=cmd|..." stays text on the treasurer's PC. Sheets are written by XlsxWriter in
constant-memory mode (rows flushed to a temporary file), so a 200,000-row export keeps memory flat.

Upload: refuse anything that is not a real, reasonably small .xlsx before openpyxl
touches it (zip signature, uncompressed sizes in the zip directory: a 50 KB zip bomb
can expand to gigabytes; then every part streamed once by app.core.xlsx_scan, which bounds what
openpyxl would keep: a 5 KB upload once cost 620 MB), then read it read-only, only the template's
columns and only up to the last row with a value, whatever the sheet declares.
"""
import io
import re
import sys
import unicodedata
import zipfile
import zlib
from datetime import date, datetime
from urllib.parse import quote

from flask import Response

from app.core import xlsx_scan
from app.core.refusal import Refusal
from app.vn.money import format_number

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A 5,000-row import sheet is 2 to 10 MB unzipped; every part is streamed once before reading.
MAX_UNCOMPRESSED = 32 * 1024 * 1024  # total of all parts once unzipped
MAX_RATIO = 200  # uncompressed / compressed per part
MAX_PARTS = 1000  # Excel writes about ten; each is scanned
MAX_COLUMNS = 64  # columns read when a caller does not say (the imports pass their template's width)
MAX_KEPT_BYTES = 32 * 1024 * 1024  # the rows kept, as Python objects (a 5,000-row import: ~8 MB)
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 (so .xlsx) cannot hold


class XlsxError(Refusal):
    """A refused upload; str(err) is a Vietnamese message for the user."""


def safe_cell(value):
    """The value as written to a cell: formula-like text neutralised, control characters (which
    openpyxl refuses, failing the whole export) dropped, other types kept."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        return "'" + value if value.startswith(_DANGEROUS) else value
    if value is None or isinstance(value, (int, float, date, datetime)):
        return value
    return str(value)


# An .xlsx sheet holds at most 1,048,576 rows (Excel refuses a longer one): the header, the data
# and, when the data is longer, one last row saying so. CSV has no such limit and is never cut.
XLSX_MAX_ROWS = 1_048_576 - 2
WIDTH_SAMPLE = 500  # rows read ahead to size the columns (write-only sheets take widths first)


def truncated_note(kept: int) -> str:
    """The last row of an export cut at `kept` rows."""
    return f"Danh sách chỉ gồm {format_number(kept)} dòng đầu; hãy lọc hẹp hơn."


def _width(v) -> int:
    if isinstance(v, (date, datetime)):
        return 10
    return len(str(v)) if v is not None else 0


def write_workbook(out, headers: list[str], rows, sheet_title: str = "Dữ liệu",
                   max_rows: int | None = None) -> int:
    """Write the .xlsx for `headers` and `rows` (any iterable, read once) into the binary file `out`.

    XlsxWriter in constant-memory mode writes each row to a temporary file as it comes, so memory
    stays flat for 200,000 rows, and it writes twice as fast as openpyxl's write-only mode (a
    province's donations: 200,000 rows). Strings are always written as text, never read as
    formulas, numbers or links (and formula-like text is still neutralised by safe_cell, for
    whoever edits the cell later). The column widths come from the header and the first
    WIDTH_SAMPLE rows. After `max_rows` data rows (default XLSX_MAX_ROWS, Excel's limit) the
    sheet ends with the row truncated_note(max_rows). Returns the number of data rows written.
    """
    import xlsxwriter  # heavy: loaded by the first export, not by every worker at start

    limit = XLSX_MAX_ROWS if max_rows is None else max_rows
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    ws = wb.add_worksheet(_sheet_name(sheet_title))
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    moment = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    it = iter(rows)
    ahead = []
    for row in it:
        ahead.append([safe_cell(v) for v in row])
        if len(ahead) >= WIDTH_SAMPLE:
            break
    widths = [len(str(h)) for h in headers]
    for values in ahead:
        for i, v in enumerate(values[:len(widths)]):
            widths[i] = max(widths[i], _width(v))
    for i, w in enumerate(widths):
        ws.set_column(i, i, min(max(w + 2, 8), 60))
    ws.freeze_panes(1, 0)
    for col, h in enumerate(headers):
        ws.write_string(0, col, str(safe_cell(h)), bold)

    def put(r: int, values) -> None:
        for col, v in enumerate(values):
            if v is None or v == "":
                continue  # an empty cell, as Excel saves a blank one
            if isinstance(v, str):
                ws.write_string(r, col, v)
            elif isinstance(v, bool):
                ws.write_boolean(r, col, v)
            elif isinstance(v, (int, float)):
                ws.write_number(r, col, v)
            else:  # date or datetime
                ws.write_datetime(r, col, v, moment if isinstance(v, datetime) else day)

    written = 0
    for values in ahead:
        if written >= limit:
            break
        written += 1
        put(written, values)
    more = len(ahead) > written
    if not more and len(ahead) >= WIDTH_SAMPLE:
        for row in it:
            if written >= limit:
                more = True
                break
            written += 1
            put(written, [safe_cell(v) for v in row])
    if more:
        ws.write_string(written + 1, 0, truncated_note(written), bold)
    wb.close()
    return written


def _sheet_name(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31]
    return name or "Dữ liệu"


def build_workbook(headers: list[str], rows, sheet_title: str = "Dữ liệu", max_rows: int | None = None) -> bytes:
    """The .xlsx bytes for `headers` and `rows` (iterables of cell values); see write_workbook."""
    buf = io.BytesIO()
    write_workbook(buf, headers, rows, sheet_title, max_rows)
    return buf.getvalue()


_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._ ()-]+")


def ascii_filename(name: str, default: str) -> str:
    """The plain-ASCII file name for old clients' filename="...": diacritics dropped and anything
    else replaced, so a name typed by a user (a quote, a backslash) cannot break the header."""
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _NOT_PLAIN.sub("_", plain).strip() or default


def export_response(filename: str, headers: list[str], rows, sheet_title: str = "Dữ liệu") -> Response:
    """An .xlsx download (Vietnamese file names allowed, sent RFC 5987-encoded)."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    ascii_name = ascii_filename(filename, "export.xlsx")
    resp = Response(build_workbook(headers, rows, sheet_title), mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                           f"filename*=UTF-8''{quote(filename)}")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _check_zip(data: bytes, max_rows: int):
    """The zip checked and every part scanned; returns the scan's Plan (see app.core.xlsx_scan)."""
    if not data.startswith(b"PK\x03\x04"):
        raise XlsxError("Tệp không phải là tệp Excel (.xlsx). Vui lòng chọn đúng tệp mẫu đã tải về.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise XlsxError("Tệp Excel bị hỏng hoặc không đọc được.") from None
    if len(infos) > MAX_PARTS:
        raise XlsxError("Tệp Excel có quá nhiều thành phần nên không thể nhận. "
                        "Vui lòng chép dữ liệu sang tệp mẫu rồi thử lại.")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise XlsxError("Tệp không phải là bảng tính Excel (.xlsx).")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise XlsxError("Tệp Excel có dữ liệu nén bất thường, không thể nhận.")
    if total > MAX_UNCOMPRESSED:
        raise XlsxError("Tệp Excel quá lớn sau khi giải nén, vui lòng chia nhỏ tệp.")
    _refuse_declarations(zf, infos)
    try:
        return xlsx_scan.scan(zf, infos, max_rows, _too_many_rows(max_rows))
    except xlsx_scan.Refused as err:
        raise XlsxError(DECLARATION_REFUSED if str(err) == "declaration" else str(err)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError, RuntimeError):
        raise XlsxError("Tệp Excel bị hỏng hoặc không đọc được.") from None


def _too_many_rows(max_rows: int) -> str:
    return f"Tệp có quá nhiều dòng (tối đa {format_number(max_rows)} dòng)."


# Excel never writes a DTD; one in an upload is an attack (entity expansion, external entities).
# A DOCTYPE can only stand in a part's prolog, so the start of each part is enough (bounded read);
# every part is looked at, since openpyxl follows the relationships whatever a part is named.
# NULs are dropped so a UTF-16 part is caught too.
DECLARATION_SCAN = 64 * 1024
_DECLARATIONS = (b"<!doctype", b"<!entity")
DECLARATION_REFUSED = ("Tệp Excel có phần khai báo không an toàn nên không thể nhận. "
                       "Vui lòng mở tệp bằng Excel, lưu lại rồi thử lại.")


def _refuse_declarations(zf: zipfile.ZipFile, infos) -> None:
    for info in infos:
        if info.is_dir():
            continue
        try:
            with zf.open(info) as part:
                head = part.read(DECLARATION_SCAN)
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError):
            raise XlsxError("Tệp Excel bị hỏng hoặc không đọc được.") from None
        head = head.replace(b"\x00", b"").lower()
        if any(d in head for d in _DECLARATIONS):
            raise XlsxError(DECLARATION_REFUSED)


def read_upload(file_storage, max_rows: int = 5000, max_bytes: int | None = None, *,
                columns: int = MAX_COLUMNS) -> list[list]:
    """The rows of the first sheet (header row included) as lists of cell values: at most `columns`
    cells each (the import's width: what lies further right is never read), trailing empty cells
    and trailing empty rows dropped.

    The sheet's declared dimension is ignored, and rows are read only up to the last one holding a
    value (found by the scan, which also refuses an upload that would make the reader keep too
    much). Raises XlsxError (a ValueError) with a Vietnamese message for an empty, oversized,
    non-xlsx, unreadable or abusive file, or more than `max_rows` data rows.
    """
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise XlsxError("Vui lòng chọn tệp Excel (.xlsx).")
    data = file_storage.read(max_bytes + 1) if max_bytes else file_storage.read()
    if not data:
        raise XlsxError("Tệp tải lên trống.")
    if max_bytes and len(data) > max_bytes:
        raise XlsxError(f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024) or 1} MB).")
    try:
        plan = _check_zip(data, max_rows)
    except XlsxError:
        raise
    except Exception:  # zlib, zipfile, codecs...: a damaged or hand-made file is refused, never a 500
        raise XlsxError("Tệp Excel bị hỏng hoặc không đọc được.") from None
    from openpyxl import load_workbook  # heavy: loaded by the first upload

    try:  # keep_links=False: external links carry cached copies of other workbooks
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many types for a damaged file
        raise XlsxError("Không mở được tệp Excel. Vui lòng lưu lại tệp dạng .xlsx rồi thử lại.") from None
    try:
        return _sheet_rows(wb, plan, max_rows, max(1, columns))
    except XlsxError:
        raise
    except Exception:  # the sheet is parsed only here (read-only mode): a damaged one is refused too
        raise XlsxError("Không mở được tệp Excel. Vui lòng lưu lại tệp dạng .xlsx rồi thử lại.") from None
    finally:
        wb.close()


def _sheet_rows(wb, plan, max_rows: int, columns: int) -> list[list]:
    if not wb.worksheets:
        raise XlsxError("Tệp không phải là bảng tính Excel (.xlsx).")
    ws = wb.worksheets[0]
    last = plan.last_row(ws._worksheet_path)
    if last > max_rows + 1:  # the scan refuses this already; kept in case the part was not a sheet
        raise XlsxError(_too_many_rows(max_rows))
    if last < 1:
        return []
    ws.reset_dimensions()  # a declared A1:XFD5001 must not size anything
    rows, kept = [], 0
    for row in ws.iter_rows(max_row=last, max_col=columns, values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        kept += 64 + 8 * len(values) + sum(sys.getsizeof(v) for v in values if v is not None)
        if kept > MAX_KEPT_BYTES:
            raise XlsxError("Tệp Excel có quá nhiều dữ liệu, vui lòng chia nhỏ tệp.")
        rows.append(values)
        if len(rows) > max_rows + 1:
            raise XlsxError(_too_many_rows(max_rows))
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    return rows
