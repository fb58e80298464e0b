"""Printing onto pre-printed blanks (issue 18 D), checked by rendering: text positions read back from
the PDF (pdftotext -bbox, points -> mm) within 1 mm of the settings plus the printer's offsets.

What is compared: x is the first word's left edge (left-aligned), the centre of the line (centred),
the last word's right edge (right-aligned); y is the BASELINE of the first line. pdftotext's word box
runs from baseline - ascent * size to baseline + descent * size, with the font's own ascent and
descent (read here from the TTF, not from the code under test), so the baseline is
yMin + height * ascent / (ascent + descent), whatever size the text was shrunk to.
"""
import re
import shutil
import subprocess
import unicodedata
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.commendations import blanks, issuing
from app.commendations.blank_models import BlankLayout, PrinterProfile, default_fields
from app.extensions import db
from app.printing.jobs import content_hash
from tests.factories import make_user
from tests.factories_commendations import add, make_decision

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")),
                                reason="poppler-utils missing")

PT = 25.4 / 72
PREFIX = "/khen-thuong"
LONG_NAME = ("Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái Bích " * 5)[:250].strip()


def _font_ratio() -> float:
    from fontTools.ttLib import TTFont

    font = TTFont(Path(__file__).parents[2] / "static" / "vendor" / "fonts" / "Tinos-Regular.ttf")
    ascent, descent = font["hhea"].ascent, -font["hhea"].descent
    return ascent / (ascent + descent)


RATIO = _font_ratio()


def words(pdf: bytes, tmp_path) -> list[list[dict]]:
    """Each page's words: {text, x0, x1, top, bottom, base} in mm."""
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        found = []
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                             page):
            x0, y0, x1, y1 = (float(v) * PT for v in m.groups()[:4])
            found.append({"text": unicodedata.normalize("NFC", unescape(m.group(5))), "x0": x0, "x1": x1,
                          "top": y0, "bottom": y1, "base": y0 + (y1 - y0) * RATIO})
        pages.append(found)
    return pages


