"""Asking someone to pay: which drive and donor a reminder may join, and the amount it fixes.

The QR itself (payload, SVG, the account it names) comes from app.banking.qr.pay_box; this module
holds the rules the pay pages add on top of it: a reminder names a donor and a drive of one unit
tree, its amount is a whole number of đồng within the books' bound, and only open drives whose unit
(or a unit above) has an account are offered.
"""
from sqlalchemy import or_, select

from app.campaigns.models import OPEN, Campaign
from app.core.books import check_amount
from app.extensions import db
from app.units.models import Unit
from app.vn.money import MoneyError, parse_money

from .accounts import BankError, account_for

DRIVES_SHOWN = 10  # a donor's page lists at most this many drives to remind of


def same_tree(campaign: Campaign, donor) -> bool:
    """True when the donor's unit and the drive's unit are one above (or the same as) the other: a
    commune's donor may be reminded of a chi hội's drive and the other way round, never of another
    commune's."""
    mine, theirs = donor.unit.path, campaign.unit.path
    return mine.startswith(theirs) or theirs.startswith(mine)


def reminder_amount(raw) -> int | None:
    """The ?so_tien= of a reminder as whole đồng in 1..max_amount(); None when blank (a static QR).

    Refused (BankError on "amount", the form's name for ?so_tien=) when it is not a number, is 0 or
    negative, or is past the books' bound: a QR must never fix an amount the books would refuse."""
    if raw is None or not str(raw).strip():
        return None
    try:
        value = parse_money(str(raw))
    except MoneyError as err:
        raise BankError(str(err), "amount") from err
    return check_amount(value, "amount", error=BankError)


def ancestor_ids(unit: Unit) -> list[int]:
    return [int(i) for i in unit.path.strip("/").split("/") if i] or [unit.id]


def drives_for_donor(donor, scope: Unit) -> list[Campaign]:
    """The open drives a reminder to `donor` may name: of the donor's unit, above or below it, seen
    from `scope` (the user's unit), and with an account to pay into. Newest first, DRIVES_SHOWN at most."""
    stmt = (select(Campaign).join(Campaign.unit)
            .where(Campaign.status == OPEN, Unit.path.startswith(scope.path),
                   or_(Unit.path.startswith(donor.unit.path), Unit.id.in_(ancestor_ids(donor.unit))))
            .order_by(Campaign.start_date.desc().nulls_last(), Campaign.id.desc()).limit(DRIVES_SHOWN * 3))
    drives = [c for c in db.session.scalars(stmt) if account_for(c.unit) is not None]
    return drives[:DRIVES_SHOWN]
