"""Long lists laid out in chunks side by side (render processes) read exactly like one long table.

300 rows with group headings in chunks of 60: five chunk boundaries. The reference is the same list
rendered as one WeasyPrint document with its own "Trang x / y" footers.
"""
import os
import re
import shutil
import subprocess
import time
import unicodedata

import pytest
from flask import render_template
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

from app import create_app
from app.printing import chunked, procpool
from app.printing.longlist import decision_list_columns, normalise_rows, render_list_pdf
from app.printing.many import render_many
from app.printing.paginate import Geometry
from app.printing.parts import first_row_on
from app.printing.stamps import number_stamps
from tests.printing.test_engine import VIETNAMESE
from tests.printing.test_longlist import CERTS, LIST, SCHOOLS, rows

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils not installed",
)

ARGS = {"columns": decision_list_columns(), "amount_key": "amount", "group_key": "school"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("parallel") / "t.db"
    flask_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db}"})
    flask_app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"pdf/_t_list.html": LIST, "pdf/_t_certs.html": CERTS}), flask_app.jinja_env.loader])
    with flask_app.app_context():
        yield flask_app


def _pdf_text(pdf, tmp_path, *args):
    path = tmp_path / f"d{time.monotonic_ns()}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", text), fonts, info


@pytest.fixture(scope="module")
def whole(app):
    """The reference: one document (chunk_rows above the row count), WeasyPrint's own footers."""
    return render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), chunk_rows=1000, **ARGS)


@pytest.fixture(scope="module")
def parallel(app):
    seen = []
    with procpool.background(2):
        pdf = render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), chunk_rows=60,
                              progress=lambda done, total: seen.append((done, total)), **ARGS)
    return pdf, dict(chunked.LAST_RUN), seen


def test_chunks_rendered_in_two_processes_give_the_one_long_table(parallel, whole, tmp_path):
    pdf, run, seen = parallel
    assert run["processes"] == 2 and run["predicted"] and run["misses"] == 0 and run["stamps"] == "lines"
    assert run["chunks"] >= 5  # 300 rows in chunks of at most 60
    assert len(run["peaks"]) == 2 and os.getpid() in run["peaks"]  # this process and a render process
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (300, 300)
    assert _pdf_text(pdf, tmp_path, "-layout")[0] == _pdf_text(whole, tmp_path, "-layout")[0]


def test_numbers_header_row_stt_and_total_across_chunk_boundaries(parallel, tmp_path):
    text, fonts, info = _pdf_text(parallel[0], tmp_path, "-layout")
    pages = [p for p in text.split("\f") if p.strip()]
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert count == len(pages) >= 7
    # "Trang x / y" on every page, x running 1..y across the whole document, y the page count.
    footers = [re.search(r"Trang (\d+) / (\d+)\s*$", p) for p in pages]
    assert [(int(f.group(1)), int(f.group(2))) for f in footers] == [(i, count) for i in range(1, count + 1)]
    # The header row on every page that has rows; only the signature may stand alone at the end.
    with_rows = [p for p in pages if "Nguyễn Thị Ánh" in p]
    assert len(with_rows) >= count - 1 and all("Họ và tên" in p and "Thành tích" in p for p in with_rows)
    # STT continuous: 1..300, each once, in order, and the names (their number wraps under them) too.
    assert [int(n) for n in re.findall(r"^\s*(\d+)\s+Nguyễn Thị Ánh", text, re.M)] == list(range(1, 301))
    assert [int(n) for n in re.findall(r"^\s+(\d{3})\b(?!\s+Nguyễn)", text, re.M)] == list(range(1, 301))
    for school in SCHOOLS:  # one heading per group, none repeated at a chunk boundary
        assert sum(1 for line in text.splitlines() if line.strip() == school) == 1
    flat = " ".join(" ".join(pages[-2:]).split())  # the signature may stand on its own last page
    assert "Tổng cộng" in flat and "60.000.000" in flat and "Sáu mươi triệu đồng" in flat
    rows_ = fonts.splitlines()[2:]
    assert rows_ and all(re.search(r"\+(Tinos|Dancing)", r) and r.split()[-5:-3] == ["yes", "yes"] for r in rows_)
    words = set(" ".join(text.split()).replace(",", " ").split())
    assert {w for w in VIETNAMESE.replace(",", " ").split() if len(w) > 1} <= words


def test_predicted_page_breaks_are_weasyprints(app, whole):
    data = normalise_rows(rows(extra=VIETNAMESE))
    base = dict(columns=decision_list_columns(), group_key="school", amount_key=None, amount_index=None,
                total_amount=0, total_label="Tổng cộng")
    fragments = chunked.row_fragments(data, base, "school")
    geometry = chunked._probe("pdf/_t_list.html", fragments, base)
    assert geometry is not None
    html = render_template("pdf/_t_list.html", rows_html=Markup("".join(fragments)), is_first=True, is_last=False, **base)
    real = [first_row_on(p) for p in chunked._document(html).pages[1:]]
    assert [p + 1 for p in geometry.page_starts(fragments, 0, True)] == real


