"""The engine every layout shares: find the header row, name its columns, read the lines below it,
skip the summary rows, and read what the rows above and below say (account, period, balances).

A layout (one module per bank) is data: the header texts its bank writes for each role, folded
(no diacritics, lower case), and a few switches. A header cell matches a role when the cell, or one
of its parts split at a line break, "/" or "(", is one of the role's texts: banks write bilingual
headers ("Ngày giao dịch\\nTransaction Date", "Nợ/Debit", "Số dư (VND)").
"""
import re
from dataclasses import dataclass, field
from datetime import date

from app.vn.money import format_number
from app.vn.text import fold

from .base import ParsedLine, ParsedStatement
from .sheet import MAX_LINES, AmountError, StatementError, after_date, text, to_date, to_signed

# The header row sits in the first rows, under the logo, title, address and account rows (row 34 in
# a Techcombank export).
HEADER_SCAN = 60
ROLES = ("date", "description", "reference", "debit", "credit", "amount", "direction", "balance")


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    columns: dict  # role -> tuple of folded header texts
    markers: tuple = ()  # folded texts in the title rows that name the bank
    fill_down_date: bool = False  # a line without a date belongs to the date above (VietinBank)
    reference_in_date: bool = False  # "31/10/2023\n5243.65937": the reference under the date (VCB)


@dataclass
class Columns:
    """Where each role is (0-based column indexes), and the header row (0-based)."""
    header: int
    date: int
    description: int | None = None
    reference: int | None = None
    debit: int | None = None
    credit: int | None = None
    amount: int | None = None
    direction: int | None = None
    balance: int | None = None
    extra: dict = field(default_factory=dict)


def parts(cell) -> set[str]:
    """The folded texts a header cell can be matched by: itself and its bilingual parts."""
    s = fold(text(cell)).strip(" :.*")
    if not s or not isinstance(cell, str) or len(s) > 80:
        return set()
    out = {s}
    for piece in re.split(r"[\r\n/|()\[\]]+", cell):
        piece = fold(piece).strip(" :.*-")
        if piece:
            out.add(piece)
    return out


# A row number column ("STT / No.") is never a role, though "no" (nợ) is a debit header.
_IGNORED = {"stt", "so tt", "no.", "#", "seq", "s/n", "so thu tu"}


def match_header(row: list, columns: dict) -> dict:
    """role -> column index for the cells of `row` that name a role (first match wins)."""
    found = {}
    roles = [r for r in ROLES if r in columns] + [r for r in columns if r not in ROLES]
    for i, cell in enumerate(row):
        names = parts(cell)
        if not names or names & _IGNORED:
            continue
        for role in roles:
            if role not in found and names & set(columns[role]):
                found[role] = i
                break
        else:  # "Ngày giao dịch Transaction Date": a bilingual header whose line break was lost
            whole = max(names, key=len)
            for role in roles:
                if role not in found and any(len(w) >= 5 and (whole.startswith(w + " ") or whole.endswith(" " + w))
                                             for w in columns[role]):
                    found[role] = i
                    break
    return found


def usable(found: dict) -> bool:
    """A header row needs a date and a way to read the amount and its direction."""
    return "date" in found and ("amount" in found or ("debit" in found and "credit" in found))


def find_header(rows: list[list], columns: dict) -> tuple[int, dict] | None:
    """The first usable header row among the first HEADER_SCAN rows: (row index, role -> column)."""
    for n, row in enumerate(rows[:HEADER_SCAN]):
        found = match_header(row, columns)
        if usable(found):
            return n, found
    return None


def columns_of(header: int, found: dict) -> Columns:
    return Columns(header=header, **{role: found.get(role) for role in ROLES},
                   extra={k: v for k, v in found.items() if k not in ROLES})


# --- the lines -----------------------------------------------------------------------------------

_OPENING = ("so du dau ky", "so du dau", "du dau ky", "du dau", "opening balance", "beginning balance",
            "so du ky truoc", "previous balance")
_CLOSING = ("so du cuoi ky", "so du cuoi", "du cuoi ky", "du cuoi", "closing balance", "ending balance",
            "so du cuoi ngay")
# A total is a cell that is nothing but its label ("Tổng cộng", "Tổng số/Total", "Cộng phát sinh:",
# "Tổng ghi có (VND)"), so a description such as "Cong ty TNHH ..." or "Total Payment from ..." on a
# line whose date is blank (VietinBank prints a day's date once) is never taken for one.
_TOTAL = re.compile(r"^(tong cong|tong so tien|tong so|tong phat sinh|cong phat sinh|tong ghi no|tong ghi co|"
                    r"tong tien|tong|cong|total|grand total|sub total|subtotal|ket thuc sao ke|end of statement|"
                    r"so giao dich|number of transactions)\s*([:/(-].*)?$")
