"""Printing onto pre-printed certificate blanks (phôi giấy khen, issue 18 D).

What the numbers mean (the form says it too):
- x, width: the text's box, in mm from the paper's left edge; left-aligned text starts at x,
  centred text is centred on x + width/2, right-aligned text ends at x + width.
- y: the BASELINE of the text's first line, in mm from the paper's top edge: the line the letters
  sit on, i.e. the dotted line of the blank ("Tặng: ........"). The PDF places the box's top at
  y - size * (LINE_HEIGHT + ASCENT - DESCENT) / 2 (CSS half-leading with the font's own metrics),
  so the baseline lands exactly on y; tests/commendations/test_blanks.py reads it back with
  pdftotext -bbox.
- the QR: x, y are its top-left corner, size_mm its side.
- a printer's offsets are added to every position: + moves right and down.

Text never leaves its box: fit() measures the text with the font's own advance widths and
shrinks the size (first on one line down to SHRINK_ONE_LINE of the set size, then over the lines a
field may take, down to MIN_SIZE); what still does not fit is cut with "…". The lines are decided
here and printed unbreakable, so the PDF shows exactly what was measured and a sheet is one page.
"""
from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.audit.services import record, register_labels
from app.core.refusal import Refusal
from app.extensions import db
from app.papers.site import mark
from app.units.models import Unit
from app.vn.text import clean

from . import certificates as certs
from . import documents
from .blank_models import (ALIGNS, OFFSET_LIMIT, PAPERS, QR_LABEL, TEXT_FIELDS, BlankLayout,
                           PrinterProfile, default_fields)
from .models import Decision
from .services import honorees

KIND = "commendation.blanks"
TEMPLATE = "pdf/commendations/blank.html"
CALIBRATION_TEMPLATE = "pdf/commendations/blank_calibration.html"
PT_MM = 25.4 / 72  # one point in mm
LINE_HEIGHT = 1.2  # line box / font size, as the template sets it
MIN_SIZE, MAX_SIZE = 6.0, 48.0
SHRINK_ONE_LINE = 0.7  # a long name first shrinks to 70 % on one line before it takes a second
FIT_MARGIN = 0.98  # kerning and rounding: measured lines keep 2 % of the width free
QR_MIN, QR_MAX = 10.0, 40.0
FONT_FILES = {False: "Tinos-Regular.ttf", True: "Tinos-Bold.ttf"}


class BlankError(Refusal):
    """A layout or a printer that cannot be saved, or a blank print that cannot be made."""


def register() -> None:
    """Declare the blank-printing background document to the print engine (from init_app)."""
    from app.printing.jobs import register_document  # heavy: loaded when first needed

    register_labels({}, {"blank_layout": "Vị trí in trên phôi giấy khen", "printer_profile": "Máy in phôi giấy khen"})
    register_document(KIND, _build, fingerprint=fingerprint, version="1")


# ---- layout and printers -------------------------------------------------------------------------

def layout_for(unit: Unit) -> BlankLayout:
    """The unit's layout, or unsaved defaults (a typical A4 landscape blank)."""
    s = db.session.scalar(select(BlankLayout).where(BlankLayout.unit_id == unit.id))
    return s or BlankLayout(unit_id=unit.id, paper="a4_landscape", fields=default_fields())


def fields_of(layout: BlankLayout) -> dict:
    """Every field's settings, a missing one (or attribute) taken from the paper's defaults."""
    saved = layout.fields or {}
    return {k: {**v, **(saved.get(k) or {})} for k, v in default_fields(layout.paper).items()}


def reset_layout(unit: Unit, paper: str) -> BlankLayout:
    """The default places for `paper` (A4 landscape's scaled to it): where to start measuring a new blank."""
    if paper not in PAPERS:
        raise BlankError("Khổ giấy không hợp lệ.", "paper")
    return save_layout(unit, paper, default_fields(paper))


def paper_size(layout: BlankLayout) -> tuple[float, float]:
    _label, w, h = PAPERS.get(layout.paper, PAPERS["a4_landscape"])
    return w, h


def _number(value, field: str, label: str) -> float:
    try:
        number = float(str(value).strip().replace(",", ".")) if value is not None else math.nan
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise BlankError(f"{label}: vui lòng nhập một số (ví dụ 12,5).", field)
    return round(number, 1)


