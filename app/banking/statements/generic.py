"""The generic layout: any bank's export, once the user has pointed at its columns.

The mapping (kept per bank account by the caller) is
    {"header_row": 9 (1-based, as the spreadsheet shows it), "date": 0, "description": 4,
     "reference": 1 or None, "balance": 5 or None,
     "amount": 2 (signed, or with "direction": 3)  |  "debit": 2 and "credit": 3}
with 0-based column indexes. An amount column is read signed (negative, "(200,000)" or "200,000-":
money out); with a direction column its sign is ignored and the direction word decides ("C"/"D",
"Ghi có"/"Ghi nợ", "Credit"/"Debit", "Thu"/"Chi", "+"/"-"). guess_mapping proposes one from the header texts every bank uses
(Vietnamese or English, with or without diacritics); the user corrects it on the preview. The shape
is the one OCA's account_statement_import_sheet_file settled on for any bank's sheet (header lines
to skip, one amount column with an optional debit/credit indicator column, or separate debit and
credit columns; OCA/bank-statement-import PR #296), with the header row given instead of counted.
"""
from .sheet import MAX_COLUMNS, StatementError, text
from .table import HEADER_SCAN, Columns, Layout, match_header, usable

# What any bank may call each column (folded). The bank layouts' own texts are added in __init__.
WORDS = {
    "date": ("ngay", "date", "ngay gd", "ngay giao dich", "ngay hach toan", "ngay hieu luc", "value date",
             "posting date", "transaction date", "ngay thuc hien", "thoi gian", "ngay ct", "ngay chung tu"),
    "description": ("noi dung", "dien giai", "mo ta", "description", "details", "narrative", "remark", "remarks",
                    "noi dung giao dich", "noi dung chuyen khoan", "ghi chu", "memo", "trich yeu", "content"),
    "reference": ("so but toan", "ma giao dich", "so tham chieu", "transaction no", "reference", "ref", "ref no",
                  "so chung tu", "ma gd", "so gd", "trace", "transaction id", "so giao dich", "so ct"),
    "debit": ("ghi no", "no", "debit", "tien ra", "rut", "withdrawal", "phat sinh no", "so tien ghi no", "chi",
              "so tien rut", "money out", "dr"),
    "credit": ("ghi co", "co", "credit", "tien vao", "nop", "deposit", "phat sinh co", "so tien ghi co", "thu",
               "so tien nop", "money in", "cr"),
    "amount": ("so tien", "amount", "so tien giao dich", "gia tri", "so tien gd", "gia tri giao dich"),
    "direction": ("loai", "loai giao dich", "type", "chieu", "no/co", "d/c", "dr/cr", "transaction type",
                  "loai gd", "thu/chi", "ghi no/co"),
    "balance": ("so du", "balance", "so du cuoi", "running balance", "so du sau giao dich", "so du tk"),
}

# A line without a date takes the one above (VietinBank prints a day's date once), and a reference
# printed under the date in its cell (Vietcombank) is kept when no column holds one.
LAYOUT = Layout(key="generic", label="Mẫu khác (tự chọn cột)", columns=WORDS, fill_down_date=True,
                reference_in_date=True)
_COLUMN_KEYS = ("date", "description", "reference", "balance", "amount", "direction", "debit", "credit")


def guess_mapping(rows: list[list], words: dict | None = None) -> dict:
    """The likeliest mapping from the header texts of the first rows: the row naming the most
    columns (a usable one first). Keys absent from the file are None; "header_row" is 1-based
    (None when no row names a date)."""
    words = words or WORDS
    best, best_key = None, (-1, -1)
    for n, row in enumerate(rows[:HEADER_SCAN]):
        found = match_header(row, words)
        key = (1 if usable(found) else 0, len(found))
        if "date" in found and key > best_key:
            best, best_key = (n, found), key
    mapping = {"header_row": None, **{k: None for k in _COLUMN_KEYS}}
    if best is None:
        return mapping
    n, found = best
    mapping["header_row"] = n + 1
    for k in _COLUMN_KEYS:
        mapping[k] = found.get(k)
    if mapping["debit"] is not None and mapping["credit"] is not None:
        mapping["amount"] = mapping["direction"] = None
    elif mapping["amount"] is not None:
        mapping["debit"] = mapping["credit"] = None
    return mapping


def _index(mapping: dict, key: str, required: bool, width: int):
    v = mapping.get(key)
    if v is None or v == "":
        if required:
            raise StatementError(f"Chưa chọn cột {_LABELS[key]}.", "mapping")
        return None
    try:
        i = int(v)
    except (TypeError, ValueError):
        raise StatementError(f"Cột {_LABELS[key]} không hợp lệ.", "mapping") from None
    if not 0 <= i < min(max(width, 1), MAX_COLUMNS):
        raise StatementError(f"Cột {_LABELS[key]} nằm ngoài bảng (tệp có {width} cột).", "mapping")
    return i


_LABELS = {"date": "Ngày", "description": "Nội dung", "reference": "Số tham chiếu", "balance": "Số dư",
           "amount": "Số tiền", "direction": "Loại (vào/ra)", "debit": "Ghi nợ (tiền ra)",
           "credit": "Ghi có (tiền vào)"}


def columns(rows: list[list], mapping: dict | None) -> Columns:
    """The user's mapping checked against the file: Columns to read it with."""
    if not isinstance(mapping, dict):
        raise StatementError("Mẫu khác: hãy chọn dòng tiêu đề và các cột Ngày, Số tiền, Nội dung.", "mapping")
    try:
        header = int(mapping.get("header_row"))
    except (TypeError, ValueError):
        raise StatementError("Chưa chọn dòng tiêu đề.", "mapping") from None
    if not 1 <= header <= min(len(rows), HEADER_SCAN * 2):
        raise StatementError(f"Dòng tiêu đề {header} không có trong tệp.", "mapping")
    width = max((len(r) for r in rows[:header + 50]), default=0)
    cols = Columns(header=header - 1, date=_index(mapping, "date", True, width),
                   description=_index(mapping, "description", True, width),
                   reference=_index(mapping, "reference", False, width),
                   balance=_index(mapping, "balance", False, width))
    if mapping.get("amount") not in (None, ""):
        cols.amount = _index(mapping, "amount", True, width)
        cols.direction = _index(mapping, "direction", False, width)
    elif mapping.get("debit") not in (None, "") or mapping.get("credit") not in (None, ""):
        cols.debit = _index(mapping, "debit", True, width)
        cols.credit = _index(mapping, "credit", True, width)
    else:
        raise StatementError("Chưa chọn cột Số tiền (hoặc hai cột Ghi nợ và Ghi có).", "mapping")
    used = [i for i in (cols.date, cols.description, cols.reference, cols.balance, cols.amount, cols.direction,
                        cols.debit, cols.credit) if i is not None]
    if len(used) != len(set(used)):
        raise StatementError("Một cột được chọn cho hai vai trò; mỗi cột chỉ chọn một lần.", "mapping")
    return cols


def preview(rows: list[list], count: int) -> list[list[str]]:
    """The first rows as text, all of one width (for the page where the user points at columns)."""
    out = [[text(v) for v in row] for row in rows[:max(count, 0)]]
    width = max((len(r) for r in out), default=0)
    return [r + [""] * (width - len(r)) for r in out]
