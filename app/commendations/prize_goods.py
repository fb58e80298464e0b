"""Prizes in goods ("200.000 đ và 5 quyển vở"): out of the deciding unit's stock, and back.

Each honoree with goods gets one phiếu xuất of the goods register (source "prize", source_id =
honoree id), pointed at by Honoree.goods_entry_id while it stands: handed out when the decision is
issued or the prize is paid again, reversed when the prize is reversed. app.commendations.prizes
calls these from hand_over() / take_back(), the one place a prize is paid or taken back, so money
and goods always move together in the caller's transaction. The stock is the decision's unit's.
"""
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.scholarships import award_goods

from .models import Decision, Honoree
from .services import CommendationError


def _decision(target) -> Decision:
    return target if isinstance(target, Decision) else target.decision


def honorees_of(target) -> list[Honoree]:
    """The lines whose goods go with `target`: the honoree itself, or every line of a decision
    paid by one phiếu chi for the whole list."""
    if isinstance(target, Honoree):
        return [target]
    return list(db.session.scalars(select(Honoree).where(Honoree.decision_id == target.id,
                                                         Honoree.goods_quantity.is_not(None))
                                   .order_by(Honoree.name_key, Honoree.id)))


def tally(rows) -> award_goods.GoodsTally:
    out = award_goods.GoodsTally()
    for h in rows:
        out.add(h.goods_item, h.goods_unit, h.goods_quantity)
    return out


def has_goods(target) -> bool:
    """Whether the target's prize includes goods."""
    if isinstance(target, Honoree):
        return target.goods_quantity is not None
    return bool(db.session.scalar(select(func.count()).select_from(Honoree).where(
        Honoree.decision_id == target.id, Honoree.goods_quantity.is_not(None))))


def handed_out(target) -> bool:
    """Whether the target's goods are out of the stock now (a live phiếu xuất is pointed at)."""
    if isinstance(target, Honoree):
        return target.goods_entry_id is not None
    return bool(db.session.scalar(select(func.count()).select_from(Honoree).where(
        Honoree.decision_id == target.id, Honoree.goods_entry_id.is_not(None))))


def check_stock(d: Decision, rows, field: str | None = None) -> None:
    """One message naming every item the unit's stock cannot cover for `rows`; nothing written."""
    award_goods.check_stock(d.unit, tally(r for r in rows if r.goods_entry_id is None), CommendationError, field)


def hand_out(target, paid_on: date, field: str | None = None) -> None:
    """A phiếu xuất for each line of `target` with goods not yet handed out, dated `paid_on`."""
    d = _decision(target)
    rows = [h for h in honorees_of(target) if h.goods_quantity is not None and h.goods_entry_id is None]
    if not rows:
        return
    check_stock(d, rows, field)
    for h in rows:
        entry = award_goods.hand_out(
            d.unit, item=h.goods_item, unit=h.goods_unit, quantity=h.goods_quantity, entry_date=paid_on,
            recipient=h.full_name, purpose=f"Phần thưởng: {h.achievement or d.title}", basis=f"QĐ {d.number}",
            source="prize", source_id=h.id, error=CommendationError, field=field)
        h.goods_entry_id = entry.id


def take_back(target, reason: str, field: str | None = "reason") -> None:
    """Reverse the phiếu xuất of each line of `target` (the goods return to the stock)."""
    for h in honorees_of(target):
        if h.goods_entry_id is not None:
            award_goods.take_back(h.goods_entry_id, reason, CommendationError, field)
            h.goods_entry_id = None


def totals_text(d: Decision) -> str:
    """The list's goods added up: "50 quyển vở; 2 chiếc xe đạp" ("" when none)."""
    return tally(honorees_of(d)).text()
