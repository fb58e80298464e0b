"""Splitting, joining and capitalising Vietnamese names."""

import unicodedata

import pytest

from app.vn import COMPOUND_SURNAMES, join_name, split_name, title_name


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


@pytest.mark.parametrize(
    "full, parts",
    [
        ("Nguyễn Thị Đào", ("Nguyễn", "Thị", "Đào")),
        ("Trần Văn An", ("Trần", "Văn", "An")),
        ("Lê An", ("Lê", "", "An")),
        ("Đào", ("", "", "Đào")),
        ("", ("", "", "")),
        ("   ", ("", "", "")),
        ("Phạm Thị Thu Hương", ("Phạm", "Thị Thu", "Hương")),
        ("Tôn Nữ Thị Hà", ("Tôn Nữ", "Thị", "Hà")),
        ("Tôn Nữ Hà", ("Tôn Nữ", "", "Hà")),
        ("Tôn Thất Thuyết", ("Tôn Thất", "", "Thuyết")),
        ("Công Tằng Tôn Nữ Thị Minh", ("Công Tằng Tôn Nữ", "Thị", "Minh")),
        ("Hoàng Phủ Ngọc Tường", ("Hoàng Phủ", "Ngọc", "Tường")),
        ("Âu Dương Lân", ("Âu Dương", "", "Lân")),
        ("Tư Mã Thiên", ("Tư Mã", "", "Thiên")),
        ("Gia Cát Lượng", ("Gia Cát", "", "Lượng")),
        ("Thượng Quan Uyển Nhi", ("Thượng Quan", "Uyển", "Nhi")),
        ("Nguyễn Phúc Bửu Chánh", ("Nguyễn Phúc", "Bửu", "Chánh")),
    ],
)
def test_split_name(full, parts):
    assert split_name(full) == parts


def test_compound_surname_needs_a_word_left_for_the_given_name():
    # Two words only: "Tôn" is the family name and "Nữ" the given name.
    assert split_name("Tôn Nữ") == ("Tôn", "", "Nữ")
    assert split_name("Hoàng Phủ") == ("Hoàng", "", "Phủ")


def test_nguyen_phuc_with_three_words_is_family_plus_middle_name():
    # Far more common than the royal clan name: Phúc is a middle name here.
    assert split_name("Nguyễn Phúc Hậu") == ("Nguyễn", "Phúc", "Hậu")


def test_split_keeps_capitalisation_as_typed_and_matches_compounds_case_insensitively():
    assert split_name("tôn nữ thị hà") == ("tôn nữ", "thị", "hà")
    assert split_name("NGUYỄN văn AN") == ("NGUYỄN", "văn", "AN")


def test_split_cleans_nfd_and_whitespace():
    assert split_name(nfd("  Tôn   Nữ  Thị\u00a0Hà ")) == ("Tôn Nữ", "Thị", "Hà")
    assert split_name(nfd("Nguyễn Thị Đào"))[2] == "Đào"


def test_split_non_string_is_empty():
    assert split_name(None) == ("", "", "")


def test_compound_list_is_documented_data():
    assert "Tôn Nữ" in COMPOUND_SURNAMES and "Hoàng Phủ" in COMPOUND_SURNAMES
    for name in COMPOUND_SURNAMES:
        assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize(
    "parts, full",
    [
        (("Nguyễn", "Thị", "Đào"), "Nguyễn Thị Đào"),
        (("Lê", "", "An"), "Lê An"),
        (("", "", "An"), "An"),
        (("", "", ""), ""),
        ((" Trần ", "Văn  Minh", "Nhật"), "Trần Văn Minh Nhật"),
        ((None, None, "Hà"), "Hà"),
    ],
)
def test_join_name(parts, full):
    assert join_name(*parts) == full


@pytest.mark.parametrize(
    "full",
    ["Nguyễn Thị Đào", "Tôn Nữ Thị Hà", "Công Tằng Tôn Nữ Thị Minh", "Lê An", "Phạm Thị Thu Hương"],
)
def test_join_inverts_split(full):
    assert join_name(*split_name(full)) == full


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("nguyễn thị đào", "Nguyễn Thị Đào"),
        ("NGUYỄN THỊ ĐÀO", "Nguyễn Thị Đào"),
        ("  trần   văn ấn ", "Trần Văn Ấn"),
        ("ưng hoàng phúc", "Ưng Hoàng Phúc"),
        ("đỗ ơn", "Đỗ Ơn"),
        ("h'hen niê", "H'Hen Niê"),
        ("y-moan ê ban", "Y-Moan Ê Ban"),
        ("", ""),
        (None, ""),
    ],
)
def test_title_name(typed, expected):
    assert title_name(typed) == expected


def test_title_name_on_nfd_input_gives_nfc_capitals():
    result = title_name(nfd("đặng ấu ướt"))
    assert result == "Đặng Ấu Ướt"
    assert unicodedata.is_normalized("NFC", result)
