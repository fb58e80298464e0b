"""Bad values for each kind of form field, bad files for uploads, and how a clear refusal looks."""
from __future__ import annotations

import io
import re
import zipfile

from tests.proofs import support as S
from tests.proofs import swaps
from tests.proofs.report import size

HUGE_BODY = 10 * 1024 * 1024  # above MAX_CONTENT_LENGTH (8 MB): refused before any view runs
# Below it: reaches the form, which must refuse it (the reduced size sends a quarter, encoding takes time).
BIG_TEXT = size(256 * 1024, 1024 * 1024)
TWENTY = "12345678901234567890"

# kind -> [(label, value)]: each must be refused with a message and nothing written
REFUSE = {
    "money": [("negative money", "-500.000"), ("20-digit money", TWENTY), ("money in words", "năm trăm nghìn"),
              ("decimal comma", "1,5")],
    "date": [("31/02 as ISO", "2026-02-31"), ("31/02/2026", "31/02/2026"), ("date in words", "hôm qua")],
    "number": [("number in words", "mười"), ("20-digit number", TWENTY), ("20-digit negative", "-" + TWENTY)],
    # Goods quantities ("10", "2,5"): a decimal keypad box, at most 2 decimals, above zero.
    "quantity": [("negative quantity", "-5"), ("quantity in words", "mười"), ("20-digit quantity", TWENTY),
                 ("zero quantity", "0"), ("three decimals", "2,125")],
    "select": [("choice not offered", "999999999"), ("markup as a choice", "<b>x</b>"), ("20-digit choice", TWENTY)],
    "key": [("forged double-submit key", "khong-hop-le")],
    "multi": [("id list in words", "mot"), ("20-digit id in a list", TWENTY)],
}
# Values that may be accepted (made harmless) but must never break the request.
TOLERATE = {"text": [("NUL byte", "Nguyễn\x00Văn"), ("control characters", "Lê\x07Thị\x1bHoa\x7f")],
            # Hidden ids a page fills in (a picked record): a tampered one may read as "none picked".
            "id": [("id in words", "mot"), ("20-digit id", TWENTY), ("negative id", "-1")]}


def kind_of(f: S.Field) -> str | None:
    name = f.name
    if f.type == "file":
        return "file"
    if f.tag == "select":
        return "multi" if f.type == "multiple" else "select"
    if f.type == "checkbox":
        return "multi" if name in swaps.FIELDS else None
    if f.type == "hidden":
        if name == "idem_key":
            return "key"
        if name in swaps.FIELDS or name.endswith("_id"):
            return "id"
        return None
    if f.type == "date":
        return "date"
    if f.type == "number":
        return "number"
    if f.attrs.get("inputmode") == "numeric" and f.type == "text":
        return "money"
    if f.attrs.get("inputmode") == "decimal" and f.type == "text":
        return "quantity"
    if f.type == "password":
        return None
    if f.is_text:
        return "text"
    return None


_ROW = re.compile(r"^(rows-\d+-|p\d+-)")


def _blank_row(sub, name: str) -> bool:
    """A field of a table row the submission leaves empty: the route skips such rows whatever they hold."""
    m = _ROW.match(name)
    if not m:
        return False
    row = [k for k in sub.data if k.startswith(m.group(1))]
    texts = {f.name for f in sub.form.fields if f.is_text}
    return not any(sub.data[k][0] for k in row if k in texts)


def field_cases(sub, every: bool) -> list[tuple[str, dict]]:
    """(what, overrides) for the submission's fields; reduced size picks one value per field in turn."""
    out = []
    turn = 0
    for f in sub.form.fields:
        if f.name not in sub.data and f.type != "checkbox":
            continue
        if f.name in sub.spec.ignores or _blank_row(sub, f.name):
            continue
        kind = kind_of(f)
        values = list(REFUSE.get(kind, []))
        if kind == "text" and f.maxlength:
            values.append(("longer than allowed", "ắ" * (f.maxlength + 1)))
        if kind in ("select", "text", "date", "money", "number", "quantity") and f.required:
            values.append(("empty required field", ""))
        if not values:
            continue
        chosen = values if every else [values[turn % len(values)]]
        turn += 1
        out += [(f"{f.name}: {label}", {f.name: value}) for label, value in chosen]
    return out


def _texts(sub, kinds) -> list[S.Field]:
    return [f for f in sub.text_fields if kind_of(f) in kinds and not _blank_row(sub, f.name)
            and f.name not in sub.spec.ignores]


