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
from app.commendations.blank_models import default_fields
from app.extensions import db
from app.printing.jobs import content_hash
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


def test_fit_shrinks_a_long_name_on_one_line_first(app):
    size, lines = blanks.fit("Công Tằng Tôn Nữ Thị Hoàng Phương Thảo", 26, 150, 2, True)
    assert lines == ["Công Tằng Tôn Nữ Thị Hoàng Phương Thảo"] and 18 <= size < 26
    assert blanks.fit("Lê Văn An", 26, 150, 2, True) == (26, ["Lê Văn An"])


# ---- the calibration page ------------------------------------------------------------------------

def test_calibration_page_has_the_grid_and_each_field_at_its_place(world, tmp_path):
    layout = _layout(world.commune, KNOWN)
    printer = _printer(world.commune, dx=2.0, dy=-1.5)
    pdf = blanks.calibration_pdf(layout, printer)
    assert page_count(pdf, tmp_path) == 1
    page = words(pdf, tmp_path)[0]
    top_labels = {w["text"]: w for w in page if w["bottom"] < 6.5 and w["text"].isdigit()}
    assert {"10", "100", "200", "280"} <= set(top_labels)
    for n in (10, 100, 200, 280):  # the grid itself is never shifted: its labels sit on their lines
        w = top_labels[str(n)]
        assert abs((w["x0"] + w["x1"]) / 2 - n) < 1.0
    left = {w["text"]: w for w in page if w["x1"] < 10 and w["top"] > 6.5 and w["text"].isdigit()}
    assert {"50", "150", "200"} <= set(left)
    assert abs(left["150"]["base"] - (150 - 0.8)) < 1.0
    # Each field's name starts 1 mm right of its crosshair, sitting 1 mm above its baseline (offsets applied).
    for key, first in (("name", "Họ"), ("decision", "Số"), ("signer_name", "Họ")):
        spec = KNOWN[key]
        label = [w for w in page if w["text"] == first and abs(w["x0"] - (spec["x"] + 2.0 + 1)) < 1.0]
        assert label, key
        assert abs(label[0]["base"] - (spec["y"] - 1.5 - 1)) < 1.0, key
    text = " ".join(w["text"] for w in page)
    assert "Máy in Canon văn phòng" in text and "giấy trắng" in text and "ánh sáng" in text
    assert "+2" in text and "-1,5" in text
    # Positive control: another offset moves the field labels but not the grid.
    moved = words(blanks.calibration_pdf(layout, _printer(world.commune, "Máy in HP", 0, 0)), tmp_path)[0]
    assert any(w["text"] == "Họ" and abs(w["x0"] - (KNOWN["name"]["x"] + 1)) < 0.2 for w in moved)
    assert not any(w["text"] == "Họ" and abs(w["x0"] - (KNOWN["name"]["x"] + 3)) < 0.2 for w in moved)


# ---- services: validation, audit, fingerprint ----------------------------------------------------

def test_offsets_are_bounded_and_names_unique(world):
    with pytest.raises(blanks.BlankError) as err:
        blanks.save_printer(world.commune, "Máy A", "20,5", 0)
    assert err.value.field == "offset_x" and "±20" in str(err.value)
    with pytest.raises(blanks.BlankError) as err:
        blanks.save_printer(world.commune, "Máy A", 0, -21)
    assert err.value.field == "offset_y"
    p = blanks.save_printer(world.commune, "Máy A", "-20", "3,5")  # the bound itself and a decimal comma
    assert (p.offset_x_mm, p.offset_y_mm) == (-20.0, 3.5)
    with pytest.raises(blanks.BlankError) as err:
        blanks.save_printer(world.commune, "Máy A", 0, 0)
    assert err.value.field == "name"
    db.session.rollback()


