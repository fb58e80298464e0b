"""Donation and donor routes."""
from tests.authz import ALL, Rule

WRITE = frozenset({"treasurer", "clerk"})
VOID = frozenset({"treasurer"})
MERGE = frozenset({"admin", "treasurer"})


def donation(world, own):
    from tests.factories_donations import make_campaign, make_donation

    return {"donation_id": make_donation(make_campaign(world.branch if own else world.other_branch)).id}


def donor(world, own):
    from tests.factories_donations import make_donor

    return {"donor_id": make_donor(world.branch if own else world.other_branch).id}


def import_token(world, own):
    """An upload stored for the acting user's unit (own) or by another commune's clerk (other)."""
    from app.donations import importer
    from app.extensions import db

    user = world.branch_user if own else world.other_user
    imp = importer.store(user, user.unit, "x.xlsx", [])
    db.session.commit()
    return {"token": imp.token}


TABLE = {
    "donations.index": Rule(ALL),
    "donations.export": Rule(ALL),
    "donations.entry": Rule(WRITE),
    "donations.donor_suggest": Rule(WRITE),
    "donations.detail": Rule(ALL, args=donation),
    "donations.void": Rule(VOID, args=donation),
    "donations.batch_entry": Rule(WRITE),
    "donations.import_template": Rule(WRITE),
    "donations.import_upload": Rule(WRITE),
    "donations.donors": Rule(ALL),
    "donations.donors_export": Rule(ALL),
    "donations.donor_detail": Rule(ALL, args=donor),
    "donations.donor_merge": Rule(MERGE, args=donor),
    "donations.donor_edit": Rule(WRITE, args=donor),
}
TABLE["donations.import_preview"] = Rule(WRITE, args=import_token)
