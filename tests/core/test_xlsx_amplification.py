"""Uploads crafted for memory amplification are refused before openpyxl reads them, or read with only
the template's columns (issue 15, finding 1: a 5 KB file with <dimension ref="A1:XFD5001"/> cost
620 MB, because the read-only reader padded every row to 16,384 columns and all were kept).

The crafted files (tests/proofs/crafted_xlsx.py) are built here at a reduced size; the proof
tests/proofs/test_upload_amplification_proof.py measures each one's peak memory at full size.
"""
import io
import tracemalloc
import uuid
import zipfile
from datetime import date

import pytest
from flask import url_for

from app.core import xlsx_scan
from app.core.xlsx import XlsxError, build_workbook, read_upload
from tests.authz import merged_table
from tests.conftest import login
from tests.proofs import crafted_xlsx as crafted



class _Upload:
    def __init__(self, data):
        self.filename, self._data = "ds.xlsx", data

    def read(self, n=-1):
        return self._data if n is None or n < 0 else self._data[:n]


@pytest.fixture
def openpyxl_untouched(monkeypatch):
    """Fails the test if openpyxl opens the workbook: the refusal must come first."""
    import openpyxl

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook that should have been refused before")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_a_declared_dimension_does_not_widen_the_rows():
    rows = read_upload(_Upload(crafted.declared_dimension(scale=0.02)), columns=13)
    assert len(rows) == 100
    assert max(len(r) for r in rows) == 2  # the cells there are, not 16,384 (nor 13 padded Nones)
    assert rows[0] == [101, 102]


def test_cells_past_the_template_are_never_read():
    rows = read_upload(_Upload(crafted.wide_rows(scale=0.05)), columns=13)
    assert len(rows) == 50 and {len(r) for r in rows} == {13}
    assert rows[0][-1] == 113


def test_a_real_template_reads_as_before():
    headers = ["Ngày", "Họ tên", "Số tiền"]
    data = build_workbook(headers + ["Cột thêm"], [[date(2026, 9, 5), "Lê Văn An", 500000, "bỏ qua"],
                                                   [None, None, None, None], [None, "Trần Thị Bé", 0, None]])
    rows = read_upload(_Upload(data), columns=3)
    assert rows[0] == headers
    assert rows[1][0].date() == date(2026, 9, 5) and rows[1][1:] == ["Lê Văn An", 500000]
    assert rows[2] == [] and rows[3] == [None, "Trần Thị Bé", 0]


def test_trailing_empty_rows_and_formatting_only_rows_are_not_rows():
    sheet = crafted.sheet_xml(crafted.plain_rows(3) + b'<row r="9000" s="1" customFormat="1"/>')
    assert len(read_upload(_Upload(crafted.package([sheet])), max_rows=5, columns=4)) == 3


@pytest.mark.parametrize("builder, scale, message", [
    (crafted.many_rows, 0.01, "quá nhiều dòng"),
    (crafted.far_row, 1, "quá nhiều dòng"),
    (crafted.shared_strings, 0.1, xlsx_scan.STRINGS_REFUSED),
    (crafted.long_string, 0.01, xlsx_scan.TEXT_REFUSED),
    (crafted.long_attribute, 0.02, xlsx_scan.TEXT_REFUSED),
    (crafted.styles, 0.5, xlsx_scan.STRUCTURE_REFUSED),
    (crafted.many_sheets, 0.03, xlsx_scan.SHEETS_REFUSED),
    (crafted.deep_xml, 0.005, xlsx_scan.STRUCTURE_REFUSED),
    (crafted.many_elements, 0.012, xlsx_scan.STRUCTURE_REFUSED),
], ids=["rows", "far-row", "shared-strings", "long-string", "long-attribute", "styles", "sheets", "deep", "elements"])
def test_crafted_upload_is_refused_before_openpyxl_reads_it(builder, scale, message, openpyxl_untouched):
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(builder(scale=scale)), max_rows=5000, columns=13)
    assert message in str(err.value)


def test_a_doctype_after_a_long_prolog_is_refused():
    """The declaration check reads each part's first 64 KB; the scan sees the whole prolog."""
    from app.core.xlsx import DECLARATION_REFUSED

    sheet = (crafted.DECL + b"<!--" + b"x" * 70_000 + b'-->\n<!DOCTYPE w [<!ENTITY a "b">]>'
             + crafted.sheet_xml(crafted.plain_rows(2))[len(crafted.DECL):])
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(crafted.package([sheet])), columns=2)
    assert str(err.value) == DECLARATION_REFUSED


def test_a_huge_stylesheet_by_size_is_refused(openpyxl_untouched):
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(crafted.styles(scale=1.3)), columns=2)  # 91,000 formats, 4.7 MB
    assert str(err.value) == xlsx_scan.SIZE_REFUSED


def test_a_chartsheet_is_refused(openpyxl_untouched):
    data = crafted.package()
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(patched, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.endswith("workbook.xml.rels"):
                part = part.replace(b"/worksheet", b"/chartsheet")
            dst.writestr(info.filename, part)
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(patched.getvalue()), columns=2)
    assert str(err.value) == xlsx_scan.CHART_REFUSED


@pytest.mark.parametrize("htmx", [False, True])
def test_every_import_answers_a_declared_dimension_upload_with_a_page_not_a_500(app, world, htmx):
    """The finding's file, posted to each import: a page with the Vietnamese refusal (the rows are
    numbers, not the template), answered quickly instead of costing the worker 620 MB."""
    bad = crafted.declared_dimension(scale=0.1)
    too_long = crafted.package([crafted.sheet_xml(crafted.plain_rows(5002), dimension="A1:XFD5002")])
    for client, url in crafted.import_targets(app, world):
        for data, words in ((bad, ("không đúng mẫu", "Họ và tên")), (too_long, ("quá nhiều dòng",))):
            tracemalloc.start() if data is bad else None
            try:
                resp = client.post(url, data={"file": (io.BytesIO(data), "ds.xlsx"), "kind": "pupil",
                                                     "idem_key": uuid.uuid4().hex},
                                          content_type="multipart/form-data", htmx=htmx)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            body = resp.get_data(as_text=True)
            assert resp.status_code in (200, 422), (url, resp.status_code)
            assert any(w in body for w in words), (url, body[:300])
            assert data is not bad or peak < 16 * 2**20, (url, peak)  # 500 rows of 16,384 columns: 65 MB


@pytest.mark.parametrize("export, importing", [
    ("pupils.export", "app.pupils.importing"), ("pupils.export", "app.scholarships.importing"),
    ("commendations.honorees_export", "app.commendations.importing")])
def test_the_width_each_import_reads_still_holds_its_own_export(app, world, export, importing):
    """The header-matched imports read as many columns as they know headers (template and aliases),
    not just the template's: their own exports, with extra columns, must come back whole."""
    import importlib

    from app.core.imports import header_columns

    known = importlib.import_module(importing).COLUMNS
    entry = merged_table()[export]
    client = app.test_client()
    login(client, world.users["admin"])
    with app.test_request_context():
        url = url_for(export, **(entry.args(world, True) if entry.args else {}))
    data = client.get(url).data
    narrow = read_upload(_Upload(data), columns=len(known))[0]
    wide = read_upload(_Upload(data), columns=200)[0]
    assert len(header_columns(wide, known)) >= 5
    assert header_columns(narrow, known) == header_columns(wide, known)
