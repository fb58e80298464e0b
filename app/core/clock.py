"""The app's one clock: `utcnow()` for stored moments, `today()` for dates people see and type.

The server runs in UTC while the association lives in Vietnam (UTC+7): `date.today()` on the server
is yesterday between 00:00 and 07:00 Vietnam time, so a decision made at 06:30 would default to the
day before. Everything in `app/` asks this module instead (tests/core/test_clock.py enforces it).
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def utcnow() -> datetime:
    """Now in UTC, naive (how the database stores moments)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def zone() -> ZoneInfo:
    name = current_app.config.get("VN_TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def today() -> date:
    """Today in the association's time zone (VN_TIMEZONE, default Asia/Ho_Chi_Minh)."""
    return datetime.now(zone()).date()
