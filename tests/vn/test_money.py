"""Formatting, reading and parsing amounts in đồng."""

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from app.vn import MoneyError, amount_in_words, format_number, format_vnd, parse_money


@pytest.mark.parametrize(
    "amount, text",
    [(0, "0"), (5, "5"), (999, "999"), (1000, "1.000"), (1250000, "1.250.000"),
     (360103000, "360.103.000"), (-1250000, "-1.250.000"), (10**15 - 1, "999.999.999.999.999")],
)
def test_format_number(amount, text):
    assert format_number(amount) == text


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_format_number_groups_as_the_vietnamese_locale_does(amount):
    from babel.numbers import format_decimal

    assert format_number(amount) == format_decimal(amount, format="#,##0", locale="vi_VN")
    assert format_number(-amount) == ("-" if amount else "") + format_number(amount)


def test_format_vnd_uses_a_plain_space_before_the_currency():
    assert format_vnd(1250000) == "1.250.000 đ"
    assert format_vnd(0) == "0 đ"
    assert format_vnd(-1250000) == "-1.250.000 đ"


def test_format_accepts_whole_decimals_from_numeric_columns_and_none():
    assert format_vnd(Decimal("300000")) == "300.000 đ"
    assert format_number(300000.0) == "300.000"
    assert format_vnd(None) == "" and format_number(None) == ""


@pytest.mark.parametrize("bad", [Decimal("1.5"), 2.5, "1000", True, float("nan")])
def test_format_refuses_fractions_strings_and_bools(bad):
    with pytest.raises(TypeError):
        format_number(bad)


WORDS = {
    0: "Không đồng",
    1: "Một đồng",
    4: "Bốn đồng",
    5: "Năm đồng",
    7: "Bảy đồng",
    10: "Mười đồng",
    11: "Mười một đồng",
    14: "Mười bốn đồng",
    15: "Mười lăm đồng",
    20: "Hai mươi đồng",
    21: "Hai mươi mốt đồng",
    24: "Hai mươi tư đồng",
    25: "Hai mươi lăm đồng",
    55: "Năm mươi lăm đồng",
    91: "Chín mươi mốt đồng",
    99: "Chín mươi chín đồng",
    100: "Một trăm đồng",
    101: "Một trăm linh một đồng",
    104: "Một trăm linh bốn đồng",
    105: "Một trăm linh năm đồng",
    110: "Một trăm mười đồng",
    111: "Một trăm mười một đồng",
    115: "Một trăm mười lăm đồng",
    121: "Một trăm hai mươi mốt đồng",
    999: "Chín trăm chín mươi chín đồng",
    1000: "Một nghìn đồng",
    1001: "Một nghìn không trăm linh một đồng",
    1010: "Một nghìn không trăm mười đồng",
    1024: "Một nghìn không trăm hai mươi tư đồng",
    1100: "Một nghìn một trăm đồng",
    10000: "Mười nghìn đồng",
    15000: "Mười lăm nghìn đồng",
    21000: "Hai mươi mốt nghìn đồng",
    105000: "Một trăm linh năm nghìn đồng",
    300000: "Ba trăm nghìn đồng",
    500000: "Năm trăm nghìn đồng",
    1000000: "Một triệu đồng",
    1000001: "Một triệu không trăm linh một đồng",
    1005000: "Một triệu không trăm linh năm nghìn đồng",
    1250000: "Một triệu hai trăm năm mươi nghìn đồng",
    2014000: "Hai triệu không trăm mười bốn nghìn đồng",
    20350000: "Hai mươi triệu ba trăm năm mươi nghìn đồng",
    160500000: "Một trăm sáu mươi triệu năm trăm nghìn đồng",
    160000000: "Một trăm sáu mươi triệu đồng",
    360103000: "Ba trăm sáu mươi triệu một trăm linh ba nghìn đồng",
    1000000000: "Một tỷ đồng",
    1000000005: "Một tỷ không trăm linh năm đồng",
    2500000000: "Hai tỷ năm trăm triệu đồng",
    5000000001: "Năm tỷ không trăm linh một đồng",
    1000000000000: "Một nghìn tỷ đồng",
    1001000000000: "Một nghìn không trăm linh một tỷ đồng",
    25000000000000: "Hai mươi lăm nghìn tỷ đồng",
    999999999999999: (
        "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ "
        "chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng"
    ),
    -1250000: "Âm một triệu hai trăm năm mươi nghìn đồng",
    -21: "Âm hai mươi mốt đồng",
}


@pytest.mark.parametrize("amount, text", WORDS.items(), ids=[str(k) for k in WORDS])
def test_amount_in_words(amount, text):
    assert amount_in_words(amount) == text


def test_amount_in_words_limits():
    assert amount_in_words(None) == ""
    with pytest.raises(TypeError):
        amount_in_words(1.5)


# Totals a report can reach (finding 3 of issue 13: one gift of 999.999.999.999.999 đ made the year
# report, the campaign page and the public page answer 500, because the total had 16 digits).
BIG_WORDS = {
    10**15: "Một triệu tỷ đồng",
    2 * (10**15 - 1): (
        "Một triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín "
        "triệu chín trăm chín mươi chín nghìn chín trăm chín mươi tám đồng"),
    10**15 + 1: "Một triệu tỷ không trăm linh một đồng",
    25 * 10**15 + 5 * 10**9: "Hai mươi lăm triệu không trăm linh năm tỷ đồng",
    10**18: "Một tỷ tỷ đồng",
    10**18 + 1: "Một tỷ tỷ không trăm linh một đồng",
    10**18 + 10**9: "Một tỷ không trăm linh một tỷ đồng",
    9_400_000_000_000_000_000: "Chín tỷ bốn trăm triệu tỷ đồng",
    2**63: ("Chín tỷ hai trăm hai mươi ba triệu ba trăm bảy mươi hai nghìn không trăm ba mươi sáu tỷ tám trăm "
            "năm mươi tư triệu bảy trăm bảy mươi lăm nghìn tám trăm linh tám đồng"),
    10**21: "Một nghìn tỷ tỷ đồng",
    10**27: "Một tỷ tỷ tỷ đồng",
    -(10**18): "Âm một tỷ tỷ đồng",
}


