"""Helpers shared by the entry views: choices, remembered campaign/date, the records a form names."""
from datetime import date

from flask import abort, session
from flask_login import current_user
from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.campaigns.services import open_campaigns
from app.core.authz import get_or_404
from app.core.clock import today
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from . import donor_services, services
from .donors import Donor
from .models import Donation

REMEMBER = "donation_entry"


CAMPAIGN_CHOICES_MAX = 30
NARROWED_HINT = ("Chỉ liệt kê các đợt của đơn vị mình. Đợt của đơn vị cấp dưới: mở trang đợt vận động "
                 "đó và bấm “+ Ghi đóng góp”.")


def set_campaign_choices(field) -> None:
    """Offer the open campaigns in the user's scope (a closed one is not offered, and refused if
    forged) in the form's campaign select.

    A province has hundreds open (a 20 KB select no one can scroll on a phone): past
    CAMPAIGN_CHOICES_MAX it offers its own unit's and the one picked, which a campaign page's
    link brings (?dot=) and the session remembers, and says so under the select.
    """
    campaigns = open_campaigns(current_user.unit)
    field.description = ""
    if len(campaigns) > CAMPAIGN_CHOICES_MAX:
        campaigns = [c for c in campaigns if c.unit_id == current_user.unit_id or c.id == field.data]
        field.description = NARROWED_HINT
    field.choices = [(c.id, f"{c.name} - {c.unit.name}") for c in campaigns]


COLLECTOR_CHOICES_MAX = 60


def collector_choices() -> list[tuple[int, str]]:
    """The units that may be named as collector. A province (hundreds of branches) lists itself
    and its communes only: a 500-line select weighed 55 KB on a phone, and a branch's collection
    is entered by its commune, whose list does hold its branches."""
    root = current_user.unit
    size = db.session.scalar(select(func.count(Unit.id)).where(Unit.path.startswith(root.path), Unit.active.is_(True)))
    return [(0, "— Không ghi —")] + scope_choices(root, levels=None if size <= COLLECTOR_CHOICES_MAX else 1)


def remembered() -> dict:
    """Campaign and date of the last entry in this session (a volunteer types a whole list)."""
    data = session.get(REMEMBER) or {}

    out = {}
    if data.get("campaign_id"):
        out["campaign_id"] = data["campaign_id"]
    try:
        out["donation_date"] = date.fromisoformat(data["date"])
    except (KeyError, TypeError, ValueError):
        out["donation_date"] = today()
    return out


def remember(campaign_id: int, day) -> None:
    session[REMEMBER] = {"campaign_id": campaign_id, "date": day.isoformat()}


def load_campaign(campaign_id) -> Campaign:
    """The campaign, in scope, for writing donations."""
    return get_or_404(Campaign, campaign_id, "donation.write")


def load_collector_unit(unit_id) -> Unit | None:
    if not unit_id:
        return None
    return get_or_404(Unit, unit_id, "donation.write")


def load_donor(donor_id: int | None) -> Donor | None:
    """The picked suggestion (in scope, merges followed), or None when none was picked."""
    if donor_id is None:
        return None
    return donor_services.resolve(get_or_404(Donor, donor_id, "donation.write"))


def my_recent(limit: int = 10):
    """This user's latest entries (the list under the quick-entry form)."""
    if not current_user.is_authenticated:
        abort(401)
    stmt = services.listing(select(Donation).where(Donation.created_by_id == current_user.id)).limit(limit)
    return list(db.session.scalars(stmt).unique())

