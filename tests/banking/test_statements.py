"""Bank statement readers (issue 17 B): every bank layout, as .xlsx and .csv, reads back exactly;
the layout is detected from the header row; the quirks of real exports; the generic mapping."""
from datetime import date

import pytest

from app.banking.statements import (LAYOUT_BY_BIN, LAYOUTS, StatementError, guess_mapping, read_statement,
                                    sample_statement, sheet_preview)
from app.banking.statements.sheet import AmountError, to_date, to_signed

BANKS = ["vcb", "bidv", "vietinbank", "agribank", "techcombank", "mb"]

LINES = [  # (date, amount, direction, description, reference)
    (date(2026, 10, 1), 1_250_000, "in", "MBVCB.4530998360.029552.NGUYEN VAN AN chuyen tien.KH24D123X", "5243.65937"),
    (date(2026, 10, 1), 22_000, "out", "Phí quản lý tài khoản; tháng 10, “SMS”", "5243.65938"),
    (date(2026, 10, 3), 500_000, "in", "IBFT TRAN THI BINH ung ho quy khuyen hoc KH24D7N2A", "FT26276123456"),
    (date(2026, 10, 3), 3_000_000, "out", "Chi học bổng đợt 1 cho Nguyễn Thị Hoà", "FT26276123457"),
    (date(2026, 10, 15), 100_000_000, "in", "Cong ty TNHH An Phu ung ho hoc bong nam hoc 2026-2027", "FT26288000001"),
    (date(2026, 10, 31), 1_234, "in", "Lãi nhập vốn", "5243.70001"),
]
OPENING = 12_345_678


def _expected():
    balance, out = OPENING, []
    for d, amount, direction, description, reference in LINES:
        balance += amount if direction == "in" else -amount
        out.append((d, amount, direction, description, reference, balance))
    return out, balance


def _plain(st):
    return [(ln.txn_date, ln.amount, ln.direction, ln.description, ln.reference, ln.balance) for ln in st.lines]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("layout", BANKS + ["generic"])
def test_every_layout_reads_back_exactly(layout, fmt):
    data = sample_statement(layout, LINES, account_number="0071000123456", opening_balance=OPENING, fmt=fmt)
    expected, closing = _expected()
    if layout == "generic":  # never detected: the user maps it (guess_mapping pre-fills the choice)
        st = read_statement(data, f"sao-ke.{fmt}", layout="generic", mapping=guess_mapping(sheet_preview(data, fmt)))
    else:
        st = read_statement(data, f"sao-ke.{fmt}")  # layout detected
    assert st.layout == layout
    assert _plain(st) == expected
    assert (st.opening_balance, st.closing_balance) == (OPENING, closing)
    assert (st.date_from, st.date_to) == (date(2026, 10, 1), date(2026, 10, 31))
    assert st.account_number == "0071000123456"
    rows = [ln.row for ln in st.lines]
    assert rows == list(range(rows[0], rows[0] + len(LINES))) and rows[0] > 3  # header not on row 1
    if layout != "generic":
        assert _plain(read_statement(data, f"sao-ke.{fmt}", layout=layout)) == expected  # chosen explicitly


def test_labels_and_bins():
    assert LAYOUTS == {"vcb": "Vietcombank", "bidv": "BIDV", "vietinbank": "VietinBank", "agribank": "Agribank",
                       "techcombank": "Techcombank", "mb": "MB Bank", "generic": "Mẫu khác (tự chọn cột)"}
    assert LAYOUT_BY_BIN == {"970436": "vcb", "970418": "bidv", "970415": "vietinbank", "970405": "agribank",
                             "970407": "techcombank", "970422": "mb"}


def test_stated_balances_win_over_the_running_balance():
    """Opening and closing come from the "Số dư đầu kỳ" / "Số dư cuối kỳ" rows when the file states them."""
    csv = ("SAO KÊ TÀI KHOẢN\nSố tài khoản: 0071000999999\nSố dư đầu kỳ: 5.000.000\n\n"
           "Ngày giao dịch;Số tiền ghi nợ;Số tiền ghi có;Mô tả\n"
           "01/10/2026;;1.000.000;NGUYEN VAN A chuyen tien\n"
           "Tổng cộng;0;1.000.000;\nSố dư cuối kỳ;;;6.000.000\n").encode()
    st = read_statement(csv, "a.csv", layout="vcb")
    assert (st.opening_balance, st.closing_balance) == (5_000_000, 6_000_000)
    assert st.account_number == "0071000999999"
    assert [(ln.amount, ln.direction, ln.balance) for ln in st.lines] == [(1_000_000, "in", None)]


