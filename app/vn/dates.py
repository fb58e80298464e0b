"""Dates the way Vietnamese documents write them.

Administrative documents follow Nghị định 30/2020/NĐ-CP (Phụ lục I): "ngày 05 tháng 02 năm
2026", where days below 10 and the months 1 and 2 get a leading zero and other months do
not ("tháng 9", "tháng 11"). The zero on January and February is there so nobody can add a
digit in front ("tháng 1" -> "tháng 11") after signing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from .text import clean

__all__ = [
    "long_date",
    "place_date",
    "short_date",
    "school_year",
    "school_year_of",
    "parse_school_year",
    "parse_date",
    "local_datetime",
    "DEFAULT_TZ",
    "SCHOOL_YEAR_START_MONTH",
]

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# The school year opens on 5 September nationally, but when a "year" starts for the
# association's books is a local decision (some count from August), hence a parameter.
SCHOOL_YEAR_START_MONTH = 9


def long_date(d) -> str:
    """"ngày 05 tháng 02 năm 2026" / "ngày 15 tháng 9 năm 2026". None gives ""."""
    if d is None:
        return ""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_date(place, d) -> str:
    """"Hà Nội, ngày 05 tháng 02 năm 2026", the line above a signature.

    Without a place the date stands alone and, starting the line, is capitalised.
    """
    text = long_date(d)
    place = clean(place) or ""
    if not place:
        return text[:1].upper() + text[1:]
    return f"{place}, {text}" if text else place


def short_date(d) -> str:
    """"05/02/2026" (dd/mm/yyyy). None gives ""."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def school_year(start_year) -> str:
    """"2025-2026" for the year starting in 2025 (plain hyphen, no spaces). None gives ""."""
    if start_year is None:
        return ""
    start = int(start_year)
    return f"{start}-{start + 1}"


def school_year_of(d, start_month: int = SCHOOL_YEAR_START_MONTH) -> str:
    """The school year a date falls in: from ``start_month`` on it is the year starting then.

    15/09/2025 and 31/08/2026 both belong to "2025-2026" with the default September start.
    """
    start = d.year if d.month >= start_month else d.year - 1
    return school_year(start)


_SCHOOL_YEAR = re.compile(r"([0-9]{4})\s*[-–—/]\s*([0-9]{4})")


def parse_school_year(text) -> int:
    """Return the start year of "2025-2026" (also "2025 - 2026", "2025–2026", "2025/2026")."""
    s = clean(text) if isinstance(text, str) else ""
    match = _SCHOOL_YEAR.fullmatch(s)
    if not match:
        raise ValueError(f"Năm học không hợp lệ: “{s}”. Hãy nhập theo dạng 2025-2026.")
    start, end = int(match.group(1)), int(match.group(2))
    if end != start + 1:
        raise ValueError(
            f"Năm học không hợp lệ: “{s}”. Hai năm phải liên tiếp, ví dụ {start}-{start + 1}."
        )
    return start


# Day first, always: "05/02/2026" is 5 February. A four-digit year is required so that
# "05/02/26" is never silently read as year 26.
_DMY = re.compile(r"([0-9]{1,2})\s*([/.-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def parse_date(text) -> date:
    """Parse "05/02/2026", "5/2/2026", "05-02-2026", "05.02.2026" or ISO "2026-02-05".

    Raises ValueError with a Vietnamese message for impossible dates ("31/02/2026") and
    anything else. A date passes through unchanged (a datetime gives its date).
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = clean(text) if isinstance(text, str) else ""
    if not s:
        raise ValueError("Vui lòng nhập ngày.")
    if m := _DMY.fullmatch(s):
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    elif m := _ISO.fullmatch(s):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise ValueError(
            f"Ngày không hợp lệ: “{s}”. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/02/2026."
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày không hợp lệ: {s} không có trong lịch.") from None


def local_datetime(dt_utc, tz=DEFAULT_TZ) -> str:
    """Show a stored UTC timestamp in local time: "05/02/2026 14:30". None gives "".

    Naive datetimes are taken as UTC, because that is how the database stores them.
    ``tz`` is a zone name or a tzinfo.
    """
    if dt_utc is None:
        return ""
    if dt_utc.tzinfo is None:
        dt_utc = dt_utc.replace(tzinfo=timezone.utc)
    zone = tz if isinstance(tz, tzinfo) else ZoneInfo(tz)
    return dt_utc.astimezone(zone).strftime("%d/%m/%Y %H:%M")
