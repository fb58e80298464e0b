"""Long lists rendered in chunks read exactly like one table; certificates in one PDF.

300 rows with group headings in chunks of 60 pieces: several chunk boundaries. The reference is the
same list rendered as one WeasyPrint document with its own "Trang x / y" footers.
"""
import datetime
import re
import shutil
import subprocess
import time
import unicodedata
import pytest
from jinja2 import ChoiceLoader, DictLoader

from app import create_app
from app.printing.services import decision_list_columns, render_list_pdf, render_many
from tests.printing.test_engine import VIETNAMESE

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils not installed",
)

LIST = (
    '{% extends "pdf/_list.html" %}{% from "pdf/_admin_header.html" import admin_header, signature_block %}'
    '{% block list_header %}{{ admin_header("Hội Khuyến học tỉnh Thanh Hóa", "Hội Khuyến học xã Quảng Phú") }}'
    '<h1>DANH SÁCH KHEN THƯỞNG</h1><p class="center italic">(Kèm theo Quyết định số 15/QĐ-HKH)</p>{% endblock %}'
    '{% block list_footer %}{{ signature_block("Chủ tịch", "Trịnh Đức Hưng") }}{% endblock %}'
)
CERTS = (
    '{% extends "pdf/_base.html" %}{% set landscape = true %}{% set page_numbers = false %}'
    '{% block page_css %}section { break-after: page; }{% endblock %}'
    '{% block content %}{% for it in items %}<section><h1>GIẤY KHEN</h1><p class="display">{{ it.name }}</p>'
    '<p>Số {{ item_offset + loop.index }}</p></section>{% endfor %}{% endblock %}'
)
SCHOOLS = ["Trường Tiểu học Quảng Phú", "Trường THCS Lê Hữu Lập", "Trường THPT Đặng Thai Mai"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("longlist") / "t.db"
    flask_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}"})
    flask_app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"pdf/_t_list.html": LIST, "pdf/_t_certs.html": CERTS}), flask_app.jinja_env.loader])
    with flask_app.app_context():
        yield flask_app


def _has_every_word(text):
    # A narrow cell wraps the probe over lines between other columns: compare words (pdftotext
    # glues runs of one-letter words, so those are compared as letters).
    text = unicodedata.normalize("NFC", text)
    words = set(text.replace(",", " ").split())
    probe = set(VIETNAMESE.replace(",", " ").split())
    missing = {w for w in probe if len(w) > 1} - words
    missing |= {w for w in probe if len(w) == 1 and w not in text}
    assert not missing, missing


def rows(n=300, extra=None):
    out = []
    for i in range(n):
        out.append({"full_name": f"Nguyễn Thị Ánh {i + 1:03d}", "birth_date": datetime.date(2012, 1 + i % 12, 1 + i % 28),
                    "place": f"Lớp {1 + i % 9}A, {SCHOOLS[i * len(SCHOOLS) // n]}", "school": SCHOOLS[i * len(SCHOOLS) // n],
                    "achievement": "Học sinh giỏi cấp huyện" if i % 4 else "Giải Nhất Olympic Toán cấp tỉnh năm học 2025-2026",
                    "amount": 200_000, "note": "Hộ nghèo" if i % 7 == 0 else ""})
    if extra:
        out[150]["note"] = extra
    return out


def _text(pdf, tmp_path, *args):
    path = tmp_path / f"d{time.monotonic_ns()}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return text, int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)), fonts, info


@pytest.fixture(scope="module")
def chunked_pdf(app):
    return render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), columns=decision_list_columns(),
                           chunk_rows=60, amount_key="amount", group_key="school")


def test_page_numbers_run_across_chunks(chunked_pdf, tmp_path):
    text, pages, _, _ = _text(chunked_pdf, tmp_path)
    assert pages >= 6
    footers = re.findall(r"Trang (\d+) / (\d+)", text)
    assert [int(n) for n, _ in footers] == list(range(1, pages + 1))
    assert {int(total) for _, total in footers} == {pages}


def test_header_row_on_every_page_and_every_row_once_in_order(chunked_pdf, tmp_path):
    text, pages, _, _ = _text(chunked_pdf, tmp_path)
    sheets = [p for p in text.split("\f") if p.strip()]
    assert len(sheets) == pages
    with_rows = [p for p in sheets if "Nguyễn Thị Ánh" in p]
    assert len(with_rows) >= pages - 1  # only the signature may stand alone on the last page
    assert all("Họ và tên" in p and "Thành tích" in p for p in with_rows)
    numbers = [int(n) for n in re.findall(r"Nguyễn Thị Ánh\s+(\d{3})", text)]  # the name may wrap
    assert numbers == list(range(1, 301))
    assert text.count("DANH SÁCH KHEN THƯỞNG") == 1 and text.count("Trịnh Đức Hưng") == 1


def test_chunks_flow_like_one_table(app, chunked_pdf, tmp_path):
    whole = render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), chunk_rows=1000,
                            amount_key="amount", group_key="school")
    one, pages_one, _, _ = _text(whole, tmp_path, "-layout")
    many, pages_many, _, _ = _text(chunked_pdf, tmp_path, "-layout")
    assert pages_one == pages_many  # no half-empty page at a chunk boundary
    assert one == many


