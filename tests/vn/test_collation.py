"""Vietnamese alphabetical order: word_key, name_sort_key, sort_people."""

import random
import re
import unicodedata
from collections import namedtuple

import pytest
from hypothesis import given, settings, strategies as st

from app.vn import NAME_KEY_MAX, name_sort_key, sort_people, word_key


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


KEY_CHARS = re.compile(r"[0-9a-z]*")


def assert_strictly_ordered(words):
    keys = [word_key(w) for w in words]
    for (a, ka), (b, kb) in zip(zip(words, keys), zip(words[1:], keys[1:])):
        assert ka < kb, f"{a!r} should sort before {b!r}"


def test_alphabet_order_of_single_letters():
    assert_strictly_ordered(list("aăâbcdđeêghiklmnoôơpqrstuưvxy"))


def test_foreign_letters_sit_next_to_their_neighbours():
    assert_strictly_ordered(["e", "ê", "f", "g"])
    assert_strictly_ordered(["i", "j", "k"])
    assert_strictly_ordered(["v", "w", "x"])
    assert_strictly_ordered(["y", "z"])


def test_digits_sort_before_letters_and_space_before_digits():
    assert_strictly_ordered(["", "0", "1", "9", "a", "ă"])
    assert_strictly_ordered(["a b", "a0", "a9", "aa"])
    assert word_key("10A1") < word_key("10A2") < word_key("A1")


def test_tones_order_none_huyen_hoi_nga_sac_nang():
    assert_strictly_ordered(["a", "à", "ả", "ã", "á", "ạ"])
    assert_strictly_ordered(["ma", "mà", "mả", "mã", "má", "mạ"])
    assert_strictly_ordered(["ơ", "ờ", "ở", "ỡ", "ớ", "ợ"])


def test_base_letters_win_over_tones():
    # "ạ" has the heaviest tone but "b" is a later letter.
    assert_strictly_ordered(["ạ", "b"])
    assert_strictly_ordered(["Ánh", "Ao"])  # a-n-h < a-o whatever the tones
    assert_strictly_ordered(["Hạnh", "Hào"])


def test_prefix_sorts_first():
    assert_strictly_ordered(["An", "Anh"])
    assert_strictly_ordered(["Ạn", "Anh"])  # even with a heavier tone on the shorter word
    assert_strictly_ordered(["Hà", "Hải", "Hạnh"])
    assert_strictly_ordered(["An Khang", "Anh"])


def test_anh_anh_anh_order():
    assert_strictly_ordered(["Anh", "Ảnh", "Ánh", "Ân"])


def test_d_names_come_before_all_dd_names():
    assert_strictly_ordered(["Dung", "Dũng", "Duy", "Dương", "Đào", "Đạt", "Đức"])


def test_u_horn_after_u_and_o_horn_after_o_circumflex():
    assert_strictly_ordered(["Thu", "Thư"])
    assert_strictly_ordered(["Tuấn", "Tư", "Tưởng"])
    assert_strictly_ordered(["Uyên", "Ưng"])
    assert_strictly_ordered(["O", "Ô", "Ơ"])
    assert_strictly_ordered(["Long", "Lộc", "Lợi"])
    assert_strictly_ordered(["Ôn", "Ơn"])


def test_a_breve_and_circumflex_order():
    assert_strictly_ordered(["An", "Ăn", "Ân"])
    assert_strictly_ordered(["Tam", "Tăng", "Tâm"])


def test_case_insensitive():
    assert word_key("đào") == word_key("ĐÀO") == word_key("Đào")


def test_nfd_input_gives_same_key():
    for w in ["Nguyễn", "Đào", "Phượng", "Ưng", "Ặ", "Thuỷ", "Hồng Nhung"]:
        assert word_key(nfd(w)) == word_key(w)


def test_old_and_new_tone_placement_are_equal():
    assert word_key("Hoà") == word_key("Hòa")
    assert word_key("Thuỷ") == word_key("Thủy")


def test_whitespace_is_normalised():
    assert word_key("  Hồng   Nhung ") == word_key("Hồng Nhung")


def test_key_is_plain_ascii_digits_and_lowercase():
    for w in ["Nguyễn Thị Đào", "H'Hen Niê", "Zoë", "李", "10A1", "", "  "]:
        assert KEY_CHARS.fullmatch(word_key(w)), w


def test_none_is_like_empty():
    assert word_key(None) == word_key("")


