"""The common reader under every statement layout: an uploaded .xlsx or .csv as rows of cell values,
with the guards every import in the app has, and the cell conversions (dates, amounts, text).

.xlsx goes through app.core.xlsx.read_upload (zip signature, sizes, compression ratio, parts, no
DTD, the part scan that bounds what openpyxl keeps, columns, rows); its refusals come back as a
StatementError. .csv is the bank's text export: UTF-8 with or without a BOM, else Windows-1258
(Vietnamese Windows) or Windows-1252; ";", "," or tab between fields; bounded in bytes, rows and
columns here. Every problem is a Vietnamese StatementError, never a traceback.
"""
import csv
import io
import re
import zlib
from datetime import date, datetime, timedelta

from app.core.refusal import Refusal
from app.core.xlsx import XlsxError, read_upload
from app.vn.money import format_number
from app.vn.text import clean

MAX_BYTES = 10 * 1024 * 1024  # a 20,000-line statement as .csv is about 3 MB, as .xlsx about 1.5 MB
MAX_LINES = 20_000  # transactions in one statement
MAX_ROWS = MAX_LINES + 200  # rows of the sheet: the lines, the title rows above and the totals below
# A statement has 5 to 15 columns of data, but exports laid out on merged cells spread them: a
# Techcombank sheet has its balance in column 60 (BH) with empty merged columns between.
MAX_COLUMNS = 80
MAX_CELL = 2000  # characters kept of one cell (a description is at most a few hundred)


class StatementError(Refusal):
    """A statement that cannot be read; str(err) is a Vietnamese message for the user."""

    default_field = "file"


class _Upload:
    """What read_upload expects of a Flask FileStorage, over bytes already read."""

    def __init__(self, data: bytes, filename: str):
        self.filename = filename or "sao-ke.xlsx"
        self._data = data

    def read(self, size: int = -1) -> bytes:
        return self._data if size is None or size < 0 else self._data[:size]


def load_rows(data: bytes, filename: str = "") -> list[list]:
    """The first sheet (or the CSV) as rows of cell values: str, int, float, datetime or None.
    Row i of the list is row i + 1 of the file, so messages can name the row the user sees."""
    if not data:
        raise StatementError("Tệp tải lên trống.")
    if len(data) > MAX_BYTES:
        raise StatementError(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB). "
                             "Vui lòng xuất sao kê theo từng tháng.")
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, filename)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise StatementError("Tệp Excel 97-2003 (.xls) chưa đọc được. Vui lòng mở tệp bằng Excel, "
                             "chọn Lưu thành (Save As) dạng .xlsx hoặc .csv rồi tải lên lại.")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        raise StatementError("Tệp này là trang web (HTML) được đặt tên như tệp Excel. Vui lòng mở tệp bằng Excel, "
                             "chọn Lưu thành (Save As) dạng .xlsx rồi tải lên lại.")
    if name.endswith((".xlsx", ".xlsm")):
        raise StatementError("Tệp không phải là tệp Excel (.xlsx) hợp lệ hoặc đã bị hỏng.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        return _csv_rows(data)
    if b"\x00" in data[:65536] or data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8")):
        raise StatementError("Tệp không phải là sao kê dạng bảng tính (.xlsx) hay văn bản (.csv).")
    return _csv_rows(data)


def _xlsx_rows(data: bytes, filename: str) -> list[list]:
    try:
        rows = read_upload(_Upload(data, filename), MAX_ROWS, MAX_BYTES, columns=MAX_COLUMNS)
    except XlsxError as err:  # the shared guards' message, under this domain's name
        raise StatementError(str(err)) from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, LookupError):
        # a damaged zip or part that app.core.xlsx lets through (directory, DTD check, an unknown XML encoding)
        raise StatementError("Tệp Excel bị hỏng hoặc không đọc được.") from None
    return [[_clip(v) for v in row] for row in rows]


def _clip(v):
    return v[:MAX_CELL] if isinstance(v, str) else v


