"""A damaged .xlsx is refused with the Vietnamese message, never a 500, whatever part of the check
trips on it (found by the bank statements' fuzzing, issue 17: a corrupt deflate stream, a part
stored with a compression method zipfile cannot read, an XML prolog naming an unknown encoding)."""
import io
import zipfile

import pytest

from app.core.xlsx import XlsxError, build_workbook, read_upload


class _Upload:
    def __init__(self, data):
        self.filename, self._data = "ds.xlsx", data

    def read(self, n=-1):
        return self._data if n is None or n < 0 else self._data[:n]


def _plain() -> bytes:
    return build_workbook(["Họ và tên", "Ghi chú"], [["Lê Văn An", "x"]])


def _rewritten(change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_plain())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)))
    return out.getvalue()


def _corrupt_deflate() -> bytes:
    data = bytearray(_plain())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start, start + min(info.compress_size, 40)):
        data[i] ^= 0x5A  # the stream no longer inflates; the directory still says it is fine
    return bytes(data)


def _unknown_method() -> bytes:
    data = bytearray(_plain())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    offset = data.find(b"PK\x01\x02" + bytes(data[info.header_offset + 4:info.header_offset + 6]))
    for at in (info.header_offset + 8, data.find(info.filename.encode(), offset) - 46 + 10):
        data[at:at + 2] = (97).to_bytes(2, "little")  # method 97 (WavPack): zipfile cannot read it
    return bytes(data)


def _unknown_encoding() -> bytes:
    return _rewritten(lambda name, data: data.replace(b'encoding="UTF-8"', b'encoding="x-klingon"')
                      if name == "xl/worksheets/sheet1.xml" else data)


@pytest.mark.parametrize("make", [_corrupt_deflate, _unknown_method, _unknown_encoding])
def test_a_damaged_workbook_is_refused_in_vietnamese(make):
    with pytest.raises(XlsxError) as err:
        read_upload(_Upload(make()))
    assert "Excel" in str(err.value) or "tệp" in str(err.value).lower()


def test_the_plain_workbook_reads():  # the positive control: the same workbook undamaged
    assert read_upload(_Upload(_plain()))[1] == ["Lê Văn An", "x"]