@pytest.mark.parametrize("amount, text", BIG_WORDS.items(), ids=[str(k) for k in BIG_WORDS])
def test_amount_in_words_reads_totals_of_16_digits_and_more(amount, text):
    assert amount_in_words(amount) == text


def test_big_totals_format_and_read_from_every_numeric_type_a_database_returns():
    total = 2 * (10**15 - 1)
    assert format_vnd(total) == "1.999.999.999.999.998 đ"
    assert format_vnd(10**30) == "1.000.000.000.000.000.000.000.000.000.000 đ"
    assert format_vnd(-(10**18)) == "-1.000.000.000.000.000.000 đ"
    # PostgreSQL's SUM(bigint) is numeric (Decimal); SQLite's overflow-safe sum past 2**63 is a REAL.
    assert amount_in_words(Decimal(total)) == amount_in_words(total)
    assert format_vnd(9.4e18) == "9.400.000.000.000.000.000 đ"
    assert amount_in_words(9.4e18) == "Chín tỷ bốn trăm triệu tỷ đồng"


@given(st.integers(min_value=-10**30, max_value=10**30))
def test_amount_in_words_and_format_never_raise_for_any_total(n):
    text = amount_in_words(n)
    assert text.endswith(" đồng") and text[0].isupper() and "  " not in text
    assert text.startswith("Âm ") == (n < 0)
    assert format_vnd(n).replace(".", "").replace("-", "") == f"{abs(n)} đ"


@given(st.integers(min_value=0, max_value=10**30))
def test_amount_in_words_follows_the_reading_rules(n):
    text = amount_in_words(n)
    assert text.endswith(" đồng") and text[0].isupper()
    assert unicodedata.is_normalized("NFC", text)
    words = text.lower().split()
    pairs = set(zip(words, words[1:]))
    # mốt, tư and lăm only after "mươi"/"mười"; never "mươi một", "mười mốt", "linh lăm".
    for bad in [("mươi", "một"), ("mươi", "năm"), ("mươi", "bốn"), ("mười", "mốt"),
                ("mười", "năm"), ("mười", "tư"), ("linh", "lăm"), ("linh", "mốt"),
                ("linh", "tư"), ("một", "mươi"), ("không", "mươi"), ("không", "nghìn"),
                ("không", "triệu"), ("không", "tỷ")]:
        assert bad not in pairs, text
    if n:
        assert words[0] != "không", text
    assert "  " not in text


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("1.250.000", 1250000),
        ("1250000", 1250000),
        ("1 250 000", 1250000),
        ("1\u00a0250\u00a0000", 1250000),
        ("  1.250.000  ", 1250000),
        ("1.250.000 đ", 1250000),
        ("1.250.000đ", 1250000),
        ("1.250.000 đồng", 1250000),
        ("1.250.000 VND", 1250000),
        ("1.250.000 vnđ", 1250000),
        ("1.250.000₫", 1250000),
        ("1.250.000\u00a0đ", 1250000),
        ("300.000", 300000),
        ("999", 999),
        ("0", 0),
        ("0 đ", 0),
        ("999.999.999.999.999", 999999999999999),
        ("999999999999999", 999999999999999),
        (250000, 250000),
    ],
)
def test_parse_money_accepts(typed, amount):
    assert parse_money(typed) == amount


def test_parse_money_accepts_nfd_currency_word():
    assert parse_money(unicodedata.normalize("NFD", "1.250.000 đồng")) == 1250000


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Vui lòng nhập số tiền."),
        ("   ", "Vui lòng nhập số tiền."),
        (None, "Vui lòng nhập số tiền."),
        ("đ", "Vui lòng nhập số tiền."),
        ("-1.250.000", "Số tiền không được âm."),
        ("-5", "Số tiền không được âm."),
        (-5, "Số tiền không được âm."),
        ("1.250.000,5", "Số tiền phải là số nguyên đồng, không có phần lẻ."),
        ("12,5", "Số tiền phải là số nguyên đồng, không có phần lẻ."),
        ("1.25.000", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("12.5", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("1250.000", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("1.250 000", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("abc", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("một triệu", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("1e6", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("١٢٣", "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."),
        ("1.000.000.000.000.000", "Số tiền quá lớn (tối đa 15 chữ số)."),
        ("1000000000000000", "Số tiền quá lớn (tối đa 15 chữ số)."),
        (10**15, "Số tiền quá lớn (tối đa 15 chữ số)."),
    ],
)
def test_parse_money_refuses_with_a_vietnamese_message(typed, message):
    with pytest.raises(MoneyError) as excinfo:
        parse_money(typed)
    assert str(excinfo.value) == message
    assert excinfo.value.message == message


@pytest.mark.parametrize("typed", ["1,250,000", "12,500"])
def test_parse_money_refuses_comma_grouping_as_ambiguous(typed):
    with pytest.raises(MoneyError, match="dấu phẩy"):
        parse_money(typed)


def test_money_error_is_a_value_error():
    assert issubclass(MoneyError, ValueError)


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_parse_money_reads_back_what_we_print(n):
    assert parse_money(format_number(n)) == n
    assert parse_money(format_vnd(n)) == n
    assert parse_money(str(n)) == n
