"""Report periods: a school year (from the configured start month) or a calendar year.

Both are whole months, so every figure is kept per month and any period is a sum of months.
In URLs a period is its key: "2025-2026" (school year) or "2026" (calendar year).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context

from app.vn.dates import SCHOOL_YEAR_START_MONTH

SCHOOL, CALENDAR = "school", "calendar"
Ym = tuple[int, int]


def start_month() -> int:
    if has_app_context():
        return int(current_app.config.get("SCHOOL_YEAR_START_MONTH", SCHOOL_YEAR_START_MONTH))
    return SCHOOL_YEAR_START_MONTH


def add_months(ym: Ym, n: int) -> Ym:
    index = ym[0] * 12 + ym[1] - 1 + n
    return index // 12, index % 12 + 1


def month_end(ym: Ym) -> date:
    y, m = add_months(ym, 1)
    return date(y, m, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str
    year: int  # the calendar year, or the year the school year starts in
    first_month: int = 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def months(self) -> tuple[Ym, ...]:
        return tuple(add_months((self.year, self.first_month), i) for i in range(12))

    @property
    def end(self) -> date:
        return month_end(self.months[-1])

    @property
    def key(self) -> str:
        return f"{self.year}-{self.year + 1}" if self.kind == SCHOOL else str(self.year)

    @property
    def label(self) -> str:
        """"năm học 2025-2026" / "năm 2026" (lower case: it sits inside sentences)."""
        return f"năm học {self.key}" if self.kind == SCHOOL else f"năm {self.year}"

    @property
    def title(self) -> str:
        return self.label[:1].upper() + self.label[1:]

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def school_year(year: int) -> Period:
    return Period(SCHOOL, year, start_month())


def calendar_year(year: int) -> Period:
    return Period(CALENDAR, year, 1)


def current_school_year(today: date) -> Period:
    sm = start_month()
    return school_year(today.year if today.month >= sm else today.year - 1)


def parse(value: str | None, today: date, default: str = SCHOOL) -> Period:
    """The period named by a URL key; anything else gives the current school (or calendar) year."""
    text = (value or "").strip()
    try:
        if len(text) == 9 and text[4] == "-":
            start, end = int(text[:4]), int(text[5:])
            if end == start + 1 and 2000 <= start <= 2100:
                return school_year(start)
        elif len(text) == 4 and 2000 <= int(text) <= 2100:
            return calendar_year(int(text))
    except ValueError:
        pass
    return current_school_year(today) if default == SCHOOL else calendar_year(today.year)


def choices(today: date, back: int = 5) -> list[Period]:
    """Recent periods for a select box: school years then calendar years, newest first."""
    sy = current_school_year(today).year
    return ([school_year(y) for y in range(sy, sy - back, -1)]
            + [calendar_year(y) for y in range(today.year, today.year - back, -1)])
