"""Vietnamese personal names: splitting, capitalisation and alphabetical order.

A Vietnamese name is written family name (họ), middle name(s) (tên đệm), given name (tên),
and people are addressed and listed by the given name. Lists therefore sort by tên, then
tên đệm, then họ, in the Vietnamese alphabet with tone marks as a secondary key.

The sort key is a plain ASCII string so the database can ORDER BY a stored column with its
default binary collation (SQLite BINARY, PostgreSQL COLLATE "C"): no ICU needed on old servers.
"""

from __future__ import annotations

import string
import unicodedata

from .text import clean, fold

__all__ = [
    "COMPOUND_SURNAMES",
    "split_name",
    "join_name",
    "title_name",
    "word_key",
    "name_sort_key",
    "sort_people",
    "NAME_KEY_MAX",
    "same_name_key",
    "same_name",
    "unmarked",
    "birth_year",
]

# Genuine two- (or more-) word family names, with the minimum number of words a full name
# must have before we read its start as this surname. "Nguyễn Phúc" (the royal clan) needs
# four words because "Nguyễn Phúc Hậu" is far more often family name + middle name "Phúc";
# the others are rare enough as a family-name-then-middle-name pair that three words suffice.
# Longest entries are tried first, so "Công Tằng Tôn Nữ" wins over any shorter match.
COMPOUND_SURNAMES: dict[str, int] = {
    "Công Tằng Tôn Nữ": 5,
    "Tôn Nữ": 3,
    "Tôn Thất": 3,
    "Nguyễn Phúc": 4,
    "Hoàng Phủ": 3,
    "Âu Dương": 3,
    "Tư Mã": 3,
    "Gia Cát": 3,
    "Thượng Quan": 3,
}

# Largest name_sort_key we hand out: it must fit a VARCHAR(255) column with room to spare.
NAME_KEY_MAX = 250


def _compound_prefixes():
    entries = [(c.casefold().split(), n) for c, n in COMPOUND_SURNAMES.items()]
    return sorted(entries, key=lambda e: -len(e[0]))


def split_name(full) -> tuple[str, str, str]:
    """Split a full name into (họ, tên đệm, tên), keeping the capitalisation as typed.

    The given name is the last word and the family name the first, except for the compound
    surnames in :data:`COMPOUND_SURNAMES` (matched case-insensitively but with diacritics:
    "Ton Nu" typed without marks is read as family name "Ton"). One word is taken as a given name alone, since that
    is what a volunteer types when the family name is unknown.
    """
    words = clean(full).split() if isinstance(full, str) else []
    if not words:
        return ("", "", "")
    if len(words) == 1:
        return ("", "", words[0])
    lowered = [w.casefold() for w in words]
    ho_len = 1
    for prefix, min_words in _compound_prefixes():
        if len(words) >= min_words and lowered[: len(prefix)] == prefix:
            ho_len = len(prefix)
            break
    return (" ".join(words[:ho_len]), " ".join(words[ho_len:-1]), words[-1])


def join_name(ho, dem, ten) -> str:
    """Join the three parts back into one cleaned full name, skipping empty parts."""
    return clean(" ".join(p for p in (ho, dem, ten) if p)) or ""


def _title_word(word: str) -> str:
    # Capitalise after an apostrophe or hyphen too: Central Highlands names such as
    # "H'Hen Niê" or "Y-Moan" are written that way.
    out, upper_next = [], True
    for ch in word.lower():
        out.append(ch.upper() if upper_next else ch)
        upper_next = ch in "'’-"
    return "".join(out)


def title_name(value) -> str:
    """Capitalise each word of a name: "nguyễn thị đào" -> "Nguyễn Thị Đào".

    Works on NFC text so "đ" becomes "Đ" and a tone mark never gets capitalised on its own.
    """
    text = clean(value) or ""
    return " ".join(_title_word(w) for w in text.split(" ")) if text else ""


# ---------------------------------------------------------------------------------------
# Collation key.
#
# Each character becomes a unit with a rank; a key is:
#   primary   = the units, each encoded as 2 chars (rank + 36 in base 36, so never starting
#               with "0"), or "z" + 4 base-36 chars of the code point for characters we do not
#               know (sorted after all letters by code point);
#   "0"       = end marker, below every unit's first char, so a prefix sorts first
#               ("An" < "Anh", "An Khang" < "Anh");
#   secondary = one tone digit per run of letters (a word), 0..5 = none, huyền, hỏi, ngã,
#               sắc, nặng.
# The unit code is prefix-free and order-preserving, so plain string comparison compares
# unit sequences lexicographically, and the tone digits only matter when all units match.
# Tones are per word, not per vowel, so old-style "hoà" and new-style "hòa" get equal keys.
# ---------------------------------------------------------------------------------------

_B36 = string.digits + string.ascii_lowercase
_END = "0"

# Whitespace, then ASCII punctuation, then digits, then letters. f, j, w, z are not part
# of the Vietnamese alphabet but appear in names and loanwords; they sit next to their
# neighbours so lists still look alphabetical to a Vietnamese reader.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_UNITS = [" "] + list(string.punctuation) + list(string.digits) + list(_ALPHABET)
_RANK = {u: i for i, u in enumerate(_UNITS)}
_LETTERS = frozenset(_ALPHABET)

