"""Hand-built .xlsx uploads crafted for memory amplification (issue 15, finding 1).

Each builder returns the bytes of a workbook small enough to upload (a few hundred KB at most,
under the 8 MB request limit and the zip-bomb ratio check) whose parsing would cost far more memory
than its size: a declared dimension that pads every row to 16,384 columns, a huge shared-string
table, a huge stylesheet, thousands of sheets, deeply nested or countless XML elements, rows beyond
the cap, cells far beyond the template's columns. Used by tests/core/test_xlsx_amplification.py and
by the proof tests/proofs/test_upload_amplification_proof.py.

`scale` shrinks a builder for the quick tests (1 = the size that hurts).
"""
from __future__ import annotations

import io
import random
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _noise(n: int, rnd: random.Random) -> bytes:
    """A comment of n random letters: keeps a repetitive part under the reader's 200:1 ratio check."""
    return b"<!--" + bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(n)) + b"-->"


def sprinkle(chunks, every: int = 40, seed: int = 1) -> bytes:
    """Join `chunks` with a short random comment after every `every`-th one (ratio about 50:1)."""
    rnd = random.Random(seed)
    out = []
    for i, c in enumerate(chunks):
        out.append(c)
        if i % every == every - 1:
            out.append(_noise(6, rnd))
    return b"".join(out)


