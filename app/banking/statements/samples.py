"""Statement files written in each bank's export layout, from plain lines: for the tests, the demo
("a demo statement can be imported") and the bench (10,000 lines).

A line is a ParsedLine, a dict with its field names, or a tuple
(date, amount, direction, description, reference="", balance=None); a missing balance is
computed from the opening balance. Each bank module's SAMPLE says how its bank writes the file:
title rows, header texts, rows under the header (a second header in English, an opening balance),
the role of each column (None: an empty column, what merged cells leave), how money and dates
look, the CSV's separator and encoding. The generic layout writes a plain English-headed sheet
with an amount and a C/D column.
"""
import csv
import io
import unicodedata
from datetime import date, datetime, time, timedelta

from app.core import clock

from . import agribank, bidv, mb, techcombank, vcb, vietinbank
from .base import ParsedLine
from .names import payer_name

SPECS = {m.LAYOUT.key: m.SAMPLE for m in (vcb, bidv, vietinbank, agribank, techcombank, mb)}
SPECS["generic"] = dict(
    title=[["Account transactions"], ["Account: {account}"], []],
    header=["Date", "Description", "Reference", "Amount", "Type", "Balance"],
    cells=["date", "description", "reference", "signed_plain", "direction", "balance"],
    money="plain", money_as_number=True, date_cell="date", footer=[],
    csv=dict(delimiter=",", encoding="utf-8"),
)


def _line(x) -> ParsedLine:
    if isinstance(x, ParsedLine):
        return x
    if isinstance(x, dict):
        return ParsedLine(row=0, **{k: v for k, v in x.items() if k != "row"})
    day, amount, direction, description, *rest = x
    return ParsedLine(row=0, txn_date=day, amount=amount, direction=direction, description=description,
                      reference=rest[0] if rest else "", balance=rest[1] if len(rest) > 1 else None)


def _money(n: int | None, style: str) -> str:
    if n is None:
        return ""
    sign = "-" if n < 0 else ""
    n = abs(n)
    if style == "dots":
        return sign + f"{n:,}".replace(",", ".")
    if style == "comma_decimals":
        return sign + f"{n:,}.00"
    if style == "plain":
        return sign + str(n)
    return sign + f"{n:,}"


def sample_statement(layout: str, lines, *, account_number: str = "0071000123456", opening_balance: int = 0,
                     fmt: str = "xlsx", account_name: str = "HOI KHUYEN HOC XA TAN PHU",
                     date_from: date | None = None, date_to: date | None = None,
                     delimiter: str | None = None, encoding: str | None = None,
                     inline_strings: bool = False) -> bytes:
    """The bytes of a statement file in `layout` ("vcb", ..., "generic"), as .xlsx or .csv. The
    .xlsx keeps its text in a shared-string table as Excel does (inline_strings: in the cells, as
    some banks' generators and streaming writers do)."""
    spec = SPECS[layout]
    lines = [_line(x) for x in lines]
    balance, total_in, total_out = opening_balance, 0, 0
    for ln in lines:
        signed = ln.amount if ln.direction == "in" else -ln.amount
        balance += signed
        total_in += ln.amount if ln.direction == "in" else 0
        total_out += ln.amount if ln.direction == "out" else 0
        if ln.balance is None:
            ln.balance = balance
        else:
            balance = ln.balance
    days = [ln.txn_date for ln in lines] or [clock.today()]
    as_xlsx = fmt == "xlsx"
    style = spec["money"]
    numbers = as_xlsx and spec["money_as_number"]
    values = {"account": account_number, "name": account_name,
              "date_from": (date_from or min(days)).strftime("%d/%m/%Y"),
              "date_to": (date_to or max(days)).strftime("%d/%m/%Y"),
              "opening": opening_balance, "closing": balance, "total_debit": total_out, "total_credit": total_in,
              "total_net": total_in - total_out}
    money_keys = {"opening", "closing", "total_debit", "total_credit", "total_net"}

    def fill(template_rows):
        out = []
        for row in template_rows:
            cells = []
            for cell in row:
                key = cell[1:-1] if cell.startswith("{") and cell.endswith("}") else None
                if key in money_keys:
                    cells.append(values[key] if numbers else _money(values[key], style))
                else:
                    cells.append(cell.format(**{k: _money(v, style) if k in money_keys else v
                                                for k, v in values.items()}))
            out.append(cells)
        return out

    rows = fill(spec["title"]) + [list(spec["header"])] + fill(spec.get("table_head", []))
    previous = None
    for i, ln in enumerate(lines):
        rows.append([_cell(role, i, ln, spec, as_xlsx, numbers, previous) if role else ""
                     for role in spec["cells"]])
        previous = ln.txn_date
    rows += fill(spec["footer"])
    if as_xlsx:
        return _xlsx(rows, inline_strings)
    return _csv(rows, delimiter or spec["csv"]["delimiter"], encoding or spec["csv"]["encoding"])


