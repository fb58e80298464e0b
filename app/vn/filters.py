"""Jinja filters for Vietnamese numbers, money and dates (the only Flask-aware module here).

Every filter turns None into "" so templates can print optional fields without guards.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app

from .dates import DEFAULT_TZ, SCHOOL_YEAR_START_MONTH, local_datetime, long_date, school_year, school_year_of, short_date
from .money import amount_in_words, format_number, format_vnd
from .text import fold

__all__ = ["init_app"]


def _school_year_filter(value, start_month=None) -> str:
    # Templates hold either a stored start year (int) or a date to classify.
    if isinstance(value, date):
        month = start_month or current_app.config.get("SCHOOL_YEAR_START_MONTH", SCHOOL_YEAR_START_MONTH)
        return school_year_of(value, month)
    return school_year(value)


def _local_dt_filter(value, tz=None) -> str:
    # The zone is a setting (VN_TIMEZONE) so a test or a deployment abroad can change it.
    return local_datetime(value, tz or current_app.config.get("VN_TIMEZONE", DEFAULT_TZ))


def init_app(app: Flask) -> None:
    """Register the filters: vnd, number, words, long_date, short_date, school_year, local_dt, fold."""
    app.jinja_env.filters.update(
        vnd=format_vnd,
        number=format_number,
        words=amount_in_words,
        long_date=long_date,
        short_date=short_date,
        school_year=_school_year_filter,
        local_dt=_local_dt_filter,
        fold=fold,
    )
