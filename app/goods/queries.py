"""Reading the goods register for its pages and exports (the writes live in services.py)."""
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, selectinload

from app.core.authz import scope_filter
from app.extensions import db
from app.units.models import Unit

from .models import GoodsEntry

_Rev = aliased(GoodsEntry)


def _voided():
    return exists(select(_Rev.id).where(_Rev.reversal_of_id == GoodsEntry.id))


def register_query(root: Unit, *, unit_id=None, item_key="", item_unit="", direction="", source="",
                   date_from=None, date_to=None, include_voided=False):
    """The papers (numbered entries, never the reversals themselves) in root's scope, newest first.

    A voided paper is left out unless include_voided (then it is shown struck through, and not
    counted in totals), so the live rows of (unit, item, unit of measure, direction) add up to
    the stock page's received / given-out figures.
    """
    stmt = select(GoodsEntry).where(scope_filter(GoodsEntry.unit_id, root), GoodsEntry.source != "reversal")
    if unit_id:
        stmt = stmt.where(GoodsEntry.unit_id == unit_id)
    if item_key:
        stmt = stmt.where(GoodsEntry.item_key == item_key)
    if item_unit:
        stmt = stmt.where(GoodsEntry.item_unit == item_unit)
    if direction:
        stmt = stmt.where(GoodsEntry.direction == direction)
    if source:
        stmt = stmt.where(GoodsEntry.source == source)
    if date_from:
        stmt = stmt.where(GoodsEntry.entry_date >= date_from)
    if date_to:
        stmt = stmt.where(GoodsEntry.entry_date <= date_to)
    if not include_voided:
        stmt = stmt.where(~_voided())
    return stmt.order_by(GoodsEntry.entry_date.desc(), GoodsEntry.id.desc())


def with_rows(stmt):
    return stmt.options(selectinload(GoodsEntry.unit), selectinload(GoodsEntry.reversal))


def register_totals(stmt) -> dict:
    """Quantities in and out and values of the live rows of a register select."""
    sub = stmt.order_by(None).where(~_voided()).with_only_columns(
        GoodsEntry.direction, GoodsEntry.quantity, GoodsEntry.value).subquery()
    rows = db.session.execute(select(sub.c.direction, func.count(), func.coalesce(func.sum(sub.c.quantity), 0),
                                     func.coalesce(func.sum(sub.c.value), 0)).group_by(sub.c.direction)).all()
    out = {"in": (0, 0, 0), "out": (0, 0, 0)}
    for direction, count, qty, value in rows:
        out[direction] = (int(count), qty, int(value))
    return out


def item_choices(root: Unit) -> tuple[list, list]:
    """(items, units of measure) known in root's scope, for the register's filter selects."""
    items = db.session.execute(select(GoodsEntry.item_key, func.min(GoodsEntry.item))
                               .where(scope_filter(GoodsEntry.unit_id, root))
                               .group_by(GoodsEntry.item_key).order_by(GoodsEntry.item_key)).all()
    units = db.session.scalars(select(GoodsEntry.item_unit).where(scope_filter(GoodsEntry.unit_id, root))
                               .group_by(GoodsEntry.item_unit).order_by(GoodsEntry.item_unit)).all()
    return [("", "Mọi hiện vật")] + [(k, name) for k, name in items], [("", "Mọi đơn vị tính")] + \
        [(u, u) for u in units]


def owner_of(entry: GoodsEntry):
    """(label, endpoint, args) of the record that owns `entry` and voids it, or None for hand-outs
    entered on the goods pages ("issue"), which the register voids itself."""
    if entry.source == "donation":
        from app.donations.models import Donation

        donation_id = db.session.scalar(select(Donation.id).where(Donation.goods_entry_id == entry.id)) \
            or entry.source_id
        return ("khoản đóng góp", "donations.detail", {"donation_id": donation_id}) if donation_id else None
    if entry.source == "scholarship" and entry.source_id:
        from app.scholarships.models import Nomination

        nomination = db.session.get(Nomination, entry.source_id)
        if nomination is not None:
            return "suất học bổng", "scholarships.reverse", {"nomination_id": nomination.id}
    if entry.source == "prize" and entry.source_id:
        from app.commendations.models import Honoree

        honoree = db.session.get(Honoree, entry.source_id)
        if honoree is not None:
            return "quyết định khen thưởng", "commendations.detail", {"decision_id": honoree.decision_id}
    return None


__all__ = ["register_query", "with_rows", "register_totals", "item_choices", "owner_of"]
