"""Phone numbers read from spreadsheets.

Excel stores a column of phone numbers typed without a leading apostrophe as numbers, so
"0912345678" comes back as 912345678 (or 912345678.0): the leading 0 is gone. Every import
that reads a phone goes through :func:`sheet_phone`, which puts the 0 back when what is left
is plainly a Vietnamese number, and otherwise keeps the value as it is with a warning for
the row, so a wrong number is looked at rather than silently stored.
"""

from __future__ import annotations

import re

from .text import clean

__all__ = ["sheet_phone"]

# What is left of a Vietnamese number once Excel has dropped its 0: a mobile number
# (09x, 08x, 07x, 05x, 03x: 9 digits after the 0) or a landline (02xx area code: 10 digits after the 0).
_MOBILE = re.compile(r"^[35789]\d{8}$")
_LANDLINE = re.compile(r"^2\d{9}$")
_INTERNATIONAL = re.compile(r"^84([35789]\d{8}|2\d{9})$")  # 84912345678: +84 typed as a number


def _digits_of_number(value) -> str | None:
    """The digits of a numeric cell (int or a whole float), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            return None
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return str(value)
    return None


def sheet_phone(value) -> tuple[str, str]:
    """(phone text, warning) for a spreadsheet cell; the warning is "" when nothing looks wrong.

    A number (912345678, 912345678.0, or the same digits in a text cell) that is a Vietnamese
    mobile or landline without its leading 0 gets the 0 back ("0912345678"); 84912345678 becomes
    "0912345678". Any other number is kept as its digits with a warning. Text with a leading 0,
    spaces or a "+" is kept as typed.
    """
    if value is None:
        return "", ""
    digits = _digits_of_number(value)
    if digits is None:
        text = clean(str(value)) or ""
        if isinstance(value, (int, float)):  # a fraction or a negative number is no phone number
            return text, f"Số điện thoại “{text}” không hợp lệ: hãy kiểm tra lại."
        if not text.isdigit() or text.startswith("0"):
            return text, ""
        digits = text
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return "0" + digits, ""
    if _INTERNATIONAL.match(digits):
        return "0" + digits[2:], ""
    return digits, (f"Số điện thoại “{digits}” không giống số Việt Nam (Excel có thể đã bỏ số 0 ở đầu): "
                    f"hãy kiểm tra lại.")