def test_vcb_reference_under_the_date_and_techcombank_counterparty():
    st = read_statement(sample_statement("vcb", LINES, opening_balance=0), "v.xlsx")
    assert st.lines[0].reference == "5243.65937"
    tcb = read_statement(sample_statement("techcombank", LINES, opening_balance=0, fmt="csv"), "t.csv")
    assert tcb.lines[0].counterparty == "NGUYEN VAN AN" and tcb.lines[1].counterparty == ""


def test_techcombank_header_on_row_34_over_merged_columns_with_an_english_second_row():
    for fmt in ("xlsx", "csv"):
        st = read_statement(sample_statement("techcombank", LINES, opening_balance=OPENING, fmt=fmt), f"t.{fmt}")
        assert st.lines[0].row == 37  # header 34, English header 35, opening balance 36
        assert st.opening_balance == OPENING and st.lines[-1].balance == _expected()[1]


def test_vietinbank_fills_the_date_down():
    data = sample_statement("vietinbank", LINES, opening_balance=0, fmt="csv")
    assert b"\r\n2,," in data  # the second line of 1 October leaves its date blank, as eFAST does
    assert [ln.txn_date for ln in read_statement(data, "v.csv").lines] == [x[0] for x in LINES]


def test_mb_header_sits_low_and_amounts_have_decimals():
    data = sample_statement("mb", LINES, opening_balance=OPENING, fmt="csv")
    assert b'"1,250,000.00"' in data
    st = read_statement(data, "mb.csv")
    assert st.lines[0].row == 13 and st.lines[0].amount == 1_250_000
    assert read_statement(sample_statement("mb", LINES, fmt="xlsx"), "mb.xlsx").lines[0].row == 13  # as Excel shows it


def test_date_time_cells_and_cp1258_csv():
    data = sample_statement("agribank", LINES, opening_balance=OPENING, fmt="csv")  # Windows-1258, ";"
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    st = read_statement(data, "agribank.csv")
    assert st.lines[3].description == "Chi học bổng đợt 1 cho Nguyễn Thị Hoà"  # NFC again
    assert st.lines[0].txn_date == date(2026, 10, 1)
    xlsx = read_statement(sample_statement("agribank", LINES, fmt="xlsx"), "a.xlsx")  # real date-time cells
    assert [ln.txn_date for ln in xlsx.lines] == [x[0] for x in LINES]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258", "cp1252"])
