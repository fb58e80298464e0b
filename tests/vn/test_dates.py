"""Dates as written in Vietnamese documents, school years, parsing and local time."""

import unicodedata
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from app.vn import (
    local_datetime, long_date, parse_date, parse_school_year, place_date, school_year,
    school_year_of, short_date,
)


@pytest.mark.parametrize(
    "d, text",
    [
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (date(2026, 1, 1), "ngày 01 tháng 01 năm 2026"),
        (date(2026, 9, 15), "ngày 15 tháng 9 năm 2026"),
        (date(2026, 11, 20), "ngày 20 tháng 11 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2025, 12, 31), "ngày 31 tháng 12 năm 2025"),
        (date(2026, 10, 2), "ngày 02 tháng 10 năm 2026"),
    ],
)
def test_long_date_follows_decree_30_2020(d, text):
    assert long_date(d) == text


def test_long_date_accepts_datetime_and_none():
    assert long_date(datetime(2026, 2, 5, 23, 59)) == "ngày 05 tháng 02 năm 2026"
    assert long_date(None) == ""


def test_place_date():
    assert place_date("Hà Nội", date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    nfd_place = unicodedata.normalize("NFD", "  Phường  Hội An ")
    assert place_date(nfd_place, date(2026, 9, 5)) == "Phường Hội An, ngày 05 tháng 9 năm 2026"
    assert place_date("", date(2026, 9, 5)) == "Ngày 05 tháng 9 năm 2026"
    assert place_date(None, None) == ""


def test_short_date():
    assert short_date(date(2026, 2, 5)) == "05/02/2026"
    assert short_date(date(2026, 11, 20)) == "20/11/2026"
    assert short_date(None) == ""


def test_school_year():
    assert school_year(2025) == "2025-2026"
    assert school_year("2025") == "2025-2026"
    assert school_year(None) == ""


@pytest.mark.parametrize(
    "d, year",
    [
        (date(2025, 9, 1), "2025-2026"),
        (date(2025, 9, 5), "2025-2026"),
        (date(2025, 12, 31), "2025-2026"),
        (date(2026, 1, 1), "2025-2026"),
        (date(2026, 5, 31), "2025-2026"),
        (date(2026, 8, 31), "2025-2026"),
        (date(2026, 9, 1), "2026-2027"),
    ],
)
def test_school_year_of_starts_in_september_by_default(d, year):
    assert school_year_of(d) == year


def test_school_year_start_month_is_a_parameter():
    assert school_year_of(date(2026, 8, 15), start_month=8) == "2026-2027"
    assert school_year_of(date(2026, 7, 31), start_month=8) == "2025-2026"


@pytest.mark.parametrize("text", ["2025-2026", "2025 - 2026", " 2025–2026 ", "2025/2026"])
def test_parse_school_year(text):
    assert parse_school_year(text) == 2025


@pytest.mark.parametrize("text", ["2025-2027", "2026-2025", "2025", "abc", "", None, "25-26"])
def test_parse_school_year_refuses(text):
    with pytest.raises(ValueError, match="Năm học không hợp lệ"):
        parse_school_year(text)


def test_parse_school_year_explains_consecutive_years():
    with pytest.raises(ValueError, match="liên tiếp"):
        parse_school_year("2025-2027")


@given(st.integers(min_value=1900, max_value=2200))
def test_school_year_round_trips(y):
    assert parse_school_year(school_year(y)) == y


@pytest.mark.parametrize(
    "text, d",
    [
        ("05/02/2026", date(2026, 2, 5)),
        ("5/2/2026", date(2026, 2, 5)),
        ("2026-02-05", date(2026, 2, 5)),
        ("05-02-2026", date(2026, 2, 5)),
        ("05.02.2026", date(2026, 2, 5)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        ("31/12/2025", date(2025, 12, 31)),
        (date(2026, 2, 5), date(2026, 2, 5)),
        (datetime(2026, 2, 5, 10, 0), date(2026, 2, 5)),
    ],
)
def test_parse_date_accepts_day_first(text, d):
    assert parse_date(text) == d


@pytest.mark.parametrize(
    "text",
    ["31/02/2026", "29/02/2025", "32/01/2026", "00/01/2026", "05/13/2026", "2026-02-30",
     "abc", "05/02/26", "05/02-2026", "5 tháng 2", "2026/02/05", "١٢/٠٢/٢٠٢٦"],
)
def test_parse_date_refuses_with_vietnamese_message(text):
    with pytest.raises(ValueError, match="^Ngày không hợp lệ: "):
        parse_date(text)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_parse_date_asks_for_a_date_when_empty(text):
    with pytest.raises(ValueError, match="Vui lòng nhập ngày"):
        parse_date(text)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_parse_date_reads_back_short_and_iso(d):
    assert parse_date(short_date(d)) == d
    assert parse_date(d.isoformat()) == d


def test_local_datetime_converts_utc_to_vietnam_time():
    utc = datetime(2026, 2, 5, 7, 30, tzinfo=timezone.utc)
    assert local_datetime(utc) == "05/02/2026 14:30"


def test_local_datetime_treats_naive_as_utc_and_crosses_midnight():
    assert local_datetime(datetime(2026, 2, 4, 20, 5)) == "05/02/2026 03:05"


def test_local_datetime_other_zone_and_tzinfo():
    aware = datetime(2026, 2, 5, 14, 30, tzinfo=timezone(timedelta(hours=7)))
    assert local_datetime(aware, tz="UTC") == "05/02/2026 07:30"
    assert local_datetime(aware, tz=ZoneInfo("Asia/Ho_Chi_Minh")) == "05/02/2026 14:30"
    assert local_datetime(None) == ""