def _cell(role: str, i: int, ln: ParsedLine, spec: dict, as_xlsx: bool, numbers: bool, previous):
    style = spec["money"]
    moment = datetime.combine(ln.txn_date, time(8)) + timedelta(seconds=37 * i % 36000)
    signed = ln.amount if ln.direction == "in" else -ln.amount
    if role == "stt":
        return i + 1 if as_xlsx else str(i + 1)
    if role == "date":
        if spec.get("fill_down") and previous == ln.txn_date:
            return ""
        return ln.txn_date if as_xlsx else ln.txn_date.strftime("%d/%m/%Y")
    if role == "date_ref":
        return f"{ln.txn_date:%d/%m/%Y}\n{ln.reference}" if ln.reference else f"{ln.txn_date:%d/%m/%Y}"
    if role == "datetime_text":
        return moment.strftime("%d/%m/%Y %H:%M:%S")
    if role == "datetime":
        return moment if as_xlsx else moment.strftime("%d/%m/%Y %H:%M:%S")
    if role in ("debit", "credit"):
        if (role == "credit") != (ln.direction == "in"):
            return ""
        return ln.amount if numbers else _money(ln.amount, style)
    if role == "signed":
        return signed if numbers else ("+" if signed > 0 else "") + _money(signed, style)
    if role == "signed_plain":
        return abs(signed) if numbers else str(abs(signed))
    if role == "direction":
        return "C" if ln.direction == "in" else "D"
    if role == "balance":
        return ln.balance if numbers else _money(ln.balance, style)
    if role == "remitter":
        return payer_name(ln.description).upper() if ln.direction == "in" else ""
    if role == "remitter_bank":
        return "VCB" if ln.direction == "in" and payer_name(ln.description) else ""
    return getattr(ln, role)


def _xlsx(rows: list[list], inline_strings: bool) -> bytes:
    import xlsxwriter  # heavy: only tests, the demo and the bench write samples

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": inline_strings, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("Sao ke")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    moment = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    money = wb.add_format({"num_format": "#,##0"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, moment)
            elif isinstance(v, date):
                ws.write_datetime(r, c, datetime.combine(v, time()), day)
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v, money)
            else:
                ws.write_string(r, c, str(v))
    wb.close()
    return buf.getvalue()


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(s: str) -> str:
    """Text as Windows-1258 holds it: a base letter (ê, ơ, ư, ă, â, ô, đ are single bytes) followed
    by a combining tone mark (the code page has no precomposed toned letters)."""
    out = []
    for ch in s:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tones = "".join(x for x in d if x in _TONES)
            out.append(unicodedata.normalize("NFC", "".join(x for x in d if x not in _TONES)) + tones)
    return "".join(out)


def _csv(rows: list[list], delimiter: str, encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    out = buf.getvalue()
    if encoding.lower() in ("cp1258", "windows-1258"):
        out = _cp1258(out)
    return out.encode(encoding)