def decode(data: bytes) -> str:
    """The CSV's text: UTF-8 (BOM dropped), else Windows-1258, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise StatementError("Tệp CSV có mã chữ không đọc được. Vui lòng lưu lại dạng CSV UTF-8.") from None
    for encoding in ("utf-8", "cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError("Tệp CSV có mã chữ không đọc được. Vui lòng lưu lại dạng CSV UTF-8.")


_DELIMITERS = (";", ",", "\t", "|")


def delimiter(text: str) -> str:
    """The field separator: the one that splits the first lines into the most rows of one same
    width (a ";" file has "," inside its amounts, a "," file quotes them)."""
    sample = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ",", -1
    for d in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=d) if len(r) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        common = max(set(widths), key=lambda w: (widths.count(w), w))
        score = widths.count(common) * min(common, 12)
        if score > best_score:
            best, best_score = d, score
    return best


def _csv_rows(data: bytes) -> list[list]:
    text = decode(data)
    sep = delimiter(text)
    rows = []
    try:
        for n, fields in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), start=1):
            while fields and not fields[-1].strip():
                fields.pop()
            if len(fields) > MAX_COLUMNS:
                raise StatementError(f"Dòng {n} có quá nhiều cột ({len(fields)}; tối đa {MAX_COLUMNS}).")
            rows.append([_clip(f) if f.strip() else None for f in fields])
            if len(rows) > MAX_ROWS:
                raise StatementError(f"Tệp có quá nhiều dòng (tối đa {format_number(MAX_LINES)} giao dịch). "
                                     "Vui lòng xuất sao kê theo từng tháng.")
    except csv.Error:
        raise StatementError(f"Tệp CSV bị lỗi ở dòng {len(rows) + 1} (dấu ngoặc kép không đóng?).") from None
    return rows


# --- cells ---------------------------------------------------------------------------------------

def text(v) -> str:
    """A cell as one line of NFC text ("" for an empty cell); a whole float loses its ".0"."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y %H:%M:%S") if (v.hour, v.minute, v.second) != (0, 0, 0) else v.strftime("%d/%m/%Y")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    return clean(str(v))


_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d])")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
# "05/10/26": some exports shorten the year; in a bank's date column it can only be 20yy.
_DMY_SHORT = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def to_date(v) -> date | None:
    """A date cell: a date or datetime, "dd/mm/yyyy" (time or other text may follow), ISO
    "yyyy-mm-dd", or an Excel serial number. None when the cell holds no date."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if 30000 <= v <= 80000:  # 1982..2119: a date cell that lost its format
            return (_EXCEL_EPOCH + timedelta(days=int(v))).date()
        return None
    s = text(v)
    m = _DMY.match(s)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _YMD.match(s):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DMY_SHORT.match(s):
        day, month, year = int(m.group(1)), int(m.group(2)), 2000 + int(m.group(3))
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def after_date(v) -> str:
    """What a text date cell holds after its date ("31/10/2023\\n5243.65937" -> "5243.65937"),
    without a time of day."""
    if not isinstance(v, str):
        return ""
    m = _DMY.match(v) or _YMD.match(v)
    rest = v[m.end():] if m else ""
    rest = re.sub(r"^[\sT]*\d{1,2}:\d{2}(:\d{2})?(\.\d+)?\s*(AM|PM)?", "", rest, flags=re.I)
    return clean(rest)


class AmountError(ValueError):
    pass


_CURRENCY = re.compile(r"(VND|VNĐ|đồng|đ|₫)", re.I)
_COMMA_GROUPS = re.compile(r"\d{1,3}(,\d{3})+(\.\d{1,4})?")  # 1,250,000 or 1,250,000.00
_DOT_GROUPS = re.compile(r"\d{1,3}(\.\d{3})+(,\d{1,4})?")  # 1.250.000 or 1.250.000,00
_SPACE_GROUPS = re.compile(r"\d{1,3}( \d{3})+")
_PLAIN = re.compile(r"\d+([.,]\d{1,4})?")


def to_signed(v) -> int | None:
    """A money cell as signed whole đồng; None when empty ("", "-"). Reads numbers, "1,250,000.00",
    "1.250.000", "1 250 000", "+500,000", "-200.000", "(200,000)", "200,000-", "1.250.000 VND".
    Raises AmountError for anything else or a fraction of a đồng."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise AmountError
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v != v or abs(v - round(v)) > 0.001:  # NaN, or real fractions of a đồng
            raise AmountError
        return int(round(v))
    s = _CURRENCY.sub("", text(v)).replace("\u00a0", " ").strip()
    if s in ("", "-", "–"):
        return None
    sign = 1
    if s.startswith("(") and s.endswith(")"):
        s, sign = s[1:-1].strip(), -1
    if s[:1] in "+-−–":
        sign = -1 if s[0] != "+" else 1
        s = s[1:].strip()
    elif s.endswith("-"):
        s, sign = s[:-1].strip(), -1
    if _COMMA_GROUPS.fullmatch(s):
        whole, _, frac = s.partition(".")
        whole = whole.replace(",", "")
    elif _DOT_GROUPS.fullmatch(s):
        whole, _, frac = s.partition(",")
        whole = whole.replace(".", "")
    elif _SPACE_GROUPS.fullmatch(s):
        whole, frac = s.replace(" ", ""), ""
    elif _PLAIN.fullmatch(s):
        whole, frac = re.split(r"[.,]", s)[0], (re.split(r"[.,]", s) + [""])[1]
    else:
        raise AmountError
    if frac.strip("0"):
        raise AmountError
    if len(whole) > 15:
        raise AmountError
    return sign * int(whole)
