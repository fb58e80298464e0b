"""NFC normalisation, cleaning and search folding."""

import unicodedata

import pytest
from hypothesis import given, strategies as st

from app.vn import clean, fold, nfc


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def test_nfc_recomposes_decomposed_input():
    typed = nfd("Nguyễn Thị Đào")
    assert typed != "Nguyễn Thị Đào"
    assert nfc(typed) == "Nguyễn Thị Đào"


def test_nfc_only_normalises_and_keeps_whitespace():
    assert nfc("  Hà   Nội ") == "  Hà   Nội "


@pytest.mark.parametrize("value", [None, 5, 1.5, b"abc", ["a"]])
def test_nfc_and_clean_pass_non_strings_through(value):
    assert nfc(value) is value
    assert clean(value) is value


def test_clean_strips_and_collapses_every_kind_of_whitespace():
    assert clean("  Nguyễn \t Văn\u00a0\u00a0An \n") == "Nguyễn Văn An"
    assert clean(nfd(" Lê   Thị  Hồng ")) == "Lê Thị Hồng"


def test_clean_of_blank_is_empty_string():
    assert clean("   ") == ""


@pytest.mark.parametrize(
    "typed",
    ["Nguyễn Thị Đào", "nguyen thi dao", "NGUYỄN THỊ ĐÀO", "  nguyễn   thị đào ", "Nguyen Thi Dao"],
)
def test_fold_finds_name_whatever_the_diacritics_or_case(typed):
    assert fold(typed) == "nguyen thi dao"


def test_fold_gives_same_result_for_nfd_input():
    assert fold(nfd("Nguyễn Thị Đào")) == "nguyen thi dao"
    assert fold(nfd("Trường Tiểu học Phước Hưng")) == "truong tieu hoc phuoc hung"


def test_fold_removes_all_vietnamese_marks():
    letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    folded = fold(letters + letters.upper())
    assert set(folded) <= set("aeiouyd")


def test_fold_none_is_empty_and_other_values_are_stringified():
    assert fold(None) == ""
    assert fold(2025) == "2025"


@given(st.text())
def test_fold_is_idempotent_and_normalisation_blind(s):
    assert fold(fold(s)) == fold(s)
    assert fold(nfd(s)) == fold(unicodedata.normalize("NFC", s))


@given(st.text())
def test_clean_is_idempotent(s):
    assert clean(clean(s)) == clean(s)