# Combining marks that change the base letter (they are part of the alphabet, so primary).
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tone marks (secondary), in the traditional dictionary order.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _unit_code(unit: str) -> str:
    rank = _RANK.get(unit)
    if rank is not None:
        n = rank + 36
        return _B36[n // 36] + _B36[n % 36]
    cp = ord(unit)
    return "z" + "".join(_B36[(cp // 36**i) % 36] for i in (3, 2, 1, 0))


def _analyse(value) -> tuple[list[str], list[int]]:
    """Return (units, tones): the base-letter sequence and one tone per letter run."""
    text = unicodedata.normalize("NFD", value or "").lower()
    units: list[str] = []
    tones: list[int] = []
    in_word = False
    for ch in text:
        if unicodedata.combining(ch):
            if not units:
                continue
            if ch in _TONES:
                # First tone of a word wins; a second one is a typo we must not crash on.
                if in_word and tones[-1] == 0:
                    tones[-1] = _TONES[ch]
            else:
                merged = _LETTER_MARKS.get((units[-1], ch))
                if merged:
                    units[-1] = merged
            continue
        if ch.isspace():
            ch = " "
        units.append(ch)
        is_letter = ch in _LETTERS or (ch not in _RANK and ch.isalpha())
        if is_letter and not in_word:
            tones.append(0)
        in_word = is_letter
    return units, tones


def word_key(word) -> str:
    """Collation key for a word or a multi-word string, in Vietnamese alphabet order.

    Case-insensitive, NFC/NFD-insensitive, base letters first and tones only as a tie-break.
    The result uses only ``0-9a-z`` so binary string comparison gives the right order.
    Whitespace runs count as one space and leading/trailing whitespace is ignored.
    """
    units, tones = _analyse(clean(word) if isinstance(word, str) else "")
    return "".join(map(_unit_code, units)) + _END + "".join(map(str, tones))


def name_sort_key(ho, dem, ten) -> str:
    """Key to list people the Vietnamese way: by tên, then tên đệm, then họ.

    Each part is a :func:`word_key`; distinct word keys are never prefixes of one another,
    and the "0" separator sorts below every letter code, so "An" < "Anh" holds across parts.
    Truncating to :data:`NAME_KEY_MAX` keeps the order (only ties become possible), and a
    realistic name needs well under 200 chars.
    """
    key = _END.join(word_key(p or "") for p in (ten, dem, ho))
    return key[:NAME_KEY_MAX]


def sort_people(items, key=lambda x: (x.ho, x.dem, x.ten)):
    """Return a new list of ``items`` sorted by :func:`name_sort_key`.

    ``key`` maps an item to its (họ, tên đệm, tên); the sort is stable, so people with
    identical names keep their original order.
    """
    return sorted(items, key=lambda item: name_sort_key(*key(item)))


# ---------------------------------------------------------------------------------------
# "The same name".
#
# Two people have the same name when their full names are equal WITH their diacritics:
# Ân and Ẩn, Hà and Hạ, Đức and Thành Đức are different names. Case, NFC/NFD, runs of
# whitespace and old/new tone placement (hoà/hòa) do not matter. Folding without diacritics
# (app.vn.text.fold) is for search only: a folded key may serve to narrow a query, never to decide.
# ---------------------------------------------------------------------------------------

def same_name_key(full) -> str:
    """The key two names share exactly when they are the same name (see above)."""
    return word_key(full) if isinstance(full, str) and full.strip() else ""


def birth_year(value) -> int | None:
    """The year of a birth given as a date, a year, or text "dd/mm/yyyy" / "yyyy"; None when unknown."""
    if value is None or value == "":
        return None
    year = getattr(value, "year", None)
    if isinstance(year, int):
        return year
    if isinstance(value, int):
        return value or None
    digits = str(value).strip()[-4:]
    return int(digits) if digits.isdigit() and len(digits) == 4 else None


def unmarked(name) -> bool:
    """Whether a name was typed without any diacritic at all ("nguyen thi dao", from a phone
    without a Vietnamese keyboard): its marks are unknown, not absent."""
    return isinstance(name, str) and any(ch.isalpha() for ch in name) and fold(name) == (clean(name) or "").casefold()


def same_name(name_a, name_b, birth_a=None, birth_b=None) -> bool:
    """Whether two people count as "Trùng tên": the same name with its diacritics (see
    same_name_key) and, when both birth years are known, the same birth year.

    Like a missing birth year, missing marks are unknown: a name typed wholly without
    diacritics is the same name as any name it folds to ("nguyen thi dao" and "Nguyễn Thị
    Đào"), while two names that both carry marks must carry the same ones (Ân is not Ẩn).
    Callers may narrow candidates by the folded search key, then decide here.
    """
    key = same_name_key(name_a)
    if not key:
        return False
    if key != same_name_key(name_b):
        if not (unmarked(name_a) or unmarked(name_b)) or fold(name_a) != fold(name_b):
            return False
    year_a, year_b = birth_year(birth_a), birth_year(birth_b)
    return year_a is None or year_b is None or year_a == year_b
