"""Names on the public verification page (app.papers.masking): family and given name whole, middle
names to their first letter or the consonant cluster that is one sound in Vietnamese."""
import unicodedata

import pytest

from app.papers.masking import initial, mask_name, mask_parts


@pytest.mark.parametrize("full, shown", [
    ("Nguyễn Thị Ngọc Ánh", "Nguyễn T. Ng. Ánh"),  # the issue's own example
    ("Trần Văn Bình", "Trần V. Bình"),
    ("Lê Nghĩa Nhân", "Lê Ngh. Nhân"),
    ("Phạm Nhật Minh", "Phạm Nh. Minh"),
    ("Hồ Thanh Trúc", "Hồ Th. Trúc"),
    ("Võ Trọng Nghĩa", "Võ Tr. Nghĩa"),
    ("Đỗ Châu Anh", "Đỗ Ch. Anh"),
    ("Lý Gia Huy", "Lý Gi. Huy"),
    ("Bùi Phương Thảo", "Bùi Ph. Thảo"),
    ("Đặng Khánh Linh", "Đặng Kh. Linh"),
    ("Mai Quỳnh Như", "Mai Qu. Như"),
    ("Tạ Ghi Sơn", "Tạ Gh. Sơn"),
    ("Đinh Đức Anh", "Đinh Đ. Anh"),
    ("Hà Ánh Dương", "Hà Á. Dương"),
])
def test_middle_names_shrink_to_their_first_sound(full, shown):
    assert mask_name(full) == shown


def test_names_of_one_or_two_words_have_nothing_to_hide_beyond_themselves():
    assert mask_name("Ánh") == "Ánh"
    assert mask_name("Nguyễn Ánh") == "Nguyễn Ánh"
    assert mask_name("H'Hen Niê") == "H'Hen Niê"
    assert mask_name("") == "" and mask_name(None) == ""


def test_long_names_and_compound_family_names():
    assert mask_name("Công Tằng Tôn Nữ Thị Ngọc Hà") == "Công Tằng Tôn Nữ T. Ng. Hà"
    assert mask_name("Tôn Nữ Thị Minh Khuê") == "Tôn Nữ T. M. Khuê"
    assert mask_name("Nguyễn Lê Hoàng Phương Thảo Nhi") == "Nguyễn L. H. Ph. Th. Nhi"
    long = "Nguyễn " + " ".join(["Thanh"] * 40) + " Tâm"
    assert mask_name(long) == "Nguyễn " + " ".join(["Th."] * 40) + " Tâm"


def test_decomposed_text_and_stray_spaces_read_as_typed_on_any_keyboard():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Thị\tNgọc   Ánh ")
    shown = mask_name(nfd)
    assert shown == "Nguyễn T. Ng. Ánh" and unicodedata.is_normalized("NFC", shown)


def test_capitals_are_kept_as_typed():
    assert mask_name("NGUYỄN THỊ NGỌC ÁNH") == "NGUYỄN T. NG. ÁNH"
    assert initial("thị") == "t." and initial("ngọc") == "ng."


def test_gi_and_qu_are_clusters_only_before_another_letter():
    assert initial("Gì") == "G."  # g + ì: not the cluster gi
    assert initial("Gi") == "G."  # nothing after it: a letter, not a sound of its own
    assert initial("Giang") == "Gi."


def test_a_collective_keeps_its_whole_name():
    assert mask_name("Dòng họ Nguyễn Văn xã Tân Phú", collective=True) == "Dòng họ Nguyễn Văn xã Tân Phú"
    # control: the same words without the flag and without an organisation's lead word are masked
    assert mask_name("Nguyễn Văn Tân Phú", collective=True) == "Nguyễn Văn Tân Phú"
    assert mask_name("Nguyễn Văn Tân Phú") == "Nguyễn V. T. Phú"


def test_honorifics_stay_before_the_name_and_a_guardian_in_brackets_goes():
    assert mask_name("Bà Nguyễn Thị Lan") == "Bà Nguyễn T. Lan"
    assert mask_name("Cô Trần Thị Hoa") == "Cô Trần T. Hoa"
    assert mask_name("Lê Văn Bình (PH: Trần Thị Mai)") == "Lê V. Bình"


def test_mask_parts_takes_the_stored_parts():
    assert mask_parts("Nguyễn", "Thị Ngọc", "Ánh") == "Nguyễn T. Ng. Ánh"
    assert mask_parts("", "", "Ánh") == "Ánh"


@pytest.mark.parametrize("name", [
    "Hội Khuyến học huyện Lai Vung", "Công ty TNHH Minh Phát", "CÔNG TY CP Thủy sản Sa Đéc",
    "Trường THCS Lai Vung", "UBND xã Tân Thành", "Ủy ban MTTQ xã Hòa Long", "Chi hội Khuyến học ấp Tân Lợi",
    "Ngân hàng Agribank chi nhánh Lai Vung", "Đoàn thanh niên xã Long Hậu", "Hợp tác xã Quýt hồng",
])
def test_an_organisations_name_is_shown_whole(name):
    assert mask_name(name) == name


@pytest.mark.parametrize("person, shown", [
    ("Trương Thị Mỹ Hạnh", "Trương T. M. Hạnh"),  # Trương (a family name), not Trường (a school)
    ("Đoàn Văn Hậu", "Đoàn V. Hậu"),  # Đoàn is a family name; only "Đoàn thanh niên" is an organisation
    ("Hồ Thị Ban", "Hồ T. Ban"),
])
def test_family_names_that_look_like_organisation_words_are_still_masked(person, shown):
    assert mask_name(person) == shown
