"""Piggy-bank routes. Records are made fresh per call: a POST by one role must not change
what the next role's request finds (e.g. a retired pig, a voided opening)."""
from tests.authz import ALL, Rule

WRITE = frozenset({"treasurer", "clerk"})
VOID = frozenset({"treasurer"})


def _unit(world, own):
    return world.branch if own else world.other_branch


def pig(world, own):
    from tests.factories_piggybanks import make_pig

    return {"pig_id": make_pig(_unit(world, own)).id}


def opened(world, own):
    from tests.factories_piggybanks import opened_pig

    return {"pig_id": opened_pig(_unit(world, own)).id}


def opening(world, own):
    from tests.factories_piggybanks import make_opening, make_pig

    return {"opening_id": make_opening(make_pig(_unit(world, own))).id}


def branch_query(world, own):
    return {"don_vi": _unit(world, own).id}


TABLE = {
    "piggybanks.index": Rule(ALL),
    "piggybanks.export": Rule(ALL),
    "piggybanks.detail": Rule(ALL, args=pig),
    "piggybanks.issue": Rule(WRITE),
    "piggybanks.open_pig": Rule(WRITE, args=pig),
    "piggybanks.void_opening": Rule(VOID, args=opening),
    "piggybanks.reissue": Rule(WRITE, args=opened),
    "piggybanks.retire": Rule(WRITE, args=pig),
    "piggybanks.change_code": Rule(WRITE, args=pig),
    "piggybanks.sheet_pdf": Rule(ALL, query=branch_query),
    "piggybanks.sheet_print": Rule(ALL, query=branch_query),
    "piggybanks.batch_entry": Rule(WRITE, query=branch_query),
    "piggybanks.report": Rule(ALL),
    "piggybanks.report_export": Rule(ALL),
}