def save_layout(unit: Unit, paper: str, fields: dict) -> BlankLayout:
    """Check and store where each text goes on the unit's blanks (every box inside the paper)."""
    if paper not in PAPERS:
        raise BlankError("Khổ giấy không hợp lệ.", "paper")
    _label, width, height = PAPERS[paper]
    clean_fields = {}
    for key, (label, lines, _bold) in TEXT_FIELDS.items():
        f = fields.get(key) or {}
        x = _number(f.get("x"), f"{key}_x", f"{label}, lề trái")
        y = _number(f.get("y"), f"{key}_y", f"{label}, dòng chữ")
        w = _number(f.get("w"), f"{key}_w", f"{label}, bề rộng")
        size = _number(f.get("size"), f"{key}_size", f"{label}, cỡ chữ")
        align = f.get("align") if f.get("align") in ALIGNS else None
        if align is None:
            raise BlankError(f"{label}: cách canh lề không hợp lệ.", f"{key}_align")
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise BlankError(f"{label}: cỡ chữ từ {MIN_SIZE:g} đến {MAX_SIZE:g} pt.", f"{key}_size")
        if w <= 0:
            raise BlankError(f"{label}: bề rộng phải lớn hơn 0 mm.", f"{key}_w")
        show = bool(f.get("show"))
        if show and (x < 0 or x + w > width):  # a hidden field may keep another paper's place
            raise BlankError(f"{label}: ô chữ ({_mm(x)} đến {_mm(x + w)} mm) ra ngoài bề ngang giấy "
                             f"({_mm(width)} mm).", f"{key}_x" if x < 0 else f"{key}_w")
        top, bottom = box_top(y, size), box_top(y, size) + lines * LINE_HEIGHT * size * PT_MM
        if show and (top < 0 or bottom > height):
            raise BlankError(f"{label}: dòng chữ ở {_mm(y)} mm làm chữ ra ngoài mép "
                             f"{'trên' if top < 0 else 'dưới'} của giấy (cao {_mm(height)} mm).", f"{key}_y")
        clean_fields[key] = {"x": x, "y": y, "w": w, "size": size, "align": align, "show": show}
    q = fields.get("qr") or {}
    x = _number(q.get("x"), "qr_x", f"{QR_LABEL}, lề trái")
    y = _number(q.get("y"), "qr_y", f"{QR_LABEL}, mép trên")
    size = _number(q.get("size_mm"), "qr_size_mm", f"{QR_LABEL}, cạnh")
    if not QR_MIN <= size <= QR_MAX:
        raise BlankError(f"{QR_LABEL}: cạnh từ {QR_MIN:g} đến {QR_MAX:g} mm.", "qr_size_mm")
    show = bool(q.get("show"))
    if show and (x < 0 or x + size > width):
        raise BlankError(f"{QR_LABEL}: ra ngoài bề ngang giấy ({_mm(width)} mm).", "qr_x")
    if show and (y < 0 or y + size > height):
        raise BlankError(f"{QR_LABEL}: ra ngoài chiều cao giấy ({_mm(height)} mm).", "qr_y")
    clean_fields["qr"] = {"x": x, "y": y, "size_mm": size, "show": show}

    layout = db.session.scalar(select(BlankLayout).where(BlankLayout.unit_id == unit.id))
    before = layout.audit_dict() if layout else None
    if layout is None:
        layout = BlankLayout(unit_id=unit.id)
        db.session.add(layout)
    layout.paper, layout.fields = paper, clean_fields
    db.session.flush()
    record("update" if before else "create", layout, before=before, after=layout.audit_dict())
    return layout


def printers(unit: Unit) -> list[PrinterProfile]:
    return list(db.session.scalars(select(PrinterProfile).where(PrinterProfile.unit_id == unit.id)
                                   .order_by(PrinterProfile.name)))


def save_printer(unit: Unit, name: str, offset_x, offset_y, printer: PrinterProfile | None = None) -> PrinterProfile:
    """Add a printer to the unit, or change one's name and offsets (mm, + right and down)."""
    name = clean(name or "")
    if not name:
        raise BlankError("Vui lòng nhập tên máy in.", "name")
    if len(name) > 80:
        raise BlankError("Tên máy in dài quá 80 ký tự.", "name")
    ox = _number(offset_x, "offset_x", "Lệch ngang")
    oy = _number(offset_y, "offset_y", "Lệch dọc")
    for value, field in ((ox, "offset_x"), (oy, "offset_y")):
        if abs(value) > OFFSET_LIMIT:
            raise BlankError(f"Độ lệch tối đa ±{OFFSET_LIMIT:g} mm; lệch hơn thế hãy chỉnh lại khay giấy.", field)
    clash = db.session.scalar(select(PrinterProfile).where(PrinterProfile.unit_id == unit.id,
                                                           PrinterProfile.name == name))
    if clash is not None and clash is not printer:
        raise BlankError("Đơn vị đã có máy in tên này.", "name")
    before = printer.audit_dict() if printer else None
    if printer is None:
        printer = PrinterProfile(unit_id=unit.id)
        db.session.add(printer)
    printer.name, printer.offset_x_mm, printer.offset_y_mm = name, ox, oy
    db.session.flush()
    record("update" if before else "create", printer, before=before, after=printer.audit_dict())
    return printer


