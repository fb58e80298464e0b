"""Vietnamese text toolkit: Unicode hygiene, names, money and dates.

Pure Python; only :mod:`app.vn.filters` knows about Flask, and :func:`init_app` imports it
lazily so that importing this package never pulls Flask in.
"""

from .dates import (
    DEFAULT_TZ,
    SCHOOL_YEAR_START_MONTH,
    local_datetime,
    long_date,
    parse_date,
    parse_school_year,
    place_date,
    school_year,
    school_year_of,
    short_date,
)
from .money import MAX_DIGITS, MoneyError, amount_in_words, format_number, format_vnd, parse_money
from .names import (
    COMPOUND_SURNAMES,
    NAME_KEY_MAX,
    join_name,
    name_sort_key,
    sort_people,
    split_name,
    title_name,
    word_key,
)
from .text import clean, fold, nfc


def init_app(app) -> None:
    """Register the Jinja filters (see :mod:`app.vn.filters`)."""
    from .filters import init_app as _init_app

    _init_app(app)


__all__ = [
    "nfc", "clean", "fold",
    "split_name", "join_name", "title_name", "word_key", "name_sort_key", "sort_people",
    "COMPOUND_SURNAMES", "NAME_KEY_MAX",
    "format_vnd", "format_number", "amount_in_words", "parse_money", "MoneyError", "MAX_DIGITS",
    "long_date", "place_date", "short_date", "school_year", "school_year_of",
    "parse_school_year", "parse_date", "local_datetime", "DEFAULT_TZ", "SCHOOL_YEAR_START_MONTH",
    "init_app",
]
