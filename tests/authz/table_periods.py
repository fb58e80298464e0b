"""Closed periods (khóa sổ) and the ledger's correction of a closed period's entry."""
from tests.authz import ALL, Rule

CLOSERS = frozenset({"admin", "treasurer"})
ADMIN = frozenset({"admin"})
TREASURER = frozenset({"treasurer"})


def unit_year(world, own):
    from app.core.clock import today

    return {"unit_id": (world.commune if own else world.other_commune).id, "year": today().year - 1}


def closed_period(world, own):
    """Last year closed in the world's commune (own) or the other commune."""
    from app.extensions import db
    from app.core.clock import today
    from app.periods import services

    unit = world.commune if own else world.other_commune
    row = services.own_row(unit, today().year - 1, 0)
    if row is None or not row.closed:
        row = services.close(unit, today().year - 1, 0)
        db.session.commit()
    return {"period_id": row.id}


def payment_entry(world, own):
    """An entry of a closed year (the proof world's: the page offers the correction), else a payment
    of an open period (the page explains that it is voided instead)."""
    side = getattr(world, "own" if own else "other", None)
    if side is not None and hasattr(side, "closed_entry"):
        return {"entry_id": side.closed_entry.id}
    from tests.factories_funds import fund_world

    f = fund_world(world)
    return {"entry_id": (f.own_payment if own else f.other_payment).id}


TABLE = {
    "periods.index": Rule(ALL),
    "periods.close": Rule(CLOSERS, args=unit_year),
    "periods.reopen": Rule(ADMIN, args=closed_period),
    "funds.correct": Rule(TREASURER, args=payment_entry),
}