def delete_printer(printer: PrinterProfile) -> None:
    record("delete", printer, before=printer.audit_dict())
    db.session.delete(printer)
    db.session.flush()


def _mm(value: float) -> str:
    """12.5 -> "12,5" (Vietnamese decimal comma)."""
    return f"{value:g}".replace(".", ",")


# ---- measuring and fitting text ------------------------------------------------------------------

@lru_cache(maxsize=2)
def _metrics(bold: bool):
    """(advance widths by code point in em, ascent, descent) of the print font (fontTools ships with WeasyPrint)."""
    from fontTools.ttLib import TTFont  # heavy: loaded when first needed

    font = TTFont(Path(current_app.static_folder) / "vendor" / "fonts" / FONT_FILES[bold], lazy=True)
    upem, hmtx = font["head"].unitsPerEm, font["hmtx"].metrics
    widths = {cp: hmtx[g][0] / upem for cp, g in font.getBestCmap().items()}
    return widths, font["hhea"].ascent / upem, -font["hhea"].descent / upem


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in mm of `text` at `size` pt (sum of advances; unknown letters as wide as "M")."""
    widths = _metrics(bold)[0]
    wide = widths.get(ord("M"), 0.9)
    return sum(widths.get(ord(ch), wide) for ch in unicodedata.normalize("NFC", text)) * size * PT_MM


def box_top(y: float, size: float) -> float:
    """The top of the first line box whose baseline is at y (mm), for `size` pt."""
    _w, ascent, descent = _metrics(False)  # Tinos regular and bold share their vertical metrics
    return y - size * PT_MM * (LINE_HEIGHT + ascent - descent) / 2


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy lines of at most `width` mm; a word longer than a line is cut between letters."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:  # only a word wider than the whole line gets here with letters left over
                if line and text_width(line + ch, size, bold) > width:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return [x for x in lines if x] or [""]


def _cut(line: str, size: float, width: float, bold: bool) -> str:
    while line and text_width(line.rstrip() + "…", size, bold) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def fit(text: str, size: float, width: float, max_lines: int, bold: bool = False,
        one_line_first: bool = True) -> tuple[float, list[str]]:
    """(font size, lines) for `text` inside `width` mm on at most `max_lines` lines, never wider.
    `one_line_first`: shrink a little on one line before wrapping (a name); else wrap first (a sentence)."""
    room = width * FIT_MARGIN
    if one_line_first and "\n" not in text:
        s = size
        while s >= max(MIN_SIZE, size * SHRINK_ONE_LINE) - 1e-9:
            if text_width(text, s, bold) <= room:
                return s, [text]
            s = round(s - 0.5, 1)
    s = size
    while s >= MIN_SIZE - 1e-9:
        lines = wrap(text, s, room, bold)
        if len(lines) <= max_lines:
            return s, lines
        s = round(s - 0.5, 1)
    lines = wrap(text, MIN_SIZE, room, bold)
    return MIN_SIZE, lines[:max_lines - 1] + [_cut(lines[max_lines - 1], MIN_SIZE, room, bold)]


def place(key: str, spec: dict, text: str, dx: float, dy: float) -> dict | None:
    """One field on the sheet: its box (mm, offsets added), size and lines; None when hidden or empty."""
    text = clean(str(text or "")) if "\n" not in str(text or "") else str(text)
    if not spec.get("show") or not text.strip():
        return None
    _label, max_lines, bold = TEXT_FIELDS[key]
    size, lines = fit(text, float(spec["size"]), float(spec["w"]), max_lines, bold, key != "achievement")
    return {"key": key, "left": spec["x"] + dx, "top": box_top(spec["y"] + dy, size), "width": spec["w"],
            "size": size, "align": spec["align"], "bold": bold, "lines": lines}


# ---- the sheets ----------------------------------------------------------------------------------

def texts(c: dict, code: dict | None) -> dict:
    """What each field prints, from certificates.certificate()'s dict and the verification mark."""
    return {"name": c["name"], "detail": c.get("detail") or "", "achievement": c["achievement"],
            "school_year": c.get("school_year") or "", "decision": c["decision"],
            "register": f"Số vào sổ: {c['register']}" if c.get("register") else "",
            "place_date": c["place_date"], "signer_name": c.get("signer_name") or "",
            "code": f"Mã xác minh: {code['code']}\nTra cứu tại: {code['address']}" if code else ""}


def offsets(printer: PrinterProfile | None) -> tuple[float, float]:
    return (printer.offset_x_mm, printer.offset_y_mm) if printer is not None else (0.0, 0.0)