def test_unknown_characters_do_not_crash_and_sort_after_letters():
    assert word_key("y") < word_key("z") < word_key("ø") < word_key("李")


# -- people -------------------------------------------------------------------------------

Person = namedtuple("Person", "ho dem ten")

# In the order a Vietnamese list should show them (by tên, then tên đệm, then họ).
EXPECTED = [
    Person("Nguyễn", "", "An"),
    Person("Nguyễn", "Thị", "An"),
    Person("Lê", "Văn", "An"),
    Person("Trần", "Văn", "An"),
    Person("Hoàng", "Đức", "Anh"),
    Person("Đỗ", "Ngọc", "Anh"),
    Person("Vũ", "Ngọc", "Anh"),
    Person("Lý", "Ngọc", "Ánh"),
    Person("Bùi", "Thị", "Ân"),
    Person("Nguyễn", "Gia", "Bảo"),
    Person("Đặng", "Thanh", "Bình"),
    Person("Hồ", "Mạnh", "Cường"),
    Person("Ngô", "Thị", "Dung"),
    Person("Lê", "Anh", "Dũng"),
    Person("Trịnh", "Khánh", "Duy"),
    Person("Nguyễn", "Thị", "Đào"),
    Person("Phan", "Tiến", "Đạt"),
    Person("Võ", "Hương", "Giang"),
    Person("Mai", "Thu", "Hà"),
    Person("Đinh", "Văn", "Hải"),
    Person("Tôn Nữ", "Mỹ", "Hạnh"),
    Person("Dương", "Quốc", "Khánh"),
    Person("Cao", "Thùy", "Linh"),
    Person("Tạ", "Văn", "Long"),
    Person("Hà", "Phúc", "Lộc"),
    Person("Vương", "Đình", "Lợi"),
    Person("Đỗ", "Văn", "Nam"),
    Person("La", "Văn", "Nam"),
    Person("Lã", "Văn", "Nam"),
    Person("Kiều", "Kim", "Oanh"),
    Person("Lưu", "Thị", "Phương"),
    Person("Châu", "Thị", "Phượng"),
    Person("Quách", "Minh", "Quân"),
    Person("Tạ", "Hồng", "Sơn"),
    Person("La", "Thị", "Thu"),
    Person("Lã", "Minh", "Thư"),
    Person("Âu Dương", "Cẩm", "Tú"),
    Person("Triệu", "Anh", "Tuấn"),
    Person("Giáp", "Văn", "Tư"),
    Person("Đoàn", "Thị", "Uyên"),
    Person("Lò", "Văn", "Ưng"),
    Person("Thái", "Thanh", "Vân"),
    Person("Mạc", "Thảo", "Vy"),
    Person("Hứa", "Thị", "Xuân"),
    Person("Hoàng Phủ", "Ngọc", "Yến"),
]


@pytest.mark.parametrize("seed", range(5))
def test_sort_people_orders_a_realistic_list(seed):
    shuffled = EXPECTED[:]
    random.Random(seed).shuffle(shuffled)
    assert sort_people(shuffled) == EXPECTED


def test_sort_people_with_nfd_and_odd_case_input():
    messy = [Person(nfd(p.ho), nfd(p.dem).upper(), nfd(p.ten).lower()) for p in reversed(EXPECTED)]
    result = sort_people(messy)
    assert [unicodedata.normalize("NFC", p.ten).casefold() for p in result] == [
        p.ten.casefold() for p in EXPECTED
    ]


def test_sort_people_with_custom_key_and_stability():
    rows = [{"n": ("Lê", "Văn", "Bình"), "id": 1}, {"n": ("Lê", "Văn", "An"), "id": 2},
            {"n": ("Lê", "Văn", "Bình"), "id": 3}]
    assert [r["id"] for r in sort_people(rows, key=lambda r: r["n"])] == [2, 1, 3]


def test_name_key_compares_given_name_before_middle_and_family():
    assert name_sort_key("Trần", "Văn", "An") < name_sort_key("Abc", "Abc", "Anh")
    assert name_sort_key("Zed", "An", "Bình") < name_sort_key("An", "Anh", "Bình")
    assert name_sort_key("An", "Văn", "Bình") < name_sort_key("Anh", "Văn", "Bình")


def test_name_key_prefix_rule_holds_across_parts():
    # If the separator sorted above letters, "An" + "Zzz" would beat "Anh" + "A".
    assert name_sort_key("Zzz", "Zzz", "An") < name_sort_key("A", "A", "Anh")
    assert name_sort_key("Lê", "", "An") < name_sort_key("Lê", "A", "An")


