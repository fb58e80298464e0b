"""An uploaded .xlsx whose XML carries a DOCTYPE or ENTITY is refused by every import with the
Vietnamese message beside the file field (422, nothing staged), never a 500 (issue 15, finding 5).

Excel never writes a DTD; before app.core.xlsx refused them, a DTD in a sheet made openpyxl fail
while rows were read, outside the reader's error handling.
"""
import io
import uuid
import zipfile

import pytest
from sqlalchemy import select

from app.core.xlsx import DECLARATION_REFUSED, XlsxError, build_workbook, read_upload
from tests.proofs import crafted_xlsx as crafted

DTD = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _with_declaration(part: str, encoding: str = "utf-8") -> bytes:
    """A real workbook with a DTD put into one part's prolog (after its XML declaration)."""
    plain = build_workbook(["Họ và tên", "Ghi chú"], [["Lê Văn An", "x"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                head, sep, rest = data.partition(b"?>")
                data = head + sep + DTD + rest
                if encoding != "utf-8":
                    data = data.replace(b'encoding="UTF-8"', encoding.encode()).decode().encode(encoding)
            dst.writestr(info.filename, data)
    return out.getvalue()


class _Upload:
    def __init__(self, data):
        self.filename, self._data = "ds.xlsx", data

    def read(self, n=-1):
        return self._data if n is None or n < 0 else self._data[:n]


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml",
                                  "xl/_rels/workbook.xml.rels"])
def test_reader_refuses_a_declaration_in_any_part(part):
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(_with_declaration(part)))
    assert str(err.value) == DECLARATION_REFUSED


def test_reader_refuses_a_declaration_in_a_utf16_part():
    data = _with_declaration("xl/worksheets/sheet1.xml", encoding="utf-16")
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(data))
    assert str(err.value) == DECLARATION_REFUSED


def test_reader_still_reads_a_plain_workbook():
    rows = read_upload(_Upload(build_workbook(["Họ và tên"], [["Lê Văn An"]])))
    assert rows == [["Họ và tên"], ["Lê Văn An"]]


def _post(client, url, data):
    return client.post(url, data={"file": (io.BytesIO(data), "ds.xlsx"), "kind": "pupil",
                                  "idem_key": uuid.uuid4().hex}, content_type="multipart/form-data")


def _staged(app):
    from app.core.blobs import StoredBlob
    from app.extensions import db

    return sorted(db.session.scalars(select(StoredBlob.key).where(StoredBlob.kind == "import")))


@pytest.mark.parametrize("htmx", [False, True])
def test_every_import_refuses_a_dtd_with_422_and_writes_nothing(app, world, htmx):
    from app.donations.models import DonationImport
    from app.extensions import db

    bad = _with_declaration("xl/worksheets/sheet1.xml")
    for client, url in crafted.import_targets(app, world):
        before, imports = _staged(app), db.session.query(DonationImport).count()
        resp = client.post(url, data={"file": (io.BytesIO(bad), "ds.xlsx"), "kind": "pupil",
                                      "idem_key": uuid.uuid4().hex},
                           content_type="multipart/form-data", htmx=htmx)
        assert resp.status_code == 422, (url, resp.status_code)
        assert DECLARATION_REFUSED in resp.get_data(as_text=True), url
        assert _staged(app) == before and db.session.query(DonationImport).count() == imports, url
        # Positive control: the same workbook without the DTD reaches the import (no such message).
        plain = _post(client, url, build_workbook(["Họ và tên"], [["Lê Văn An"]]))
        assert plain.status_code in (200, 303, 422), (url, plain.status_code)
        assert DECLARATION_REFUSED not in plain.get_data(as_text=True), url
