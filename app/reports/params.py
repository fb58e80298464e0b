"""The two query arguments every report and report-backed list takes: `don_vi`, a unit in the
user's scope (another unit answers 404, absent means the user's own), and `ky`, a period key
("2025-2026" for a school year, "2026" for a calendar year; absent or unreadable means the
current one)."""
from flask import request
from flask_login import current_user

from app.core.authz import authorize, get_or_404
from app.core.clock import today
from app.units.models import Unit

from . import periods


def unit_and_period(default_kind: str = periods.SCHOOL) -> tuple[Unit, periods.Period]:
    authorize("view")
    unit_id = request.args.get("don_vi", type=int)
    unit = get_or_404(Unit, unit_id) if unit_id else current_user.unit
    return unit, periods.parse(request.args.get("ky"), today(), default_kind)


def period_choices(period: periods.Period) -> list[tuple[str, str]]:
    """(key, title) for a period select: the recent years, plus the chosen one if older."""
    choices = periods.choices(today())
    if period not in choices:
        choices.append(period)
    return [(p.key, p.title) for p in choices]