def test_groups_total_and_amount_in_words(chunked_pdf, tmp_path):
    text = _text(chunked_pdf, tmp_path)[0]
    for school in SCHOOLS:
        assert sum(1 for line in text.splitlines() if line.strip() == school) == 1
    assert "Tổng cộng" in text and "60.000.000" in text
    assert "Sáu mươi triệu đồng" in " ".join(text.split())


def test_every_diacritic_and_only_bundled_fonts_embedded(chunked_pdf, tmp_path):
    text, _, fonts, info = _text(chunked_pdf, tmp_path)
    _has_every_word(text)
    assert re.search(r"Page size:\s+595\.\d* x 841\.", info)
    for row in fonts.splitlines()[2:]:
        assert re.search(r"\+(Tinos|Dancing)", row) and row.split()[-5:-3] == ["yes", "yes"], row


def test_nfd_rows_print_composed(app, tmp_path):
    nfd = [{k: unicodedata.normalize("NFD", v) if isinstance(v, str) else v for k, v in r.items()}
           for r in rows(20, extra=None)]
    nfd[3]["note"] = unicodedata.normalize("NFD", VIETNAMESE)
    text = _text(render_list_pdf("pdf/_t_list.html", nfd, amount_key="amount"), tmp_path)[0]
    assert unicodedata.normalize("NFC", text) == text
    _has_every_word(text)


def test_many_certificates_one_pdf_landscape(app, tmp_path):
    seen = []
    items = [{"name": unicodedata.normalize("NFD", f"Lê Ngọc Ẩn {i}")} for i in range(5)]
    pdf = render_many("pdf/_t_certs.html", items, chunk_items=2, progress=lambda d, t: seen.append((d, t)))
    text, pages, fonts, info = _text(pdf, tmp_path)
    assert pages == 5 and re.search(r"Page size:\s+841\.\d* x 595\.", info)
    assert [int(n) for n in re.findall(r"Số (\d+)", text)] == [1, 2, 3, 4, 5]
    assert "Lê Ngọc Ẩn 4" in text and "Dancing" in fonts
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_merge_joins_pages_and_refuses_a_stamp_count_that_does_not_match(app, tmp_path):
    from app.printing.engine import Merger
    from app.printing.services import render_pdf

    one = render_pdf("pdf/_base.html", page_numbers=False)
    merger = Merger()
    merger.add(one)
    merger.add(one)
    with pytest.raises(ValueError):
        merger.stamp(one)
    assert _text(merger.write(), tmp_path)[1] == 2


def test_numbers_header_row_stt_and_total_across_chunk_boundaries(chunked_pdf, tmp_path):
    text, count, fonts, _ = _text(chunked_pdf, tmp_path, "-layout")
    text = unicodedata.normalize("NFC", text)
    pages = [p for p in text.split("\f") if p.strip()]
    assert count == len(pages) >= 7
    # "Trang x / y" on every page, x running 1..y across the whole document, y the page count.
    footers = [re.search(r"Trang (\d+) / (\d+)\s*$", p) for p in pages]
    assert [(int(f.group(1)), int(f.group(2))) for f in footers] == [(i, count) for i in range(1, count + 1)]
    # STT continuous: 1..300, each once, in order, and the names (their number wraps under them) too.
    assert [int(n) for n in re.findall(r"^\s*(\d+)\s+Nguyễn Thị Ánh", text, re.M)] == list(range(1, 301))
    assert [int(n) for n in re.findall(r"^\s+(\d{3})\b(?!\s+Nguyễn)", text, re.M)] == list(range(1, 301))


def test_progress_counts_rows_up_to_the_total(app):
    seen = []
    render_list_pdf("pdf/_t_list.html", rows(), chunk_rows=60, progress=lambda d, t: seen.append((d, t)),
                    amount_key="amount", group_key="school")
    assert len(seen) >= 5 and [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (300, 300)


def test_landscape_list_numbered_like_one_document(app, tmp_path):
    data = rows(150)
    args = {"amount_key": "amount", "group_key": "school", "landscape": True}
    one = render_list_pdf("pdf/_t_list.html", data, chunk_rows=1000, **args)
    chunks = render_list_pdf("pdf/_t_list.html", data, chunk_rows=40, **args)
    text, pages, _, info = _text(chunks, tmp_path, "-layout")
    assert pages >= 3 and re.search(r"Page size:\s+841\.\d* x 595\.", info)
    assert text == _text(one, tmp_path, "-layout")[0]


def test_five_digit_stt_stays_in_its_cell(app, tmp_path):
    data = rows(12)
    for i, row in enumerate(data):
        row["stt"] = 9995 + i  # the numbers of a 10,000-name list
    text = _text(render_list_pdf("pdf/_t_list.html", data, columns=decision_list_columns(), amount_key="amount"),
                 tmp_path, "-layout")[0]
    assert re.findall(r"^\s*(\d+) Nguyễn Thị Ánh", text, re.M) == [str(9995 + i) for i in range(12)]


def test_many_certificates_in_chunks_keep_their_order(app, tmp_path):
    items = [{"name": unicodedata.normalize("NFD", f"Lê Ngọc Ẩn {i}")} for i in range(30)]
    text, pages, fonts, info = _text(render_many("pdf/_t_certs.html", items, chunk_items=7), tmp_path)
    assert pages == 30 and re.search(r"Page size:\s+841\.\d* x 595\.", info)
    assert [int(n) for n in re.findall(r"Số (\d+)", text)] == list(range(1, 31))
    assert "Lê Ngọc Ẩn 29" in text and "Dancing" in fonts