def sheet(layout: BlankLayout, printer: PrinterProfile | None, c: dict, honoree_id: int | None) -> dict:
    """One blank's variable text, placed."""
    fields, (dx, dy) = fields_of(layout), offsets(printer)
    qr = fields["qr"]
    # certificates.certificate() carries the mark (issue 18 A) as "verify": made once, not again here.
    code = c.get("verify") or mark("certificate", honoree_id, qr=bool(qr.get("show")))
    placed = [p for key, text in texts(c, code).items() if (p := place(key, fields[key], text, dx, dy))]
    # The certificate's mark brings its QR as a PNG (certificates.verify_mark), a mark made here as SVG.
    drawn = code and (code.get("png") or code.get("svg"))
    qr_box = ({"left": qr["x"] + dx, "top": qr["y"] + dy, "size": qr["size_mm"], "svg": code.get("svg"),
               "png": code.get("png")} if drawn and qr.get("show") else None)
    return {"fields": placed, "qr": qr_box}


def decision_sheets(d: Decision, layout: BlankLayout, printer: PrinterProfile | None, ids=None) -> list[dict]:
    """The decision's blanks in list order (`ids`: only those honorees)."""
    rows = honorees(d)
    if ids is not None:
        wanted = {int(i) for i in ids}
        rows = [h for h in rows if h.id in wanted]
    items = certs.certificates_of(d, [h.id for h in rows])  # same order as rows
    return [sheet(layout, printer, c, h.id) for h, c in zip(rows, items)]


def page_context(layout: BlankLayout) -> dict:
    width, height = paper_size(layout)
    return {"paper_w": width, "paper_h": height, "line_height": LINE_HEIGHT}


def blanks_pdf(layout: BlankLayout, sheets: list[dict], progress=None) -> bytes:
    """One page per sheet, exactly (nothing but the variable text)."""
    from app.printing.services import render_many  # heavy: loaded when first needed

    return render_many(TEMPLATE, sheets, progress=progress, **page_context(layout))


def calibration_pdf(layout: BlankLayout, printer: PrinterProfile | None) -> bytes:
    """A mm grid and a crosshair at each shown field (the printer's offsets applied), with instructions."""
    from app.printing.services import render_pdf  # heavy: loaded when first needed

    fields, (dx, dy) = fields_of(layout), offsets(printer)
    width, height = paper_size(layout)
    marks = []
    for key, (label, _lines, _bold) in TEXT_FIELDS.items():
        f = fields[key]
        if f.get("show"):
            marks.append({"label": label, "x": f["x"] + dx, "y": f["y"] + dy, "w": f["w"],
                          "label_top": box_top(f["y"] + dy - 1.0, 7)})
    q = fields["qr"]
    qr = {"x": q["x"] + dx, "y": q["y"] + dy, "size": q["size_mm"], "label": QR_LABEL,
          "label_top": box_top(q["y"] + dy - 1.0, 7)} if q.get("show") else None
    return render_pdf(CALIBRATION_TEMPLATE, marks=marks, qr=qr, printer=printer, dx=dx, dy=dy, mm=_mm,
                      paper_label=PAPERS.get(layout.paper, PAPERS["a4_landscape"])[0],
                      xs=range(10, int(width) + 1, 10), ys=range(10, int(height) + 1, 10),
                      ticks_x=range(5, int(width) + 1, 10), ticks_y=range(5, int(height) + 1, 10),
                      label_top=box_top(5.0, 7), **page_context(layout))


# ---- the background document ---------------------------------------------------------------------

def _decision(params) -> Decision:
    from app.printing.jobs import PrintError  # heavy: loaded when first needed

    d = db.session.get(Decision, int(params["decision_id"]))
    if d is None:
        raise PrintError("Không tìm thấy quyết định.")
    return d


def printer_of(d: Decision, printer_id) -> PrinterProfile | None:
    """The decision's unit's printer `printer_id` (0 or None: no offset)."""
    if not printer_id:
        return None
    p = db.session.get(PrinterProfile, int(printer_id))
    if p is None or p.unit_id != d.unit_id:
        raise BlankError("Không tìm thấy máy in này của đơn vị.", "printer_id")
    return p


def fingerprint(params) -> dict:
    """The decision's rows and certificate settings, the layout and the printer's offsets."""
    d = _decision(params)
    printer = printer_of(d, params.get("printer_id"))
    return {"content": documents.snapshot(params), "layout": layout_for(d.unit).audit_dict(),
            "offsets": list(offsets(printer))}


def _build(params, progress) -> bytes:
    from app.printing.jobs import PrintError  # heavy: loaded when first needed

    d = _decision(params)
    try:
        printer = printer_of(d, params.get("printer_id"))
    except BlankError as err:
        raise PrintError(str(err)) from err
    layout = layout_for(d.unit)
    return blanks_pdf(layout, decision_sheets(d, layout, printer, params.get("honoree_ids")), progress)
