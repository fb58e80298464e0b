"""Campaign routes."""
from tests.authz import ALL, Rule

MANAGE = frozenset({"admin", "treasurer"})


def campaign(world, own):
    from tests.factories_donations import make_campaign

    return {"campaign_id": make_campaign(world.branch if own else world.other_branch).id}


TABLE = {
    "campaigns.index": Rule(ALL),
    "campaigns.export": Rule(ALL),
    "campaigns.detail": Rule(ALL, args=campaign),
    "campaigns.create": Rule(MANAGE),
    "campaigns.edit": Rule(MANAGE, args=campaign),
    "campaigns.close": Rule(MANAGE, args=campaign),
    "campaigns.reopen": Rule(MANAGE, args=campaign),
}
