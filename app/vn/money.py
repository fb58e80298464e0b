"""Money in Vietnamese đồng: formatting, reading aloud for receipts, and parsing input.

VND has no minor unit, so amounts are whole ints everywhere. "." separates thousands and
"," is the decimal mark in Vietnam, which is why input with a comma is refused rather than
guessed at: "12,500" could be twelve and a half or twelve thousand five hundred.
"""

from __future__ import annotations

import re
from decimal import Decimal
from numbers import Integral

from app.core.refusal import Refusal

from .text import nfc

__all__ = ["MoneyError", "format_vnd", "format_number", "amount_in_words", "parse_money", "MAX_DIGITS"]

MAX_DIGITS = 15
_MAX_AMOUNT = 10**MAX_DIGITS - 1


class MoneyError(Refusal):
    """An amount the user typed cannot be taken; ``str(error)`` is a Vietnamese message."""



def _as_int(amount) -> int:
    # Accept Decimal/float only when whole: SQL Numeric columns come back as Decimal.
    if type(amount) is int:  # nearly every call (a province's roll-up formats thousands): no ABC check
        return amount
    if isinstance(amount, bool):
        raise TypeError("amount must be an integer number of đồng, not a bool")
    if isinstance(amount, Integral):
        return int(amount)
    if isinstance(amount, Decimal) and amount.is_finite() and amount == amount.to_integral_value():
        return int(amount)
    if isinstance(amount, float) and amount.is_integer():
        return int(amount)
    raise TypeError(f"amount must be a whole number of đồng, got {amount!r}")


def format_number(amount) -> str:
    """Group digits the Vietnamese way: 1250000 -> "1.250.000". None gives ""."""
    if amount is None:
        return ""
    value = _as_int(amount)
    # Whole đồng need only grouping by three with "." (CLDR's vi pattern "#,##0", which
    # tests/vn checks against Babel); Babel itself took 50 µs a call, 5 ms of a 100-row list.
    # The sign is always an ASCII hyphen.
    return ("-" if value < 0 else "") + f"{abs(value):,}".replace(",", ".")


def format_vnd(amount) -> str:
    """Format an amount with the currency: "1.250.000 đ" (normal space). None gives ""."""
    if amount is None:
        return ""
    return format_number(amount) + " đ"


# ---------------------------------------------------------------------------------------
# Amount in words, as written on phiếu thu / phiếu chi.
#
# Conventions chosen (all common on printed receipts; other spellings are regional):
# - "nghìn" (not "ngàn"), "linh" (not "lẻ"), "bảy" (not "bẩy"), "tỷ" (not "tỉ");
# - after "mươi": 1 -> "mốt", 4 -> "tư", 5 -> "lăm" (21 "hai mươi mốt", 24 "hai mươi tư");
#   after "mười": 5 -> "lăm" but 1 -> "một", 4 -> "bốn" (11, 14, 15);
#   after "linh": plain digits (105 "một trăm linh năm", 104 "một trăm linh bốn");
# - a group of three digits that is entirely zero is skipped (1.000.001 is "một triệu không
#   trăm linh một", not "... không nghìn ..."), but any non-zero group after the first is read
#   with all its places ("không trăm", "linh");
# - above 999.999.999 the number of tỷ is read recursively, so 10^12 is "một nghìn tỷ".
# ---------------------------------------------------------------------------------------

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu"]
_BILLION = 10**9


def _read_group(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads "không trăm" / "linh" (not the leading group)."""
    hundreds, tens, units = n // 100, (n // 10) % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, _DIGITS[units]))
    return words


def _read_below_billion(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 10^9; ``full`` means a higher part was already read."""
    groups = [(n // 10**6) % 1000, (n // 1000) % 1000, n % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _read_group(group, full or bool(words))
        scale = _SCALES[2 - index]
        if scale:
            words.append(scale)
    return words


def _read(n: int) -> list[str]:
    high, low = divmod(n, _BILLION)
    words: list[str] = []
    if high:
        words += _read(high) + ["tỷ"]
    if low:
        words += _read_below_billion(low, full=bool(high))
    return words


def amount_in_words(amount) -> str:
    """Read an amount for a receipt: 1250000 -> "Một triệu hai trăm năm mươi nghìn đồng".

    Any whole number: a report's total may be larger than any single amount (10^15 is "một triệu
    tỷ", 10^18 "một tỷ tỷ"). Negative amounts start with "Âm". None gives "".
    """
    if amount is None:
        return ""
    value = _as_int(amount)
    words = _read(abs(value)) or ["không"]
    if value < 0:
        words.insert(0, "âm")
    text = " ".join(words + ["đồng"])
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------------------
# Parsing what users type.
# ---------------------------------------------------------------------------------------

MSG_EMPTY = "Vui lòng nhập số tiền."
MSG_NEGATIVE = "Số tiền không được âm."
MSG_DECIMAL = "Số tiền phải là số nguyên đồng, không có phần lẻ."
MSG_COMMA = (
    "Không dùng dấu phẩy trong số tiền (dấu phẩy là dấu thập phân); "
    "hãy dùng dấu chấm ngăn cách hàng nghìn, ví dụ 1.250.000."
)
MSG_INVALID = "Số tiền không hợp lệ: chỉ gồm chữ số, có thể dùng dấu chấm ngăn cách hàng nghìn."
MSG_TOO_LARGE = "Số tiền quá lớn (tối đa 15 chữ số)."

# Spaces of every kind people paste from spreadsheets and bank SMS: NBSP, narrow NBSP,
# figure space, thin space.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd|₫)\s*$", re.IGNORECASE)
_PLAIN = re.compile(r"[0-9]+")
_DOTTED = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")
_SPACED = re.compile(r"[1-9][0-9]{0,2}( [0-9]{3})+")
_COMMA_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_WITH_FRACTION = re.compile(r"[0-9][0-9. ]*,[0-9]+")


def parse_money(text) -> int:
    """Parse a typed amount into whole đồng, or raise :class:`MoneyError`.

    Accepts "1.250.000", "1250000", "1 250 000", with optional "đ", "đồng", "VND", "VNĐ" or
    "₫" after it, NBSP and NFD input. Grouping must be regular: "1.25.000" is refused because
    it is more likely a typo than a number. An int (not bool) is accepted as already parsed.
    """
    if isinstance(text, Integral) and not isinstance(text, bool):
        value = int(text)
        if value < 0:
            raise MoneyError(MSG_NEGATIVE)
        if value > _MAX_AMOUNT:
            raise MoneyError(MSG_TOO_LARGE)
        return value
    if text is None:
        raise MoneyError(MSG_EMPTY)
    if not isinstance(text, str):
        raise MoneyError(MSG_INVALID)
    s = _SPACES.sub(" ", nfc(text)).strip()
    s = _CURRENCY.sub("", s).strip()
    if not s:
        raise MoneyError(MSG_EMPTY)
    if s[0] in "-−–":
        raise MoneyError(MSG_NEGATIVE)
    if "," in s:
        if _COMMA_GROUPED.fullmatch(s):
            raise MoneyError(MSG_COMMA)
        if _WITH_FRACTION.fullmatch(s):
            raise MoneyError(MSG_DECIMAL)
        raise MoneyError(MSG_INVALID)
    if not (_PLAIN.fullmatch(s) or _DOTTED.fullmatch(s) or _SPACED.fullmatch(s)):
        raise MoneyError(MSG_INVALID)
    digits = s.replace(".", "").replace(" ", "").lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        raise MoneyError(MSG_TOO_LARGE)
    return int(digits)
