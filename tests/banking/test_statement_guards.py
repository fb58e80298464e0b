"""Bad statement files: each gets a clear Vietnamese StatementError, never a traceback (issue 17 B)."""
import io
import zipfile
from datetime import date, timedelta

import pytest

from app.banking.statements import StatementError, read_statement, sample_statement, sheet_preview
from app.banking.statements.sheet import MAX_LINES
from app.core.refusal import Refusal
from app.core.xlsx import DECLARATION_REFUSED

LINES = [(date(2026, 10, 1), 500_000, "in", "NGUYEN VAN A chuyen tien KH24D123X", "R1"),
         (date(2026, 10, 2), 20_000, "out", "Phi SMS", "R2")]


def _refused(data: bytes, filename: str, **kw) -> str:
    with pytest.raises(StatementError) as err:
        read_statement(data, filename, **kw)
    assert isinstance(err.value, Refusal) and err.value.field == "file" or err.value.field == "mapping"
    return str(err.value)


def _rezip(data: bytes, change) -> bytes:
    """The .xlsx `data` with each part passed through change(name, bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


@pytest.mark.parametrize("data,filename,message", [
    (b"", "a.csv", "Tệp tải lên trống."),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "sao-ke.pdf", "không phải là sao kê dạng bảng tính"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "anh.png", "không phải là sao kê dạng bảng tính"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "sao-ke.xls", "Excel 97-2003 (.xls)"),
    (b"<html><body><table><tr><td>Ngay</td></tr></table></body></html>", "sao-ke.xls", "trang web (HTML)"),
    (b"PK\x03\x04 not really a zip", "sao-ke.xlsx", "Tệp Excel bị hỏng"),
    (b"hello", "sao-ke.xlsx", "không phải là tệp Excel (.xlsx) hợp lệ"),
    ("Ngày;Nội dung\n01/10/2026;abc\n".encode(), "a.csv", "Không tìm thấy dòng tiêu đề có cột Ngày và Số tiền"),
])
def test_not_a_statement(data, filename, message):
    assert message in _refused(data, filename)


def test_not_a_spreadsheet_for_the_preview_too():
    with pytest.raises(StatementError, match="không phải là sao kê"):
        sheet_preview(b"%PDF-1.4 \x00\x01", "x.pdf")


def test_missing_columns_names_the_bank_when_chosen():
    data = "Ngày giao dịch,Mô tả\n01/10/2026,abc\n".encode()
    message = _refused(data, "a.csv", layout="mb")
    assert "Tệp có đúng là sao kê MB Bank không?" in message and "Mẫu khác (tự chọn cột)" in message


def test_unreadable_amount_names_its_row():
    data = sample_statement("bidv", LINES, fmt="csv").replace(b"500.000;", b"abc;", 1)
    assert _refused(data, "b.csv") == "Dòng 10: số tiền “abc” không đọc được."


def test_unreadable_amount_in_an_xlsx():
    lines = LINES + [(date(2026, 10, 3), 1, "in", "x", "R3")]
    data = sample_statement("mb", lines, fmt="xlsx")
    data = _rezip(data, lambda name, b: b.replace(b">1.00<", b">12,5<"))  # in the shared strings
    assert _refused(data, "m.xlsx") == "Dòng 15: số tiền “12,5” không đọc được."


def test_unreadable_date_and_both_sides():
    data = sample_statement("vcb", LINES, fmt="csv")
    assert "Dòng 11: ngày “32/10/2026" in _refused(data.replace(b"01/10/2026\n", b"32/10/2026\n"), "v.csv")
    both = sample_statement("vcb", LINES, fmt="csv").replace(b'R1",,"500,000"', b'R1","7,000","500,000"')
    assert "có cả số ghi nợ và số ghi có" in _refused(both, "t.csv")


def test_a_zip_bomb():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (40 * 1024 * 1024))
    assert len(bomb.getvalue()) < 200_000
    assert "nén bất thường" in _refused(bomb.getvalue(), "bom.xlsx")


def test_an_xlsx_with_a_dtd():
    def add_dtd(name, b):
        if name.startswith("xl/worksheets/"):
            return b.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', 1)
        return b
    data = _rezip(sample_statement("vcb", LINES, fmt="xlsx"), add_dtd)
    assert _refused(data, "v.xlsx") == DECLARATION_REFUSED


def test_too_many_lines_in_a_csv():
    day = date(2026, 1, 1)
    body = "".join(f"{day + timedelta(days=i % 300):%d/%m/%Y},,1000,x\n" for i in range(MAX_LINES + 1))
    data = ("Ngày giao dịch,Số tiền ghi nợ,Số tiền ghi có,Mô tả\n" + body).encode()
    assert "quá nhiều giao dịch (tối đa 20.000" in _refused(data, "big.csv")
    longer = data + ("01/01/2026,,1000,x\n" * 300).encode()
    assert "quá nhiều dòng (tối đa 20.000 giao dịch)" in _refused(longer, "big.csv")


def test_too_many_columns_and_too_many_bytes():
    wide = ("Ngày giao dịch,Số tiền ghi có,Mô tả" + ",x" * 100 + "\n").encode()
    assert "quá nhiều cột" in _refused(wide, "w.csv")
    assert "Tệp quá lớn (tối đa 10 MB)" in _refused(b"a" * (10 * 1024 * 1024 + 1), "big.csv")


def test_a_broken_csv_quote():
    data = 'Ngày giao dịch,Số tiền ghi có,Mô tả\n01/10/2026,"1000,x\n'.encode() + b"x" * 200_000
    assert _refused(data, "q.csv") == "Tệp CSV bị lỗi ở dòng 2 (dấu ngoặc kép không đóng?)."
    short = 'Ngày giao dịch,Số tiền,Mô tả\n01/10/2026,"1000,x\n'.encode() + b"x" * 500
    assert _refused(short, "q.csv").startswith("Dòng 2: số tiền “1000,x xxx")  # the value, cut short
    assert len(_refused(short, "q.csv")) < 120


def test_a_missing_date_on_a_line_with_an_amount():
    data = "Ngày giao dịch,Số tiền ghi nợ,Số tiền ghi có,Mô tả\n,,1000,x\n".encode()
    assert _refused(data, "d.csv", layout="vcb") == "Dòng 2: thiếu ngày giao dịch."


def test_an_unknown_layout_key():
    with pytest.raises(StatementError, match="Mẫu sao kê không hợp lệ"):
        read_statement(b"x", "a.csv", layout="acb")


def test_excel_unicode_text_is_utf16_with_tabs():
    text = "Ngày giao dịch\tSố tiền ghi nợ\tSố tiền ghi có\tMô tả\r\n01/10/2026\t\t1.000\tỦng hộ\r\n"
    st = read_statement(text.encode("utf-16"), "unicode.txt")
    assert [(ln.amount, ln.direction, ln.description) for ln in st.lines] == [(1_000, "in", "Ủng hộ")]
