"""What an uploaded .xlsx may cost the reader, checked by streaming every part once before openpyxl
reads anything (issue 15, finding 1).

openpyxl keeps more than the bytes suggest: every element of a part it parses whole (styles,
workbook, content types, relationships, properties) becomes an object; in the sheet and the
shared-string table it streams, each row or string is cleared after use but everything else stays;
a `<dimension>` makes it pad every row. A 5 KB upload reached 620 MB. So each part is run through
expat (C, constant memory: nothing is built) counting what the reader would keep, and the upload
is refused, with a Vietnamese message, at the first bound passed:

- depth, attributes per element, characters per text or attribute (Excel's cell limit is 32,767),
  bytes between two tags (expat holds a whole tag before counting it);
- elements kept by the reader: per part and for the whole workbook;
- in the sheet: elements per row, rows, and the last row holding a value (so the read stops there);
- in the shared-string table: the number of strings;
- sheets listed by the workbook; chartsheets (parsed whole, never in an import template).

A part that expat finds malformed stops being scanned there (openpyxl would fail at the same place,
having built no more than was counted); images and other binary parts stop at their first byte.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

MAX_DEPTH = 40  # Excel's deepest parts (drawings, extensions) nest about 15 levels
MAX_ATTRS = 64
MAX_TEXT = 40_000  # characters in one text or attribute value (Excel's cell limit is 32,767)
MAX_ROW_ELEMENTS = 4_096  # elements inside one <row> (about 1,300 cells), parsed one row at a time
MAX_ROW_TEXT = 500_000  # characters inside one <row> or shared string
MAX_PART_KEPT = 30_000  # elements a part keeps for the whole read
MAX_KEPT = 60_000  # the same, summed over the workbook
MAX_KEPT_TEXT = 4_000_000  # characters a part keeps outside its rows (in the parts parsed whole: all)
MAX_ELEMENTS = 1_000_000  # every element of one part: bounds the time (5,000 rows of 60 cells)
MAX_BLANK_ROWS = 100_000  # <row> elements without a value (formatting only)
MAX_SHARED_STRINGS = 120_000
MAX_STRINGS_BYTES = 6 * 1024 * 1024  # the shared-string table unzipped (all of it is kept)
MAX_WHOLE_BYTES = 4 * 1024 * 1024  # each part parsed whole, unzipped
MAX_SHEETS = 250
CHUNK = 64 * 1024
MAX_TOKEN = 256 * 1024  # bytes between two "<": a tag, or a text (32,767 characters, escaped, fit)

# Parts openpyxl parses whole (fromstring) in read-only mode, with every relationships part; the
# workbook part is added from the content types. Any other part may be a streamed sheet or table.
WHOLE = {"[Content_Types].xml", "docProps/core.xml", "docProps/custom.xml", "xl/styles.xml", "xl/workbook.xml"}

STRUCTURE_REFUSED = ("Tệp Excel có cấu trúc bất thường (quá nhiều phần tử hoặc lồng quá sâu) nên không thể nhận. "
                     "Vui lòng mở tệp bằng Excel, lưu lại rồi thử lại.")
TEXT_REFUSED = "Tệp có ô chứa văn bản quá dài (Excel cho tối đa 32.767 ký tự một ô)."
STRINGS_REFUSED = "Tệp Excel có quá nhiều ô chữ khác nhau, vui lòng chia nhỏ tệp."
SHEETS_REFUSED = f"Tệp Excel có quá nhiều trang tính (tối đa {MAX_SHEETS}). Vui lòng chỉ giữ trang danh sách."
CHART_REFUSED = "Tệp Excel có trang biểu đồ nên không thể nhận. Vui lòng chỉ giữ trang danh sách."
SIZE_REFUSED = "Tệp Excel quá lớn sau khi giải nén, vui lòng chia nhỏ tệp."


class Refused(Exception):
    """Raised inside the expat handlers; read_upload turns it into an XlsxError."""


@dataclass
class Plan:
    """What the scan learnt: for each part that holds rows, the last row with a value."""
    last_rows: dict[str, int] = field(default_factory=dict)

    def last_row(self, part: str) -> int:
        return self.last_rows.get(part, 0)


class _Part:
    """Counts for one part, fed by expat: what the reader would keep, and for how long."""

    def __init__(self, info: zipfile.ZipInfo, whole: bool, rows_message: str, max_rows: int, kept_before: int):
        self.size, self.whole, self.rows_message, self.max_rows = info.file_size, whole, rows_message, max_rows
        self.kept_before = kept_before
        self.depth = self.elements = self.kept = self.kept_text = self.text = 0
        self.root = ""
        self.streams = ""  # "row" in a streamed sheet, "si" in a streamed string table
        self.item_depth = 0  # depth of the open row or string, 0 when none is open
        self.transient = False  # the open item is cleared once read (else all of it stays)
        self.item_elements = self.item_text = self.strings = self.rows = self.blank_rows = self.sheets = 0
        self.row = self.last_row = 0
        self.row_has_value = False
        self.workbook_parts: list[str] = []

    def start(self, name, attrs):
        local = name.rpartition(" ")[2]
        self.depth += 1
        self.elements += 1
        self.text = 0
        if self.depth > MAX_DEPTH or len(attrs) > MAX_ATTRS or self.elements > MAX_ELEMENTS:
            raise Refused(STRUCTURE_REFUSED)
        if self.depth == 1:
            self._root(local)
        if self.item_depth:
            self.item_elements += 1
            if self.item_elements > MAX_ROW_ELEMENTS:
                raise Refused(STRUCTURE_REFUSED)
            if local in ("v", "is", "f"):
                self.row_has_value = True
            if not self.transient:
                self._keep()
        elif local == "row" or (local == "si" and self.streams == "si" and self.depth == 2):
            self._open_item(local, attrs)
        else:
            self._keep()
        for value in attrs.values():
            if len(value) > MAX_TEXT:
                raise Refused(TEXT_REFUSED)
            self._charge(len(value))
        if local == "sheet" and self.root == "workbook":
            self.sheets += 1
            if self.sheets > MAX_SHEETS:
                raise Refused(SHEETS_REFUSED)
        elif local == "Relationship" and "chartsheet" in attrs.get("Type", ""):
            raise Refused(CHART_REFUSED)
        elif local == "Override" and attrs.get("ContentType", "").endswith(".main+xml"):
            self.workbook_parts.append(attrs.get("PartName", "").lstrip("/"))

    def _root(self, local):
        self.root = local
        if not self.whole:
            self.streams = {"worksheet": "row", "sst": "si"}.get(local, "")
        if local == "sst" and self.size > MAX_STRINGS_BYTES:
            raise Refused(STRINGS_REFUSED)

    def _open_item(self, local, attrs):
        """A <row> (anywhere: openpyxl reads any main-namespace row) or a streamed shared string."""
        self.item_depth, self.item_elements, self.item_text = self.depth, 0, 0
        self.transient = local == self.streams
        if not self.transient:
            self._keep()
        if local == "si":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise Refused(STRINGS_REFUSED)
            return
        self.row_has_value = False
        self.rows += 1
        if self.rows > self.max_rows + 1 + MAX_BLANK_ROWS:
            raise Refused(self.rows_message)
        r = attrs.get("r")
        if r is None:
            self.row += 1
            return
        try:  # as openpyxl reads it; a value it refuses fails the read later
            self.row = int(r)
        except ValueError:
            try:
                self.row = int(float(r))
            except (ValueError, OverflowError):
                pass

    def _keep(self):
        """One more element the reader keeps until the end. (A cleared row or string stays too, as
        an empty element: those are bounded by the rows and strings allowed.)"""
        self.kept += 1
        if self.kept > MAX_PART_KEPT or self.kept_before + self.kept > MAX_KEPT:
            raise Refused(STRUCTURE_REFUSED)

    def _charge(self, n):
        """n characters of text or attributes: held for one row when streamed, else to the end."""
        if self.item_depth and self.transient:
            self.item_text += n
            if self.item_text > MAX_ROW_TEXT:
                raise Refused(TEXT_REFUSED)
        else:
            self.kept_text += n
            if self.kept_text > MAX_KEPT_TEXT:
                raise Refused(STRUCTURE_REFUSED)

    def end(self, name):
        if self.item_depth and self.depth == self.item_depth:
            self.item_depth = 0
            if name.rpartition(" ")[2] == "row":
                self._close_row()
        self.depth -= 1
        self.text = 0

    def _close_row(self):
        if self.row_has_value:
            self.last_row = max(self.last_row, self.row)
            if self.last_row > self.max_rows + 1:
                raise Refused(self.rows_message)
        else:
            self.blank_rows += 1
            if self.blank_rows > MAX_BLANK_ROWS:
                raise Refused(self.rows_message)

    def chars(self, data):
        self.text += len(data)
        if self.text > MAX_TEXT:
            raise Refused(TEXT_REFUSED)
        self._charge(len(data))

    def refuse_declaration(self, *args):
        raise Refused("declaration")  # read_upload answers with its DECLARATION_REFUSED message


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, part: _Part) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = part.start
    parser.EndElementHandler = part.end
    parser.CharacterDataHandler = part.chars
    parser.StartDoctypeDeclHandler = part.refuse_declaration
    parser.EntityDeclHandler = part.refuse_declaration
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    run = 0  # bytes since the last "<": expat holds a whole tag (all its attributes) before a handler runs
    with zf.open(info) as src:
        while chunk := src.read(CHUNK):
            first = chunk.find(b"<")
            if run + (len(chunk) if first < 0 else first) > MAX_TOKEN:
                raise Refused(TEXT_REFUSED)
            run = run + len(chunk) if first < 0 else len(chunk) - chunk.rfind(b"<") - 1
            try:
                parser.Parse(chunk, False)
            except expat.ExpatError:
                return  # not XML (an image) or malformed: openpyxl would stop here too
        try:
            parser.Parse(b"", True)
        except expat.ExpatError:
            return


def scan(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], max_rows: int, rows_message: str) -> Plan:
    """Stream every part (content types first, to learn which part is the workbook) and return the
    Plan; raises Refused with the Vietnamese message at the first bound passed."""
    plan = Plan()
    whole = set(WHOLE)
    kept = 0
    ordered = sorted((i for i in infos if not i.is_dir()), key=lambda i: i.filename != "[Content_Types].xml")
    for info in ordered:
        name = info.filename
        part = _Part(info, name in whole or name.endswith(".rels"), rows_message, max_rows, kept)
        if part.whole and info.file_size > MAX_WHOLE_BYTES:
            raise Refused(SIZE_REFUSED)
        _scan_part(zf, info, part)
        kept += part.kept
        whole.update(part.workbook_parts)
        plan.last_rows[name] = part.last_row  # a repeated name: zipfile reads the last one
    return plan