_BALANCE_LABELS = _OPENING + _CLOSING
_IN_WORDS = {"c", "cr", "co", "ghi co", "credit", "in", "+", "tien vao", "nhan", "thu", "vao"}
_OUT_WORDS = {"d", "dr", "no", "ghi no", "debit", "out", "-", "tien ra", "chuyen", "chi", "ra"}
_IN_STARTS = ("ghi co", "credit", "tien vao", "co (", "c (", "cr ", "nhan tien", "thu ")  # "Ghi có (+)", "Credit/Có"
_OUT_STARTS = ("ghi no", "debit", "tien ra", "no (", "d (", "dr ", "chuyen tien", "chi ")


def _cell(row: list, i: int | None):
    return row[i] if i is not None and i < len(row) else None


def _amount(row: list, i: int | None, n: int) -> int | None:
    v = _cell(row, i)
    try:
        return to_signed(v)
    except AmountError:
        raise StatementError(f"Dòng {n}: số tiền “{_short(v)}” không đọc được.") from None


def _short(v) -> str:
    """A cell's text for a message: long values cut (a broken CSV can put a whole file in one cell)."""
    s = text(v)
    return s if len(s) <= 30 else s[:30] + "…"


def _is_summary(row: list) -> bool:
    """A total or a stated balance: a row of the table that is not a line."""
    for v in row:
        if isinstance(v, str) and v.strip():
            s = fold(v)
            if _TOTAL.match(s) or any(s.startswith(label) for label in _BALANCE_LABELS):
                return True
    return False


def read_lines(rows: list[list], cols: Columns, layout: Layout, summaries: list | None = None) -> list[ParsedLine]:
    """The statement's lines below the header row, in file order. The summary rows met (a
    balance or a total inside or under the table) are appended to `summaries`."""
    lines, last_date, last_idx = [], None, -1
    for idx in range(cols.header + 1, len(rows)):
        row, n = rows[idx], idx + 1
        if not any(v is not None and text(v) for v in row):
            continue
        raw_date = _cell(row, cols.date)
        day = to_date(raw_date)
        if day is None and _is_summary(row):
            if summaries is not None:
                summaries.append(row)
            continue  # a total or a balance
        if day is None and "date" in match_header(row, layout.columns):
            continue  # the header repeated on a printed page
        signed = _signed_amount(row, cols, n)
        if signed is None or signed == 0:
            if day is None and last_idx == idx - 1 and _continues(row, cols):
                lines[-1].description = f"{lines[-1].description} {text(row[cols.description])}".strip()
                last_idx = idx
            continue  # a title, a note, a total without a date, or a line of 0 đ
        if day is None:
            if text(raw_date) == "" and layout.fill_down_date and last_date is not None:
                day = last_date
            elif text(raw_date) == "":
                raise StatementError(f"Dòng {n}: thiếu ngày giao dịch.")
            else:
                raise StatementError(f"Dòng {n}: ngày “{_short(raw_date)}” không đọc được "
                                     "(cần dạng ngày/tháng/năm, ví dụ 05/10/2026).")
        last_date = day
        reference = text(_cell(row, cols.reference))
        if not reference and layout.reference_in_date:
            reference = after_date(raw_date)
        balance = _amount(row, cols.balance, n)
        lines.append(ParsedLine(
            row=n, txn_date=day, amount=abs(signed), direction="in" if signed > 0 else "out",
            description=text(_cell(row, cols.description)), reference=reference, balance=balance,
            counterparty=text(_cell(row, cols.extra.get("remitter")))))
        last_idx = idx
        if len(lines) > MAX_LINES:
            raise StatementError(f"Sao kê có quá nhiều giao dịch (tối đa {format_number(MAX_LINES)} một lần). "
                                 "Vui lòng xuất sao kê theo từng tháng.")
    return lines


def _continues(row: list, cols: Columns) -> bool:
    """A row holding only more of the description above (a long narrative wrapped onto the next row)."""
    if cols.description is None or not text(_cell(row, cols.description)):
        return False
    return all(i == cols.description or v is None or text(v) == "" for i, v in enumerate(row))


def _signed_amount(row: list, cols: Columns, n: int) -> int | None:
    """Money in positive, money out negative; None when the row has no amount."""
    if cols.amount is not None:
        value = _amount(row, cols.amount, n)
        if value is None or cols.direction is None:
            return value
        word = fold(text(_cell(row, cols.direction))).strip(" .:")
        if word in _IN_WORDS or word.startswith(_IN_STARTS):
            return abs(value)
        if word in _OUT_WORDS or word.startswith(_OUT_STARTS):
            return -abs(value)
        raise StatementError(f"Dòng {n}: không rõ tiền vào hay ra (“{_short(_cell(row, cols.direction))}”).")
    debit, credit = _amount(row, cols.debit, n) or 0, _amount(row, cols.credit, n) or 0
    if debit and credit:
        raise StatementError(f"Dòng {n}: có cả số ghi nợ và số ghi có; mỗi dòng sao kê chỉ có một.")
    if debit < 0 or credit < 0:  # a debit column written negative ("-200,000") is still money out
        return -abs(debit) if debit else abs(credit)
    return credit or -debit or None


# --- what the title and summary rows say ---------------------------------------------------------

