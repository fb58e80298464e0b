"""Unit merges and renames (issue 20 D): only an admin, and only under a unit in their scope."""
from datetime import date

from app.extensions import db
from tests.authz import Rule

ADMIN = frozenset({"admin"})


def merge_world(world):
    """A draft merge under each commune (its two branches), made once per world."""
    if getattr(world, "merges", None) is None:
        from app.units import merging
        from tests.factories import make_unit

        world.merges = {}
        for own, commune, first in ((True, world.commune, world.branch), (False, world.other_commune,
                                                                            world.other_branch)):
            second = make_unit(commune, f"Chi hội sáp nhập {commune.id}", "village")
            world.merges[own] = merging.propose(commune, [second], target=first, new_name=None,
                                                effective_on=date(2026, 7, 1), actor=world.province_admin)
        db.session.commit()
    return world.merges


def merge(world, own):
    return {"merge_id": merge_world(world)[own].id}


def renamed(world, own):
    return {"unit_id": (world.branch if own else world.other_branch).id}


TABLE = {
    "unit_merges.index": Rule(ADMIN),
    "unit_merges.create": Rule(ADMIN),
    "unit_merges.edit": Rule(ADMIN, args=merge),
    "unit_merges.detail": Rule(ADMIN, args=merge),
    "unit_merges.confirm": Rule(ADMIN, args=merge),
    "unit_merges.cancel": Rule(ADMIN, args=merge),
    "unit_merges.rename": Rule(ADMIN, args=renamed),
}