@pytest.mark.parametrize("change, field", [
    ({"name": {"size": 5}}, "name_size"), ({"name": {"size": 49}}, "name_size"), ({"detail": {"w": 0}}, "detail_w"),
    ({"achievement": {"x": 100, "w": 200}}, "achievement_w"), ({"code": {"x": -1}}, "code_x"),
    ({"signer_name": {"y": 209}}, "signer_name_y"), ({"name": {"y": 3}}, "name_y"),
    ({"qr": {"size_mm": 5}}, "qr_size_mm"), ({"qr": {"x": 290}}, "qr_x"), ({"name": {"x": "abc"}}, "name_x"),
    ({"name": {"align": "justify"}}, "name_align")])
def test_a_layout_outside_the_paper_is_refused_beside_its_box(world, change, field):
    f = default_fields()
    for key, spec in change.items():
        f[key].update(spec)
    with pytest.raises(blanks.BlankError) as err:
        blanks.save_layout(world.commune, "a4_landscape", f)
    assert err.value.field == field
    db.session.rollback()
    blanks.save_layout(world.commune, "a4_landscape", default_fields())  # control: the defaults fit
    db.session.rollback()


def test_saves_are_audited(world):
    _layout(world.commune, {"name": {"size": 22.0}})
    p = _printer(world.commune)
    blanks.save_printer(world.commune, p.name, 1, 1, p)
    blanks.delete_printer(p)
    db.session.commit()
    rows = db.session.execute(select(AuditEntry.object_type, AuditEntry.action)
                              .where(AuditEntry.object_type.in_(("blank_layout", "printer_profile")))
                              .order_by(AuditEntry.id)).all()
    assert [tuple(r) for r in rows] == [("blank_layout", "create"), ("printer_profile", "create"),
                                        ("printer_profile", "update"), ("printer_profile", "delete")]


def test_the_fingerprint_changes_with_an_offset_or_the_layout(world, decision):
    p = _printer(world.commune, dx=1, dy=1)
    params = {"decision_id": decision.id, "printer_id": p.id}
    first = content_hash(blanks.KIND, params)
    assert content_hash(blanks.KIND, params) == first  # control: nothing changed, same hash
    blanks.save_printer(world.commune, p.name, "1,5", 1, p)
    db.session.commit()
    second = content_hash(blanks.KIND, params)
    assert second != first
    _layout(world.commune, {"name": {"x": 45.0}})
    assert content_hash(blanks.KIND, params) != second


def test_a_long_achievement_wraps_before_it_shrinks(app):
    text = "Đạt giải Nhất kỳ thi học sinh giỏi cấp tỉnh môn Ngữ văn năm học 2025-2026, có nhiều đóng góp"
    size, lines = blanks.fit(text, 15, 150, 3, one_line_first=False)
    assert size == 15 and len(lines) == 2
    assert blanks.fit(text, 15, 150, 3)[1] == [text]  # control: a name-like field shrinks on one line


@pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftoppm", "zbarimg")), reason="zbar missing")
def test_the_qr_and_code_on_a_blank_verify_the_honoree(world, decision, tmp_path):
    from app.papers.codes import code_for
    from tests.banking.test_vietqr import read_qr_codes

    layout = blanks.layout_for(world.commune)
    h = decision.honorees[0]
    pdf = blanks.blanks_pdf(layout, blanks.decision_sheets(decision, layout, None))
    code = code_for("certificate", h.id)
    assert [u.rsplit("/", 1)[-1] for u in read_qr_codes(pdf, tmp_path)] == [code]
    assert code in " ".join(w["text"] for w in words(pdf, tmp_path)[0])
    f = default_fields()
    f["qr"]["show"] = False
    hidden = blanks.save_layout(world.commune, "a4_landscape", f)
    (tmp_path / "hidden").mkdir()
    pdf = blanks.blanks_pdf(hidden, blanks.decision_sheets(decision, hidden, None))
    assert read_qr_codes(pdf, tmp_path / "hidden") == []
    assert code in " ".join(w["text"] for w in words(pdf, tmp_path)[0])  # control: the code text still printed