def test_name_key_given_name_tone_beats_middle_name_letters():
    assert name_sort_key("Lê", "Yến", "Anh") < name_sort_key("Lê", "An", "Ánh")


def test_name_key_is_ascii_and_fits_a_varchar_255():
    key = name_sort_key("Công Tằng Tôn Nữ", "Thị Ngọc Phương", "Nguyệt")
    assert KEY_CHARS.fullmatch(key) and len(key) < 120
    long_key = name_sort_key("Nguyễn " * 40, "Thị " * 40, "Hương " * 40)
    assert len(long_key) == NAME_KEY_MAX
    assert name_sort_key(None, None, "An") == name_sort_key("", "", "An")


# -- property tests -------------------------------------------------------------------------

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
DIGITS = "0123456789"
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]  # none..nặng
RANK = {ch: i for i, ch in enumerate(" " + DIGITS + ALPHABET)}


@st.composite
def vn_strings(draw):
    """A few words with known base letters and one known tone each, rendered messily.

    Returns (text, reference) where reference = (base-letter ranks, tone per word), the
    order the spec defines, computed without looking at word_key.
    """
    words = draw(st.lists(
        st.tuples(st.text(alphabet=ALPHABET + DIGITS[:3], min_size=1, max_size=5),
                  st.integers(0, 5), st.integers(0, 4)),
        min_size=0, max_size=3,
    ))
    rendered, bases, tones = [], [], []
    for letters, tone, where in words:
        if not any(c in ALPHABET for c in letters):
            letters += "a"
        # The tone sits on one letter of the word (a letter, not a digit).
        positions = [i for i, c in enumerate(letters) if c in ALPHABET]
        pos = positions[where % len(positions)]
        chars = list(letters)
        chars[pos] = unicodedata.normalize("NFC", chars[pos] + TONE_MARKS[tone])
        rendered.append("".join(chars))
        if bases:
            bases.append(RANK[" "])
        bases.extend(RANK[c] for c in letters)
        # A digit splits a word into letter runs; only the run holding the tone gets it.
        runs, start = [], None
        for i, c in enumerate(letters + "0"):
            if c in ALPHABET and start is None:
                start = i
            elif c not in ALPHABET and start is not None:
                runs.append(tone if start <= pos < i else 0)
                start = None
        tones.extend(runs)
    text = " ".join(rendered)
    if draw(st.booleans()):
        text = nfd(text)
    if draw(st.booleans()):
        text = text.upper()
    return text, (tuple(bases), tuple(tones))


def sign(x):
    return (x > 0) - (x < 0)


def cmp(a, b):
    return (a > b) - (a < b)


@settings(max_examples=400)
@given(vn_strings(), vn_strings())
def test_word_key_order_matches_base_then_tone_reference(a, b):
    (text_a, ref_a), (text_b, ref_b) = a, b
    assert sign(cmp(word_key(text_a), word_key(text_b))) == cmp(ref_a, ref_b)


@settings(max_examples=200)
@given(st.lists(vn_strings(), min_size=2, max_size=12))
def test_sorting_by_word_key_equals_sorting_by_reference(items):
    by_key = [ref for _, ref in sorted(items, key=lambda it: word_key(it[0]))]
    assert by_key == sorted(ref for _, ref in items)


@given(st.text())
def test_word_key_is_total_ascii_and_normalisation_blind(s):
    key = word_key(s)
    assert KEY_CHARS.fullmatch(key)
    assert key == word_key(nfd(s)) == word_key(unicodedata.normalize("NFC", s))


@given(st.text(max_size=20), st.text(max_size=20), st.text(max_size=20))
def test_name_sort_key_always_fits_and_is_ascii(ho, dem, ten):
    key = name_sort_key(ho, dem, ten)
    assert len(key) <= NAME_KEY_MAX and KEY_CHARS.fullmatch(key)


@settings(max_examples=300)
@given(vn_strings(), vn_strings(), vn_strings(), vn_strings())
def test_name_sort_key_compares_given_name_first_then_middle(t1, d1, t2, d2):
    expected = cmp((t1[1], d1[1]), (t2[1], d2[1]))
    got = cmp(name_sort_key("", d1[0], t1[0]), name_sort_key("", d2[0], t2[0]))
    assert got == expected
