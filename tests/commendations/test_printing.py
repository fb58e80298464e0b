"""The printed documents as a reader sees them (poppler): text order, diacritics, fonts, page sizes."""
import shutil
import subprocess
import unicodedata

import pytest

from app.commendations import certificates as certs
from app.commendations import documents, issuing
from app.extensions import db
from tests.factories_commendations import add, make_decision

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo")), reason="poppler-utils missing")

NAMES = ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Phạm Thị Ánh", "Đỗ Thị Đào"]
ORDER = ["Lê Văn An", "Nguyễn Thị Ánh", "Phạm Thị Ánh", "Trần Văn Bình", "Đỗ Thị Đào"]  # a < ă < â < b < ... < đ
LONG_NAME = "Công Tằng Tôn Nữ Thị Hoàng Ngọc Phương Thảo Uyên Nguyệt Nhàn"
LONG_ACHIEVEMENT = ("Giải Nhất học sinh giỏi cấp tỉnh môn Ngữ văn, Huy chương Vàng Hội khỏe Phù Đổng, "
                    "học sinh xuất sắc tiêu biểu nhiều năm liền, tích cực tham gia phong trào khuyến học, "
                    "đạt danh hiệu Cháu ngoan Bác Hồ xã")


def _run(tool, pdf, tmp_path, *args):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    cmd = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _text(pdf, tmp_path):
    return unicodedata.normalize("NFC", _run("pdftotext", pdf, tmp_path))


def _info(pdf, tmp_path):
    out = _run("pdfinfo", pdf, tmp_path)
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def _size(pdf, tmp_path):
    """(width, height) in points of the first page, e.g. (595.3, 841.9) for A4 portrait."""
    w, _, h = _info(pdf, tmp_path)["Page size"].split()[:3]
    return round(float(w)), round(float(h))


A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)


def _fonts(pdf, tmp_path):
    lines = _run("pdffonts", pdf, tmp_path).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines]  # (name, emb)


@pytest.fixture
def decision(world):
    d = make_decision(world.commune, list_title="học sinh được khen thưởng năm học 2025-2026")
    for name in NAMES:
        add(d, unicodedata.normalize("NFD", name), unicodedata.normalize("NFD", "Học sinh xuất sắc"),
            place="Trường THCS Lai Vung", birth_text="05/02/2013")
    issuing.issue(d)
    db.session.commit()
    return d


def test_attached_list_in_vietnamese_order_with_diacritics_from_nfd_input(decision, tmp_path):
    pdf = documents.list_pdf(decision)
    text = _text(pdf, tmp_path)
    positions = [text.index(name) for name in ORDER]
    assert positions == sorted(positions)
    assert "Học sinh xuất sắc" in text
    assert f"Kèm theo Quyết định số {decision.number}" in text
    assert "Trang 1 / 1" in text
    assert _size(pdf, tmp_path) == A4_PORTRAIT


def test_list_total_in_figures_and_words(world, tmp_path):
    d = make_decision(world.commune)
    add(d, "Lê Văn An", amount=1_250_000)
    add(d, "Trần Thị Bình", amount=500_000)
    text = _text(documents.list_pdf(d), tmp_path)
    assert "1.750.000" in text and "Một triệu bảy trăm năm mươi nghìn đồng" in text


def test_decision_pdf_layout_and_fonts_embedded(decision, tmp_path):
    pdf = documents.decision_pdf(decision)
    text = _text(pdf, tmp_path)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", f"Số: {decision.number}",
                     "QUYẾT ĐỊNH", "Căn cứ Điều lệ Hội Khuyến học Việt Nam;", "Điều 1.", "Điều 2.", "Điều 3.",
                     "Nơi nhận:", "Lai Vung, ngày 05 tháng 02 năm 2026", "Huỳnh Minh Tâm"):
        assert expected in text, expected
    fonts = _fonts(pdf, tmp_path)
    assert fonts and all(emb == "yes" for _, emb in fonts)
    assert all("Tinos" in name for name, _ in fonts)
    assert _size(pdf, tmp_path) == A4_PORTRAIT


