"""Unicode hygiene for Vietnamese text.

Vietnamese can reach us in two shapes: precomposed (NFC, what most keyboards send) and
decomposed (NFD, "e" + circumflex + acute, sent by some macOS and phone keyboards or pasted
from PDFs). Both look identical on screen but compare unequal, so everything we store goes
through :func:`nfc` or :func:`clean`, and everything we search goes through :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["nfc", "clean", "fold", "strip_controls"]

# \s in Python's re is Unicode-aware: it also matches NBSP, narrow NBSP, ideographic space...
_WHITESPACE = re.compile(r"\s+")
# Control characters nobody types on purpose (the C0 ones \s does not cover, and DEL): a NUL
# cannot be stored in PostgreSQL text, and any of them makes an .xlsx export fail.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_CONTROL_KEEP_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def nfc(value):
    """Return ``value`` in NFC form without touching anything else.

    None and non-strings pass through unchanged so this can wrap form data blindly
    (WTForms hands us None for empty optional fields, ints for IntegerField).
    """
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value)


def strip_controls(value):
    """``value`` without control characters (line breaks and tabs kept); non-strings unchanged."""
    if not isinstance(value, str):
        return value
    return _CONTROL_KEEP_LINES.sub("", value)


def clean(value):
    """NFC-normalise, drop control characters, strip, and collapse inner whitespace runs to a single space.

    This is the form for names, addresses and titles: a doubled space typed on a phone
    must not make "Nguyễn  Văn An" a different person from "Nguyễn Văn An".
    None and non-strings pass through unchanged, like :func:`nfc`.
    """
    if not isinstance(value, str):
        return value
    return _WHITESPACE.sub(" ", _CONTROL.sub("", nfc(value))).strip()


def fold(value) -> str:
    """Return a search key: lowercase ASCII-ish text without any diacritics.

    ``fold("Nguyễn Thị Đào") == fold("nguyen thi dao") == "nguyen thi dao"``. Volunteers
    often type without diacritics (old phones, no Vietnamese keyboard), so search compares
    folded forms. "đ" has no Unicode decomposition (it is a distinct letter, not d + mark),
    hence the explicit replacement. None gives "" so a missing field never matches by accident
    against a real query.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    # casefold rather than lower: it also maps e.g. "ß" to "ss", harmless for Vietnamese.
    return _WHITESPACE.sub(" ", stripped.casefold()).strip()