def page_count(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "n.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def line_of(page: list[dict], first: str, last: str | None = None) -> list[dict]:
    """The words of the line starting with the word `first` (same baseline), left to right."""
    start = next(w for w in page if w["text"] == first)
    same = sorted((w for w in page if abs(w["base"] - start["base"]) < 0.3 and w["x0"] >= start["x0"] - 0.1),
                  key=lambda w: w["x0"])
    if last is not None:
        same = same[:next(i for i, w in enumerate(same) if w["text"] == last) + 1]
    return same


def assert_at(line: list[dict], spec: dict, dx: float, dy: float):
    """The line sits where the field says: x per its alignment, its baseline on y (within 1 mm)."""
    left, right = line[0]["x0"], line[-1]["x1"]
    if spec["align"] == "left":
        got, want = left, spec["x"] + dx
    elif spec["align"] == "center":
        got, want = (left + right) / 2, spec["x"] + dx + spec["w"] / 2
    else:
        got, want = right, spec["x"] + dx + spec["w"]
    assert abs(got - want) < 1.0, (line[0]["text"], got, want)
    assert abs(line[0]["base"] - (spec["y"] + dy)) < 1.0, (line[0]["text"], line[0]["base"], spec["y"] + dy)


@pytest.fixture
def decision(world):
    d = make_decision(world.commune, number="12/QĐ-HKH")
    add(d, "Nguyễn Thị Ánh", "Học sinh giỏi", place="Lớp 9A1, Trường THCS Tân Phú")
    issuing.issue(d)
    db.session.commit()
    return d


def _layout(unit, fields=None, paper="a4_landscape"):
    f = default_fields()
    for key, spec in (fields or {}).items():
        f[key].update(spec)
    layout = blanks.save_layout(unit, paper, f)
    db.session.commit()
    return layout


def _printer(unit, name="Máy in Canon văn phòng", dx=-3.5, dy=2.5):
    p = blanks.save_printer(unit, name, dx, dy)
    db.session.commit()
    return p


KNOWN = {  # one field of each alignment, sizes that fit their text without shrinking
    "name": {"x": 40.0, "y": 95.0, "w": 210.0, "size": 24.0, "align": "left"},
    "detail": {"x": 50.0, "y": 110.0, "w": 200.0, "size": 14.0, "align": "center"},
    "decision": {"x": 20.0, "y": 170.0, "w": 130.0, "size": 11.0, "align": "right"},
    "place_date": {"x": 160.0, "y": 160.0, "w": 120.0, "size": 13.0, "align": "center"},
    "register": {"x": 22.5, "y": 177.5, "w": 100.0, "size": 11.0, "align": "left"},
    "signer_name": {"x": 160.0, "y": 196.0, "w": 120.0, "size": 14.0, "align": "center"},
}


def test_text_lands_within_a_millimetre_of_the_settings_plus_offsets(world, decision, tmp_path):
    layout = _layout(world.commune, KNOWN)
    printer = _printer(world.commune, dx=-3.5, dy=2.5)
    pdf = blanks.blanks_pdf(layout, blanks.decision_sheets(decision, layout, printer))
    page = words(pdf, tmp_path)[0]
    h = decision.honorees[0]
    assert_at(line_of(page, "Nguyễn", "Ánh"), KNOWN["name"], -3.5, 2.5)
    assert_at(line_of(page, "Lớp", "Phú"), KNOWN["detail"], -3.5, 2.5)
    assert_at(line_of(page, "Quyết"), KNOWN["decision"], -3.5, 2.5)
    assert_at(line_of(page, "Số", str(h.register_number)), KNOWN["register"], -3.5, 2.5)
    assert_at(line_of(page, "Huỳnh", "Tâm"), KNOWN["signer_name"], -3.5, 2.5)
    assert_at(line_of(page, "Lai"), KNOWN["place_date"], -3.5, 2.5)
    code = next(w for w in page if w["text"] == "Mã")  # the verification code's line, left-aligned
    assert_at([code], {**default_fields()["code"], "align": "left"}, -3.5, 2.5)
    # Positive control of the reading itself: without the offsets everything moves back by them.
    plain = words(blanks.blanks_pdf(layout, blanks.decision_sheets(decision, layout, None)), tmp_path)[0]
    moved = next(w for w in plain if w["text"] == "Nguyễn")
    first = line_of(page, "Nguyễn")[0]
    assert abs(moved["x0"] - first["x0"] - 3.5) < 0.05 and abs(moved["base"] - first["base"] + 2.5) < 0.05
    # Only the variable text: nothing of the blank's own heading.
    text = " ".join(w["text"] for w in page)
    assert "GIẤY" not in text and "CỘNG" not in text


def test_a_5_landscape_and_hidden_fields(world, decision, tmp_path):
    f = {"name": {"x": 10.0, "y": 60.0, "w": 190.0, "size": 20.0, "align": "left"},
         "achievement": {"show": False}, "place_date": {"x": 110.0, "y": 110.0, "w": 95.0, "size": 12.0},
         "signer_name": {"x": 110.0, "y": 140.0, "w": 95.0}, "school_year": {"x": 60.0, "y": 80.0, "w": 90.0},
         "detail": {"x": 10.0, "y": 70.0, "w": 190.0}, "decision": {"x": 10.0, "y": 120.0, "w": 95.0},
         "register": {"x": 10.0, "y": 127.0, "w": 95.0}, "code": {"x": 10.0, "y": 134.0, "w": 95.0},
         "qr": {"x": 185.0, "y": 120.0, "size_mm": 20.0}}
    layout = _layout(world.commune, f, paper="a5_landscape")
    pdf = blanks.blanks_pdf(layout, blanks.decision_sheets(decision, layout, None))
    assert page_count(pdf, tmp_path) == 1
    info = subprocess.run(["pdfinfo", str(tmp_path / "n.pdf")], capture_output=True, text=True).stdout
    w, h = (float(v) * PT for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert abs(w - 210) < 0.5 and abs(h - 148) < 0.5
    page = words(pdf, tmp_path)[0]
    assert_at(line_of(page, "Nguyễn", "Ánh"), {**f["name"]}, 0, 0)
    text = " ".join(w["text"] for w in page)
    assert "giỏi" not in text and "Lớp" in text  # achievement hidden (control: detail shown)


def test_183_honorees_land_on_183_blanks(world, tmp_path):
    d = make_decision(world.commune)
    for i in range(183):
        add(d, f"Nguyễn Văn Số {i + 1}" + (" Công Tằng Tôn Nữ Thị Hoàng" * (i % 3)), "Học sinh giỏi " * (i % 7 + 1),
            place="Lớp 9A1, Trường THCS Tân Phú " * (i % 4 + 1), commit=False)
    db.session.commit()
    layout = blanks.layout_for(world.commune)
    pdf = blanks.blanks_pdf(layout, blanks.decision_sheets(d, layout, _printer(world.commune, dx=20, dy=-20)))
    assert page_count(pdf, tmp_path) == 183
    pages = words(pdf, tmp_path)
    assert all(any(w["text"] == "Nguyễn" for w in p) for p in pages)  # each page one certificate
    assert [next(w for w in p if w["text"] == "Số")["text"] for p in pages[:1]] == ["Số"]


def test_a_250_character_name_stays_inside_its_box(world, decision, tmp_path):
    # A person's name is at most 60 + 100 + 200 characters in its parts; the sheet is fed the longest
    # text the models allow (Honoree.full_name, 250) directly.
    from app.commendations.certificates import certificate_of

    assert len(LONG_NAME) >= 245
    layout = _layout(world.commune, {k: {"show": k == "name"} for k in default_fields()})
    spec = blanks.fields_of(layout)["name"]
    c = {**certificate_of(decision.honorees[0]), "name": LONG_NAME}
    pdf = blanks.blanks_pdf(layout, [blanks.sheet(layout, None, c, decision.honorees[0].id)])
    assert page_count(pdf, tmp_path) == 1
    page = words(pdf, tmp_path)[0]
    name_words = page  # every other field hidden
    assert len(name_words) > 20 and " ".join(w["text"] for w in page).startswith("Công Tằng Tôn Nữ")  # positive control: the name is printed, not dropped
    for w in name_words:
        assert spec["x"] - 0.2 <= w["x0"] and w["x1"] <= spec["x"] + spec["w"] + 0.2, w
        assert 0 <= w["top"] and w["bottom"] <= 210
    box_bottom = blanks.box_top(spec["y"], spec["size"]) + 2 * 1.2 * spec["size"] * PT
    assert max(w["bottom"] for w in name_words) <= box_bottom + 0.2
    size, lines = blanks.fit(LONG_NAME, spec["size"], spec["w"], 2, True)
    assert len(lines) <= 2 and size < spec["size"]
    assert all(blanks.text_width(x, size, True) <= spec["w"] for x in lines)


def test_fit_shrinks_a_long_name_on_one_line_first():
    size, lines = blanks.fit("Công Tằng Tôn Nữ Thị Hoàng Phương Thảo", 26, 150, 2, True)
    assert lines == ["Công Tằng Tôn Nữ Thị Hoàng Phương Thảo"] and 18 <= size < 26
    assert blanks.fit("Lê Văn An", 26, 150, 2, True) == (26, ["Lê Văn An"])