def test_a_wrong_prediction_is_caught_and_the_document_stays_right(app, whole, monkeypatch, tmp_path):
    original = Geometry.page_starts

    def early(self, fragments, start, first_page):  # every break predicted three rows too early
        for page in original(self, fragments, start, first_page):
            yield page - 3

    monkeypatch.setattr(Geometry, "page_starts", early)
    pdf = render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), chunk_rows=60, **ARGS)
    assert chunked.LAST_RUN["misses"] >= 1
    assert _pdf_text(pdf, tmp_path, "-layout")[0] == _pdf_text(whole, tmp_path, "-layout")[0]


def test_a_row_the_model_cannot_measure_ends_the_prediction(app, whole, monkeypatch, tmp_path):
    original, calls = Geometry.heights, []

    def measure(self, fragment):
        calls.append(fragment)
        if len(calls) > 150:  # from row ~140 on: no prediction, chunk after chunk like one table
            raise ValueError("cannot measure")
        return original(self, fragment)

    monkeypatch.setattr(Geometry, "heights", measure)
    pdf = render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), chunk_rows=60, **ARGS)
    assert len(calls) > 150 and chunked.LAST_RUN["chunks"] >= 5
    assert _pdf_text(pdf, tmp_path, "-layout")[0] == _pdf_text(whole, tmp_path, "-layout")[0]


def test_without_a_prediction_the_chunks_still_flow_like_one_table(app, whole, monkeypatch, tmp_path):
    monkeypatch.setattr(chunked, "probe_geometry", lambda *args: None)
    pdf = render_list_pdf("pdf/_t_list.html", rows(extra=VIETNAMESE), chunk_rows=60, **ARGS)
    assert chunked.LAST_RUN["predicted"] is False
    assert _pdf_text(pdf, tmp_path, "-layout")[0] == _pdf_text(whole, tmp_path, "-layout")[0]


def test_landscape_list_numbers_stamped_where_weasyprint_puts_them(app, tmp_path):
    data = rows(150)
    one = render_list_pdf("pdf/_t_list.html", data, chunk_rows=1000, landscape=True, **ARGS)
    chunks = render_list_pdf("pdf/_t_list.html", data, chunk_rows=40, landscape=True, **ARGS)
    assert chunked.LAST_RUN["chunks"] >= 3 and chunked.LAST_RUN["stamps"] == "lines"
    text, _, info = _pdf_text(chunks, tmp_path, "-layout")
    assert re.search(r"Page size:\s+841\.\d* x 595\.", info)
    assert text == _pdf_text(one, tmp_path, "-layout")[0]
    assert number_stamps(12, landscape=True) is not None and len(number_stamps(12, False).contents) == 12


def test_many_certificates_in_two_processes_keep_their_order(app, tmp_path):
    items = [{"name": unicodedata.normalize("NFD", f"Lê Ngọc Ẩn {i}")} for i in range(30)]
    with procpool.background(2):
        pdf = render_many("pdf/_t_certs.html", items, chunk_items=5)
    assert chunked.LAST_RUN["processes"] == 2 and chunked.LAST_RUN["chunks"] == 6
    text, fonts, info = _pdf_text(pdf, tmp_path)
    assert re.search(r"^Pages:\s+30$", info, re.M) and re.search(r"Page size:\s+841\.\d* x 595\.", info)
    assert [int(n) for n in re.findall(r"Số (\d+)", text)] == list(range(1, 31))
    assert "Lê Ngọc Ẩn 29" in text and "Dancing" in fonts


def test_render_processes_only_inside_background_blocks():
    assert procpool.allowed() == 1  # a web request renders in its own process
    with procpool.background(3):
        assert procpool.allowed() == 3
    assert procpool.allowed() == 1
    assert procpool.configured({"PRINT_PROCESSES": "2"}) == 2
    assert procpool.configured({"PRINT_PROCESSES": "x"}) == 1


def test_rows_parsed_as_xml_or_html_print_the_same(app, tmp_path):
    from app.printing import parts

    data = rows(40)
    data[5]["note"] = VIETNAMESE
    data = normalise_rows(data)
    base = dict(columns=decision_list_columns(), group_key="school", amount_key=None, amount_index=None,
                total_amount=0, total_label="Tổng cộng")
    fragments = chunked.row_fragments(data, base, "school")
    html, body = chunked._chunk_html("pdf/_t_list.html", fragments, base, 0, len(fragments), True)
    spliced = parts.layout(html, app.static_folder, rows=body)
    parsed = parts.layout(html.replace(parts.ROWS_SLOT, body), app.static_folder)
    assert _pdf_text(spliced.write_pdf(), tmp_path, "-layout")[0] == _pdf_text(parsed.write_pdf(), tmp_path, "-layout")[0]
    # A control character is not XML: those rows go through the HTML parser and still print.
    odd = body.replace("Nguyễn Thị Ánh 007", "Nguyễn Thị Ánh\x0b 007")
    text = _pdf_text(parts.layout(html, app.static_folder, rows=odd).write_pdf(), tmp_path)[0]
    assert "Nguyễn Thị Ánh 040" in " ".join(text.split())


def test_five_digit_stt_stays_in_its_cell(app, tmp_path):
    data = rows(12)
    for i, row in enumerate(data):
        row["stt"] = 9995 + i  # the numbers of a 10,000-name list
    text = _pdf_text(render_list_pdf("pdf/_t_list.html", data, **ARGS), tmp_path, "-layout")[0]
    assert re.findall(r"^\s*(\d+) Nguyễn Thị Ánh", text, re.M) == [str(9995 + i) for i in range(12)]