def tolerated_cases(sub, every: bool) -> list[tuple[str, dict]]:
    texts = _texts(sub, ("text",))
    chosen = texts if every else texts[:1]
    out = [(f"{f.name}: {label}", {f.name: value}) for f in chosen for label, value in TOLERATE["text"]]
    ids = [f for f in sub.form.fields if kind_of(f) == "id" and f.name in sub.data]
    values = TOLERATE["id"] if every else TOLERATE["id"][1:2]  # reduced: the 20-digit id, the one that broke
    out += [(f"{f.name}: {label}", {f.name: value}) for f in ids for label, value in values]
    return out


def big_text_cases(sub, every: bool) -> list[tuple[str, dict]]:
    texts = _texts(sub, ("text", "money", "quantity"))
    chosen = texts if every else texts[:1]
    return [(f"{f.name}: {BIG_TEXT // 1024} KB of text", {f.name: "Nguyễn Văn An " * (BIG_TEXT // 14)})
            for f in chosen]


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------

def zip_bomb() -> bytes:
    """A small .xlsx-looking zip whose sheet expands to 100 MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"0" * (1024 * 1024)
            for _ in range(100):
                part.write(chunk)
    return buf.getvalue()


def not_xlsx_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ghi-chu.txt", "Đây là một tệp nén, không phải bảng tính.")
    return buf.getvalue()


def many_rows_xlsx(rows: int = 100_000) -> bytes:
    """A real .xlsx with `rows` data rows, written part by part (openpyxl would take a minute)."""
    buf = io.BytesIO()
    sheet = io.StringIO()
    sheet.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<dimension ref="A1:F{rows + 1}"/><sheetData>')
    sheet.write('<row r="1"><c r="A1" t="inlineStr"><is><t>Ngày</t></is></c>'
                '<c r="B1" t="inlineStr"><is><t>Họ tên người đóng góp</t></is></c></row>')
    for i in range(2, rows + 2):
        sheet.write(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>05/03/2026</t></is></c>'
                    f'<c r="B{i}" t="inlineStr"><is><t>Người thứ {i * 7919 % 1000003}</t></is></c>'
                    f'<c r="F{i}"><v>{(i * 104729) % 9000000 + 1000}</v></c></row>')
    sheet.write("</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook'
        '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
        '.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


def file_cases() -> list[tuple[str, tuple[bytes, str]]]:
    return [("a text file named .xlsx", ("Họ tên;Số tiền\nAn;100000\n".encode(), "danh-sach.xlsx")),
            ("a zip that is not a spreadsheet", (not_xlsx_zip(), "danh-sach.xlsx")),
            ("a zip bomb (100 MB of zeros)", (zip_bomb(), "bom.xlsx")),
            ("a 100,000-row spreadsheet", (many_rows_xlsx(), "100000-dong.xlsx")),
            ("an empty file", (b"", "trong.xlsx")),
            ("a PDF", (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "danh-sach.xlsx"))]


# ---------------------------------------------------------------------------------------------
# What a clear refusal looks like
# ---------------------------------------------------------------------------------------------

_ERROR = re.compile(r'class="(?:[^"]* )?(?:error|error-box|flash error)(?: [^"]*)?"|<main id="main">\s*<div[^>]*>\s*'
                    r'<h1>|role="alert"')
_ENGLISH = re.compile(r"Not a valid|This field|Invalid (?:input|value|choice|CSRF)|is required|must be|"
                      r"Field must|could not coerce|Traceback|Internal Server Error|Bad Request|Request Entity")
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def message_problem(client, resp) -> str:
    """"" when the answer shows a Vietnamese message about the refusal, else what is wrong."""
    if resp.status_code >= 500:
        return f"answered {resp.status_code}"
    body = resp.get_data(as_text=True)
    if S.location(resp) and resp.status_code in (200, 302, 303):
        body = client.get(S.location(resp)).get_data(as_text=True)
    if _ENGLISH.search(body):
        return f"English or raw error text: {_ENGLISH.search(body).group(0)!r}"
    if resp.status_code in (400, 403, 404, 405, 413, 429):
        return "" if _VIETNAMESE.search(body) else f"{resp.status_code} page without a Vietnamese message"
    if not _ERROR.search(body):
        return f"{resp.status_code} without an error message"
    return ""
