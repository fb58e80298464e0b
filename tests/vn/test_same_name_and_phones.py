"""The shared rules imports use: "same name" (with diacritics, same birth year) and Excel's phone numbers."""
import unicodedata
from datetime import date

import pytest

from app.vn.names import birth_year, same_name, same_name_key
from app.vn.phones import sheet_phone


@pytest.mark.parametrize("a, b", [("Lê Văn Ân", "Lê Văn Ẩn"), ("Trần Thị Hà", "Trần Thị Hạ"),
                                  ("Nguyễn Đức", "Nguyễn Thành Đức"), ("Nguyễn Văn Đức", "Nguyễn Văn Đúc"),
                                  ("Phạm Thu", "Phạm Thủy"), ("Nguyễn Văn Đức", "Nguyen Van Duc Anh")])
def test_names_that_differ_only_without_diacritics_are_not_the_same(a, b):
    assert not same_name(a, b)
    assert same_name_key(a) != same_name_key(b)


@pytest.mark.parametrize("a, b", [("Nguyễn Văn  An", "nguyễn văn an"), ("NGUYỄN VĂN AN", " Nguyễn Văn An "),
                                  ("Lê Thị Hoà", "Lê Thị Hòa"),  # old and new tone placement
                                  ("Đỗ Thị Ánh", unicodedata.normalize("NFD", "Đỗ Thị Ánh"))])
def test_the_same_name_typed_differently_is_the_same(a, b):
    assert same_name(a, b)


def test_a_name_typed_without_any_mark_matches_the_names_it_folds_to():
    # its marks are unknown (an old phone, no Vietnamese keyboard), as a missing birth year is
    assert same_name("nguyen thi dao", "Nguyễn Thị Đào") and same_name("Nguyễn Văn Ân", "NGUYEN VAN AN")
    assert not same_name("nguyen thi dao", "Nguyễn Thị Đào", 2013, 2014)
    assert not same_name("Nguyễn Van An", "Nguyễn Văn Ẩn")  # one mark typed: the marks are known


def test_the_birth_year_decides_only_when_both_are_known():
    assert same_name("Lê Văn An", "Lê Văn An", 2013, date(2013, 5, 2))
    assert same_name("Lê Văn An", "Lê Văn An", "05/02/2013", "2013")
    assert same_name("Lê Văn An", "Lê Văn An", None, 2014)
    assert not same_name("Lê Văn An", "Lê Văn An", 2013, "01/01/2014")
    assert not same_name("", "", None, None)
    assert birth_year("2013") == 2013 and birth_year("") is None and birth_year(date(2012, 1, 1)) == 2012


@pytest.mark.parametrize("cell, phone", [(912345678, "0912345678"), (912345678.0, "0912345678"),
                                         ("912345678", "0912345678"), (386123456, "0386123456"),
                                         (2773851234, "02773851234"), (84912345678, "0912345678"),
                                         ("0912345678", "0912345678"), ("0912 345 678", "0912 345 678"),
                                         ("+84 912 345 678", "+84 912 345 678"), (None, "")])
def test_a_phone_keeps_or_gets_back_its_leading_zero(cell, phone):
    assert sheet_phone(cell) == (phone, "")


@pytest.mark.parametrize("cell", [12345, 123456789, 9123456789123, 91234567.5, -912345678])
def test_a_number_that_is_no_vietnamese_phone_warns_beside_its_value(cell):
    text, warning = sheet_phone(cell)
    assert text and warning and text in warning