def cell_ref(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def sheet_xml(rows: bytes, dimension: str = "", before: bytes = b"") -> bytes:
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return (DECL + f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'.encode() + dim + before
            + b"<sheetData>" + rows + b"</sheetData></worksheet>")


def plain_rows(n: int, width: int = 2, start: int = 1) -> bytes:
    """n rows of `width` numbers, each row and cell with its reference, as Excel writes them."""
    out = []
    for r in range(start, start + n):
        cells = b"".join(f'<c r="{cell_ref(c, r)}"><v>{r * 100 + c}</v></c>'.encode() for c in range(1, width + 1))
        out.append(f'<row r="{r}">'.encode() + cells + b"</row>")
    return b"".join(out)


def package(sheets: list[bytes] | None = None, *, shared: bytes | None = None, styles: bytes | None = None,
            sheet_count: int = 0, workbook_extra: bytes = b"", stored: tuple[str, ...] = ()) -> bytes:
    """A minimal workbook. `sheets` are the worksheet parts; `sheet_count` > len(sheets) lists that
    many sheets in workbook.xml, the extra ones all pointing at the first part (openpyxl makes an
    object for each). Parts named in `stored` are stored uncompressed."""
    sheets = sheets or [sheet_xml(plain_rows(2))]
    count = max(sheet_count, len(sheets))
    ct = [f'<Types xmlns="{CT}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
          f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          f'spreadsheetml.sheet.main+xml"/>']
    for i in range(len(sheets)):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{SHEET_CT}"/>')
    if shared is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.sharedStrings+xml"/>')
    if styles is not None:
        ct.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.styles+xml"/>')
    ct.append("</Types>")
    wb_sheets = b"".join(f'<sheet name="S{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'.encode()
                         for i in range(count))
    workbook = (DECL + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'.encode() + wb_sheets + b"</sheets>"
                + workbook_extra + b"</workbook>")
    rels = [f'<Relationships xmlns="{PKG}">']
    for i in range(count):
        target = f"worksheets/sheet{i + 1 if i < len(sheets) else 1}.xml"
        rels.append(f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" Target="{target}"/>')
    if shared is not None:
        rels.append(f'<Relationship Id="rS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        rels.append(f'<Relationship Id="rT" Type="{REL}/styles" Target="styles.xml"/>')
    rels.append("</Relationships>")
    parts = {
        "[Content_Types].xml": DECL + "".join(ct).encode(),
        "_rels/.rels": DECL + (f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
                               f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": DECL + "".join(rels).encode(),
    }
    for i, s in enumerate(sheets):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = s
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    if styles is not None:
        parts["xl/styles.xml"] = styles
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- the crafted uploads -------------------------------------------------------------------------

def declared_dimension(scale: float = 1) -> bytes:
    """The finding itself: 5,000 two-cell rows under <dimension ref="A1:XFD5001"/> (about 30 KB)."""
    n = max(int(5000 * scale), 2)
    return package([sheet_xml(plain_rows(n), dimension=f"A1:XFD{n + 1}")])


def wide_rows(scale: float = 1) -> bytes:
    """Rows whose cells really run far past the template (200 columns each)."""
    n = max(int(1000 * scale), 2)
    return package([sheet_xml(plain_rows(n, width=200))])


def many_rows(scale: float = 1) -> bytes:
    """Far more rows than any import takes (200,000 one-cell rows; the cap is 5,000)."""
    n = max(int(200_000 * scale), 6000)
    return package([sheet_xml(plain_rows(n, width=1))])


def far_row(scale: float = 1) -> bytes:
    """One cell at the sheet's last row: a reader that fills the gap makes a million empty rows."""
    return package([sheet_xml(plain_rows(2) + b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')])


def shared_strings(scale: float = 1) -> bytes:
    """A shared-string table of 1.5 million distinct short strings."""
    n = max(int(1_500_000 * scale), 1000)
    body = sprinkle(f"<si><t>{i:x}</t></si>".encode() for i in range(n))
    sst = DECL + f'<sst xmlns="{MAIN}" count="{n}" uniqueCount="{n}">'.encode() + body + b"</sst>"
    rows = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return package([sheet_xml(rows)], shared=sst)


def long_string(scale: float = 1) -> bytes:
    """One cell holding 24 million characters (Excel's limit is 32,767) with a character outside
    Latin-1, so the string costs four bytes a character."""
    n = max(int(24_000_000 * scale), 100_000)
    text = sprinkle((b"x" * 997 for _ in range(n // 1000)), every=1) + "😀".encode()
    rows = b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + text + b"</t></is></c></row>"
    return package([sheet_xml(rows)])


def long_attribute(scale: float = 1) -> bytes:
    """A row with one 20-million-character attribute (expat holds a whole tag before any check)."""
    n = max(int(20_000_000 * scale), 300_000)
    value = sprinkle((b"x" * 997 for _ in range(n // 1000)), every=1)
    value = value.replace(b"<!--", b"&#x1F600;").replace(b"-->", b"")  # no comments in a value
    rows = b'<row r="1" x="' + value + b'"><c r="A1"><v>1</v></c></row>'
    return package([sheet_xml(rows)])


def styles(scale: float = 1) -> bytes:
    """A stylesheet with 70,000 cell formats (each an object in openpyxl), 3.6 MB unzipped."""
    n = max(int(70_000 * scale), 1000)
    xfs = sprinkle(f'<xf numFmtId="{i % 50}" fontId="0" fillId="0" borderId="0"/>'.encode() for i in range(n))
    xml = (DECL + f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
           f'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
           f'<cellXfs count="{n}">'.encode() + xfs + b"</cellXfs></styleSheet>")
    return package(styles=xml)


def many_sheets(scale: float = 1) -> bytes:
    """A workbook listing 20,000 sheets (all pointing at one small part)."""
    return package(sheet_count=max(int(20_000 * scale), 600))


def deep_xml(scale: float = 1) -> bytes:
    """A sheet whose first row holds 2 million nested elements."""
    n = max(int(2_000_000 * scale), 10_000)
    rnd = random.Random(3)
    opens = b"".join(b"<x>" + (_noise(4, rnd) if i % 40 == 0 else b"") for i in range(n))
    rows = b'<row r="1"><c r="A1"><v>1</v></c>' + opens + b"</x>" * n + b"</row>"
    return package([sheet_xml(rows)])


def many_elements(scale: float = 1) -> bytes:
    """Three million empty elements beside sheetData: a streaming reader keeps every one."""
    n = max(int(3_000_000 * scale), 10_000)
    junk = sprinkle((b"<x/>" for _ in range(n)), every=60)
    return package([sheet_xml(plain_rows(2), before=junk)])


CRAFTED = {
    "declared dimension A1:XFD5001": declared_dimension,
    "cells far past the template": wide_rows,
    "200,000 rows": many_rows,
    "a cell on row 1,048,576": far_row,
    "1.5 million shared strings": shared_strings,
    "a 24-million-character cell": long_string,
    "a 20-million-character attribute": long_attribute,
    "70,000 cell styles": styles,
    "20,000 sheets": many_sheets,
    "2 million nested elements": deep_xml,
    "3 million elements beside the rows": many_elements,
}


def near_caps(scale: float = 1) -> bytes:
    """The biggest ordinary upload the reader takes: 5,000 rows of 13 Vietnamese text cells of about
    200 characters (the rows kept are about 30 MB, under the reader's cap)."""
    n = max(int(5000 * scale), 10)
    rnd = random.Random(5)
    words = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Văn", "Thị", "Ánh", "Tuyết", "ấp", "Tân", "Lộc", "khuyến",
             "học", "gia", "đình", "khó", "khăn", "mồ", "côi", "đỗ", "đạt", "xuất", "sắc", "trường", "lớp"]

    def text():
        return " ".join(rnd.choice(words) for _ in range(45))[:200].replace("&", "")

    out = []
    for r in range(1, n + 2):
        cells = "".join(f'<c r="{cell_ref(c, r)}" t="inlineStr"><is><t>{text()}</t></is></c>' for c in range(1, 14))
        out.append(f'<row r="{r}">{cells}</row>'.encode())
    return package([sheet_xml(b"".join(out))])


# --- just under the reader's bounds: accepted (or refused by openpyxl), and still small -----------

def strings_at_cap(scale: float = 1) -> bytes:
    """119,000 shared strings (the cap is 120,000), each with a character costing four bytes."""
    n = max(int(119_000 * scale), 100)
    rnd = random.Random(2)
    body = b"".join(f"<si><t>{rnd.random():.12f}😀</t></si>".encode() for _ in range(n))
    sst = DECL + f'<sst xmlns="{MAIN}">'.encode() + body + b"</sst>"
    return package([sheet_xml(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')], shared=sst)


def styles_at_cap(scale: float = 1) -> bytes:
    """29,000 cell formats (a part may keep 30,000 elements)."""
    return styles(scale=29_000 / 70_000 * scale)


def kept_at_cap(scale: float = 1) -> bytes:
    """5,000 rows of 13 numbers, 29,000 elements beside them and 99,000 formatted empty rows."""
    junk = sprinkle((f'<x a="{i}"/>'.encode() for i in range(int(29_000 * scale))), every=60)
    blank = b"".join(f'<row r="{r}" s="1"/>'.encode() for r in range(6000, 6000 + int(99_000 * scale)))
    return package([sheet_xml(plain_rows(max(int(5000 * scale), 2), 13) + blank, before=junk)])


AT_CAPS = {
    "biggest ordinary upload (5,000 rows of text)": near_caps,
    "119,000 shared strings (cap 120,000)": strings_at_cap,
    "29,000 cell styles (cap 30,000 elements)": styles_at_cap,
    "29,000 elements and 99,000 empty rows beside 5,000 rows": kept_at_cap,
}


IMPORTS = ("donations.import_upload", "pupils.import_upload", "scholarships.import_upload",
           "commendations.import_upload")


def import_targets(app, world):
    """(client, url) for each spreadsheet import: the client logged in as a role the authorisation
    table allows there (one client per role), the url built with that table's arguments."""
    from flask import url_for

    from tests.authz import merged_table
    from tests.conftest import login

    table, clients = merged_table(), {}
    for endpoint in IMPORTS:
        entry = table[endpoint]
        role = next(r for r in ("admin", "treasurer", "clerk") if r in entry.roles)
        if role not in clients:
            clients[role] = app.test_client()
            login(clients[role], world.users[role])
        with app.test_request_context():
            url = url_for(endpoint, **(entry.args(world, True) if entry.args else {}))
        yield clients[role], url
