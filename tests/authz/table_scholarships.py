"""Scholarship routes: rounds, categories, nominations, selection, payout, import, reports."""
from tests.authz import ALL, Rule
from tests.factories_scholarships import scholarship_world

MANAGE = frozenset({"admin", "treasurer"})
NOMINATE = frozenset({"admin", "treasurer", "clerk"})
DECIDE = frozenset({"admin"})
PAY = frozenset({"treasurer"})


def _side(world, own):
    s = scholarship_world(world)
    return s.own if own else s.other


def rnd(world, own):
    return {"round_id": _side(world, own).round.id}


def category(world, own):
    return {"category_id": _side(world, own).category.id}


def pending(world, own):
    return {"nomination_id": _side(world, own).pending.id}


def paid(world, own):
    return {"nomination_id": _side(world, own).paid.id}


TABLE = {
    "scholarships.index": Rule(ALL),
    "scholarships.rounds_export": Rule(ALL),
    # The awards list across rounds; `don_vi` names the acting user's commune or the other one (404).
    "scholarships.awards_list": Rule(ALL, query=lambda world, own: {
        "don_vi": (world.commune if own else world.other_commune).id}),
    "scholarships.awards_export": Rule(ALL, query=lambda world, own: {
        "don_vi": (world.commune if own else world.other_commune).id}),
    "scholarships.round_create": Rule(MANAGE),
    "scholarships.round_edit": Rule(MANAGE, args=rnd),
    "scholarships.round_detail": Rule(ALL, args=rnd),
    "scholarships.category_create": Rule(MANAGE, args=rnd),
    "scholarships.category_edit": Rule(MANAGE, args=category),
    "scholarships.nominate": Rule(NOMINATE, args=rnd),
    "scholarships.decide": Rule(DECIDE, args=rnd),
    "scholarships.include_sponsored": Rule(NOMINATE, args=rnd),
    "scholarships.reject_one": Rule(DECIDE, args=pending),
    "scholarships.template": Rule(NOMINATE, args=rnd),
    "scholarships.import_upload": Rule(NOMINATE, args=rnd),
    "scholarships.import_confirm": Rule(NOMINATE, args=rnd),
    "scholarships.export": Rule(ALL, args=rnd),
    "scholarships.payout_page": Rule(PAY, args=rnd),
    "scholarships.payout_export": Rule(PAY, args=rnd),
    "scholarships.pay_one": Rule(PAY, args=pending),
    "scholarships.reverse": Rule(PAY, args=paid),
    "scholarships.sheet_pdf": Rule(ALL, args=rnd),
    "scholarships.sheet_print": Rule(ALL, args=rnd),
    "scholarships.summary": Rule(ALL, args=rnd),
    "scholarships.summary_pdf": Rule(ALL, args=rnd),
}