def test_certificates_one_landscape_page_each_in_list_order(decision, tmp_path):
    pdf = documents.certificates_pdf(certs.certificates_of(decision))
    info = _info(pdf, tmp_path)
    assert info["Pages"] == str(len(NAMES))
    assert _size(pdf, tmp_path) == A4_LANDSCAPE
    text = _text(pdf, tmp_path)
    pages = text.split("\f")
    for page, name in zip(pages, ORDER):
        assert name in page
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Độc lập - Tự do - Hạnh phúc" in page
        assert "GIẤY KHEN" in page and "Lai Vung, ngày 05 tháng 02 năm 2026" in page
        assert f"Quyết định số {decision.number} ngày 05/02/2026" in page
    assert "Số sổ vàng: 1" in pages[0] and "Số sổ vàng: 5" in pages[4]
    names = {name for name, _ in _fonts(pdf, tmp_path)}
    assert any("Dancing" in n for n in names) and any("Tinos" in n for n in names)
    assert all(emb == "yes" for _, emb in _fonts(pdf, tmp_path))


@pytest.mark.parametrize("border", ["classic", "simple"])
def test_longest_name_and_achievement_stay_on_one_page(world, tmp_path, border):
    assert len(LONG_NAME) == 60 and len(LONG_ACHIEVEMENT) == 200
    certs.save_setting(world.commune, issuer_line="Ban Thường vụ Hội Khuyến học xã Lai Vung", title="GIẤY KHEN",
                       border=border, logo="img/logo-khuyen-hoc.svg", signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
                       signer_name="Huỳnh Minh Tâm", place="Lai Vung")
    d = make_decision(world.commune)
    add(d, LONG_NAME, LONG_ACHIEVEMENT, place="Lớp 9A1, Trường Trung học cơ sở Nguyễn Văn Trỗi xã Lai Vung")
    add(d, "Lê Văn An")
    pdf = documents.certificates_pdf(certs.certificates_of(d))
    assert _info(pdf, tmp_path)["Pages"] == "2"
    text = " ".join(_text(pdf, tmp_path).split())
    assert LONG_NAME in text and "Cháu ngoan Bác Hồ xã" in text and "Huỳnh Minh Tâm" in text


def test_long_list_repeats_the_header_and_numbers_pages_across_the_document(world, tmp_path):
    d = make_decision(world.commune, group_by="place")
    for i in range(70):
        add(d, f"Nguyễn Văn Học{chr(97 + i % 26)}{i:02d}", "Khá", place=("Ấp Tân Lộc" if i % 2 else "Ấp Hòa Bình"),
            commit=False)
    db.session.commit()
    pdf = documents.list_pdf(d)
    pages = _text(pdf, tmp_path).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for n, page in enumerate(pages, 1):
        if "Nguyễn Văn" in page:
            assert "Họ và tên" in page and "Thành tích" in page  # header row on every page with rows
        assert f"Trang {n} / {len(pages)}" in page
    assert "Số tiền" not in pages[0] and "bằng chữ" not in pages[-1]  # no prize money: no money column
    text = "".join(pages)
    assert text.index("Ấp Hòa Bình") < text.index("Ấp Tân Lộc")  # groups in Vietnamese order


def test_every_certificate_has_its_frame(decision, tmp_path):
    from PIL import Image

    pdf = documents.certificates_pdf(certs.certificates_of(decision))
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "p")], check=True)
    reds = []
    for png in sorted(tmp_path.glob("p-*.png")):
        image = Image.open(png).convert("RGB")
        # The classic frame's dark red band, 8 mm in from the edge (the text is further inside).
        band = [image.getpixel((x, y)) for x in range(image.width) for y in range(4, 11)]
        reds.append(sum(1 for r, g, b in band if r > 120 and g < 90 and b < 90))
    assert len(reds) == len(NAMES) and min(reds) > image.width // 2 and max(reds) == min(reds)
    # (Whether the pages share one drawing of the frame was the patched drawing cache's promise; stock
    # WeasyPrint draws it on each page since the speed layer went, issue 16 part 2.)