def test_csv_encodings(encoding):
    if encoding == "cp1252":  # an English export: "Š" is no character of Windows-1258, so this falls through
        data = ("Transaction Date,Details,Transaction No,Debit,Credit,Balance\n"
                '01/10/2026,Škoda Café chuyen tien,R1,,"50,000","50,000"\n').encode("cp1252")
        assert read_statement(data, "t.csv").lines[0].description == "Škoda Café chuyen tien"
        return
    lines = [(date(2026, 10, 1), 50_000, "in", "Ủng hộ quỹ", "R1")]
    data = sample_statement("bidv", lines, fmt="csv", encoding=encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert read_statement(data, "b.csv").lines[0].description == lines[0][3]


def test_empty_rows_summary_rows_and_a_repeated_header():
    csv = ("\ufeffNGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM\n\n\n"
           "STT,Ngày hiệu lực,Số tham chiếu,Ghi nợ,Ghi có,Số dư,Mô tả\n"
           '1,05/10/2026 10:21:33,R1,,"1,250,000",,TRAN VAN B chuyen tien\n'
           ",,,,,,\n\n"
           "STT,Ngày hiệu lực,Số tham chiếu,Ghi nợ,Ghi có,Số dư,Mô tả\n"
           '2,06/10/2026,R2,"200,000",,,Phi\n'
           ',Tổng cộng,,"200,000","1,250,000",,\n'
           "Người lập biểu,,,,,,Kế toán trưởng\n").encode()
    st = read_statement(csv, "b.csv")
    assert st.layout == "bidv"
    assert [(ln.row, ln.amount, ln.direction) for ln in st.lines] == [(5, 1_250_000, "in"), (9, 200_000, "out")]


def test_newest_first_statement_derives_balances_from_the_running_balance():
    lines = [(date(2026, 10, 3), 100, "in", "b", "R2", 1_300), (date(2026, 10, 1), 200, "in", "a", "R1", 1_200)]
    csv = ("Ngày giao dịch,Số tiền ghi nợ,Số tiền ghi có,Số dư,Mô tả,Số tham chiếu\n" + "".join(
        f"{d:%d/%m/%Y},,{a},{b},{t},{r}\n" for d, a, _, t, r, b in lines)).encode()
    st = read_statement(csv, "n.csv", layout="vcb")
    assert (st.opening_balance, st.closing_balance) == (1_000, 1_300)
    assert (st.date_from, st.date_to) == (date(2026, 10, 1), date(2026, 10, 3))


@pytest.mark.parametrize("text,value", [
    ("1,250,000.00", 1_250_000), ("1.250.000", 1_250_000), ("1,250,000", 1_250_000), ("1 250 000", 1_250_000),
    ("1250000", 1_250_000), ("1250000.00", 1_250_000), ("1.250.000,00", 1_250_000), ("+500,000", 500_000),
    ("-200.000", -200_000), ("(200,000)", -200_000), ("200,000-", -200_000), ("1.250.000 VND", 1_250_000),
    ("1.250.000 đ", 1_250_000), (1250000.0, 1_250_000), (1250000, 1_250_000), ("", None), ("-", None), (None, None)])
def test_amounts(text, value):
    assert to_signed(text) == value


@pytest.mark.parametrize("text", ["abc", "1,25,000", "1.250.000,50", "12.5", 12.5, "1,2,3"])
def test_amounts_refused(text):
    with pytest.raises(AmountError):
        to_signed(text)


@pytest.mark.parametrize("value,day", [
    ("05/10/2026", date(2026, 10, 5)), ("5/10/2026 10:21:33", date(2026, 10, 5)), ("05-10-2026", date(2026, 10, 5)),
    ("2026-10-05", date(2026, 10, 5)), ("31/10/2023\n5243.65937", date(2023, 10, 31)), (46300, date(2026, 10, 5)),
    ("05/10/26", date(2026, 10, 5)), ("05/10/26 10:21", date(2026, 10, 5)),
    ("31/02/2026", None), ("hôm nay", None), ("", None), ("5243.65937", None), ("1/2", None)])
def test_dates(value, day):
    assert to_date(value) == day


# --- the generic mapping -------------------------------------------------------------------------

def test_generic_mapping_guessed_from_the_preview():
    data = sample_statement("generic", LINES, opening_balance=OPENING, fmt="xlsx")
    preview = sheet_preview(data, "g.xlsx", rows=8)
    assert preview[3] == ["Date", "Description", "Reference", "Amount", "Type", "Balance"]
    assert len({len(r) for r in preview}) == 1
    mapping = guess_mapping(preview)
    assert mapping == {"header_row": 4, "date": 0, "description": 1, "reference": 2, "balance": 5, "amount": 3,
                       "direction": 4, "debit": None, "credit": None}
    st = read_statement(data, "g.xlsx", layout="generic", mapping=mapping)
    assert st.layout == "generic" and _plain(st) == _expected()[0]


def test_generic_mapping_with_debit_and_credit_columns_and_vietnamese_headers():
    csv = ("Sổ phụ tài khoản\n\nNgay GD;Dien giai;So CT;Rut;Nop;So du\n"
           "01/10/2026;Nguyen Van A ung ho;CT1;;500.000;1.500.000\n"
           "02/10/2026;Phi;CT2;10.000;;1.490.000\n").encode()
    mapping = guess_mapping(sheet_preview(csv, "x.csv"))
    assert mapping == {"header_row": 3, "date": 0, "description": 1, "reference": 2, "balance": 5, "amount": None,
                       "direction": None, "debit": 3, "credit": 4}
    st = read_statement(csv, "x.csv", layout="generic", mapping=mapping)
    assert [(ln.amount, ln.direction, ln.balance) for ln in st.lines] == [(500_000, "in", 1_500_000),
                                                                        (10_000, "out", 1_490_000)]
    assert st.opening_balance == 1_000_000 and st.closing_balance == 1_490_000


def test_unknown_layout_asks_for_a_mapping_the_guess_prefills():
    csv = b"Date,Details,Amount,Balance\n01/10/2026,A,\"+500,000\",\"1,500,000\"\n"
    with pytest.raises(StatementError) as err:
        read_statement(csv, "x.csv")
    assert err.value.undetected and "Không tìm thấy dòng tiêu đề" in str(err.value)
    mapping = guess_mapping(sheet_preview(csv, "x.csv"))
    st = read_statement(csv, "x.csv", layout="generic", mapping=mapping)
    assert st.layout == "generic" and st.lines[0].amount == 500_000


@pytest.mark.parametrize("mapping,message", [
    (None, "Mẫu khác"),
    ({"header_row": 4, "date": 0, "description": 1}, "Chưa chọn cột Số tiền"),
    ({"header_row": 4, "date": 0, "description": 1, "amount": 1}, "hai vai trò"),
    ({"header_row": 4, "date": 0, "description": 1, "amount": 30}, "ngoài bảng"),
    ({"header_row": 4, "description": 1, "amount": 3}, "Chưa chọn cột Ngày"),
    ({"date": 0, "description": 1, "amount": 3}, "Chưa chọn dòng tiêu đề"),
])
def test_generic_mapping_refusals(mapping, message):
    data = sample_statement("generic", LINES, fmt="csv")
    with pytest.raises(StatementError) as err:
        read_statement(data, "g.csv", layout="generic", mapping=mapping)
    assert message in str(err.value)


def test_bilingual_headers_whose_line_break_was_lost():
    """A preview shows "Ngày giao dịch Transaction Date" (one line): the guess still names it."""
    preview = sheet_preview(sample_statement("vcb", LINES, fmt="xlsx"), "v.xlsx", rows=12)
    mapping = guess_mapping(preview)
    assert (mapping["header_row"], mapping["date"], mapping["debit"], mapping["credit"], mapping["balance"],
            mapping["description"]) == (10, 1, 2, 3, 4, 5)


@pytest.mark.parametrize("layout", BANKS)
def test_every_bank_file_also_reads_through_the_guessed_generic_mapping(layout):
    data = sample_statement(layout, LINES, opening_balance=OPENING, fmt="csv")
    mapping = guess_mapping(sheet_preview(data, "x.csv", rows=60))  # Techcombank's header is on row 34
    st = read_statement(data, "x.csv", layout="generic", mapping=mapping)
    assert _plain(st) == _expected()[0]
    assert (st.opening_balance, st.closing_balance) == (OPENING, _expected()[1])


def test_balances_inside_the_table_a_footer_row_and_a_wrapped_description():
    csv = ("Ngày giao dịch;Số tham chiếu;Số tiền ghi nợ;Số tiền ghi có;Số dư;Mô tả\n"
           ";;;;5.000.000;Số dư đầu kỳ\n"
           "01/10/2026;R1;;1.000.000;6.000.000;MBVCB.123.456.NGUYEN VAN A chuyen tien\n"
           ";;;;;KH24D1N2X ung ho hoc bong\n"
           "02/10/2026;R2;20.000;;5.980.000;Phi\n"
           "Tổng ghi có;1.000.000;Tổng ghi nợ;20.000;Số dư cuối kỳ;5.980.000\n").encode()
    st = read_statement(csv, "a.csv", layout="vcb")
    assert (st.opening_balance, st.closing_balance) == (5_000_000, 5_980_000)
    assert [ln.description for ln in st.lines] == [
        "MBVCB.123.456.NGUYEN VAN A chuyen tien KH24D1N2X ung ho hoc bong", "Phi"]


@pytest.mark.parametrize("inline", [False, True])
@pytest.mark.parametrize("layout", ["techcombank", "agribank", "vcb"])
def test_shared_and_inline_strings(layout, inline):
    """Excel keeps text in a shared-string table, streaming writers in the cells: both read the same."""
    import io
    import zipfile

    data = sample_statement(layout, LINES, opening_balance=OPENING, inline_strings=inline)
    assert ("xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()) != inline
    st = read_statement(data, "saved.xlsx")
    assert st.layout == layout and _plain(st) == _expected()[0] and st.closing_balance == _expected()[1]


def test_the_account_number_is_not_a_former_one_nor_an_identity_card():
    csv = ("Chủ tài khoản: NGUYEN VAN A - CCCD 079123456789\nSố tài khoản cũ: 1234567890\n"
           "Số tài khoản/Account No: 0071-000-123456\nAccount holder: HOI KHUYEN HOC\n"
           "Ngày giao dịch;Số tiền ghi nợ;Số tiền ghi có;Mô tả\n01/10/2026;;1.000;x\n").encode()
    assert read_statement(csv, "a.csv", layout="vcb").account_number == "0071000123456"


def test_a_line_whose_description_starts_like_a_total_is_still_a_line():
    lines = [(date(2026, 10, 1), 1_000, "in", "NGUYEN VAN A chuyen tien", "R1"),
             (date(2026, 10, 1), 2_000_000, "in", "Cong ty TNHH An Phu ung ho", "R2"),  # date left blank
             (date(2026, 10, 1), 3_000, "in", "Total Payment from ACME", "R3"),
             (date(2026, 10, 1), 4_000, "in", "Tổng hợp ủng hộ lớp 5A", "R4")]
    for fmt in ("xlsx", "csv"):
        st = read_statement(sample_statement("vietinbank", lines, fmt=fmt), f"v.{fmt}")
        assert [ln.reference for ln in st.lines] == ["R1", "R2", "R3", "R4"]


@pytest.mark.parametrize("word,direction", [("C", "in"), ("D", "out"), ("Ghi có (+)", "in"), ("Ghi nợ (-)", "out"),
                                            ("Credit/Có", "in"), ("Debit/Nợ", "out"), ("Tiền vào", "in"),
                                            ("Thu", "in"), ("Chi", "out"), ("+", "in"), ("-", "out")])
def test_direction_words_of_the_generic_mapping(word, direction):
    csv = f"Ngày;Số tiền;Loại;Nội dung\n01/10/2026;1.000;{word};x\n".encode()
    mapping = {"header_row": 1, "date": 0, "amount": 1, "direction": 2, "description": 3}
    assert read_statement(csv, "g.csv", layout="generic", mapping=mapping).lines[0].direction == direction


def test_an_unknown_direction_word_names_its_row():
    csv = "Ngày;Số tiền;Loại;Nội dung\n01/10/2026;1.000;?;x\n".encode()
    mapping = {"header_row": 1, "date": 0, "amount": 1, "direction": 2, "description": 3}
    with pytest.raises(StatementError, match="Dòng 2: không rõ tiền vào hay ra"):
        read_statement(csv, "g.csv", layout="generic", mapping=mapping)


def test_vcb_digibank_template_with_a_reference_column_and_credit_before_debit():
    """The other VCB template (a bank_statement_parser's "simple" one): header found by "Ngày giao dịch",
    "Số tham chiếu" and "Số tiền ghi ..."; columns are read by their names, not their order."""
    csv = ("VCB CASHUP - SAO KÊ TÀI KHOẢN / STATEMENT OF ACCOUNT\nSố tài khoản: 0071000123456\n"
           "Ngày giao dịch,Số tham chiếu,Số tiền ghi có,Số tiền ghi nợ,Mô tả\n"
           '05/10/2026,5243.1,"1,000",,MBVCB.1.2.LE VAN B chuyen tien\n06/10/2026,5243.2,,"2,000",Phi\n'
           'Tổng số,,"1,000","2,000",\n').encode()
    st = read_statement(csv, "vcb.csv")
    assert st.layout == "vcb"
    assert [(ln.reference, ln.amount, ln.direction) for ln in st.lines] == [("5243.1", 1_000, "in"),
                                                                          ("5243.2", 2_000, "out")]


def test_a_renamed_column_is_still_read():
    """MB writes "Mã giao dịch"; an export naming it "Số tham chiếu" or the description "Diễn giải chi tiết"
    still gives the reference and the description."""
    csv = ("NGÂN HÀNG TMCP QUÂN ĐỘI\nNgày giao dịch,Số tham chiếu/Reference,Phát sinh nợ,Phát sinh có,Số dư,"
           "Ghi chú\n05/10/2026,FT1,,\"1,000.00\",\"1,000.00\",LE VAN B chuyen tien\n").encode()
    st = read_statement(csv, "mb.csv", layout="mb")
    assert (st.lines[0].reference, st.lines[0].description) == ("FT1", "LE VAN B chuyen tien")