_ACCOUNT_LABELS = ("so tai khoan", "tai khoan", "account number", "account no", "so tk", "stk", "acc no", "account")
_DIGITS = re.compile(r"\d[\d\s.-]{4,24}\d")
_PERIOD_LABELS = ("tu ngay", "from", "ky sao ke", "thoi gian", "period", "den ngay")
_DATES = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"[-+(]?\d[\d.,\s]*\d\)?-?|\d")


def read_info(rows: list[list], cols: Columns, statement: ParsedStatement, summaries: list | None = None) -> None:
    """Account number, period and opening/closing balance from the rows above the table and the
    summary rows inside and under it (what read_lines put in `summaries`)."""
    for row in rows[:cols.header]:
        _account(row, statement)
        _period(row, statement)
        _balance(row, statement, _OPENING, "opening_balance")
        _balance(row, statement, _CLOSING, "closing_balance")
    for row in summaries or ():
        _balance(row, statement, _CLOSING, "closing_balance")
        _balance(row, statement, _OPENING, "opening_balance")


def _account(row: list, st: ParsedStatement) -> None:
    if st.account_number:
        return
    folded = fold(" ".join(text(v) for v in row if v is not None))
    if re.search(r"\b(cu|old)\b", folded):  # BIDV also prints the account's former number ("Số tài khoản cũ")
        return
    for label in _ACCOUNT_LABELS:
        at = folded.find(label)
        if at < 0 or re.search(r"\b(chu|ten|loai|name|holder)\W*$", folded[:at]):
            continue  # "Chủ tài khoản: ... CMND 0123456789" is a name, not the account
        m = _DIGITS.search(folded[at + len(label):])
        if m:
            digits = re.sub(r"\D", "", m.group())
            if 6 <= len(digits) <= 20:
                st.account_number = digits
                return


def _period(row: list, st: ParsedStatement) -> None:
    """"Từ ngày 01/10/2026 đến ngày 31/10/2026" on one row, or "Từ ngày" and "Đến ngày" on two."""
    joined = " ".join(text(v) for v in row if v is not None)
    folded = fold(joined)
    if not any(label in folded for label in _PERIOD_LABELS) and not re.search(r"\bto\b", folded):
        return
    found = [d for d in (to_date(x) for x in _DATES.findall(joined)) if d]
    if len(found) >= 2:
        st.date_from = st.date_from or found[0]
        st.date_to = st.date_to or found[1]
    elif len(found) == 1:
        if "den ngay" in folded or re.search(r"\bto\b", folded):
            st.date_to = st.date_to or found[0]
        else:
            st.date_from = st.date_from or found[0]


def _balance(row: list, st: ParsedStatement, labels: tuple, attr: str) -> None:
    if getattr(st, attr) is not None:
        return
    for i, v in enumerate(row):
        if not isinstance(v, str):
            continue
        s = fold(v)
        if not any(label in s for label in labels) or (attr == "opening_balance" and "cuoi" in s):
            continue
        # the amount: in the same cell after the label's colon, else the first number to its right
        # (a footer may go on "| Tổng ghi nợ | ... | Số dư cuối kỳ | ..." on the same row)
        tail = v.split(":", 1)[1] if ":" in v else ""
        value = next((a for a in map(_try_amount, _NUMBER.findall(tail)) if a is not None), None)
        # then to its left (a balance row inside the table: "| | | | 5.000.000 | Số dư đầu kỳ")
        for w in (row[i + 1:] + row[i - 1::-1] if i else row[i + 1:]) if value is None else ():
            if w is None or text(w) == "" or to_date(w) is not None and not isinstance(w, (int, float)):
                continue
            value = _try_amount(w)
            if value is not None:
                break
        if value is not None:
            setattr(st, attr, value)
            return


def _try_amount(v) -> int | None:
    try:
        return to_signed(v.strip() if isinstance(v, str) else v)
    except AmountError:
        return None


def derive_balances(st: ParsedStatement) -> None:
    """Opening/closing balance from the running balance when the file does not state them: the
    first line's balance before it, the last line's after it (lines oldest first), or the
    reverse when the file lists the newest first (the running balance tells which)."""
    with_balance = [ln for ln in st.lines if ln.balance is not None]
    if not with_balance:
        return
    first, last = st.lines[0], st.lines[-1]
    if first.balance is None or last.balance is None:
        return
    newest_first = len(st.lines) > 1 and _chain(st.lines[::-1]) and not _chain(st.lines)
    if newest_first:
        first, last = last, first
    signed = first.amount if first.direction == "in" else -first.amount
    if st.opening_balance is None:
        st.opening_balance = first.balance - signed
    if st.closing_balance is None:
        st.closing_balance = last.balance


def _chain(lines) -> bool:
    """True when each line's balance is the previous one's plus its amount (file order)."""
    prev = None
    for ln in lines[:50]:
        if ln.balance is None:
            return False
        if prev is not None and prev.balance + (ln.amount if ln.direction == "in" else -ln.amount) != ln.balance:
            return False
        prev = ln
    return True


def derive_period(st: ParsedStatement) -> None:
    if st.date_from is None and st.lines:
        days: list[date] = [ln.txn_date for ln in st.lines]
        st.date_from, st.date_to = min(days), max(days)
