"""Per-gift anonymity (Donation.anonymous): stored by the donation services and audited."""
from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.donations import services
from app.donations.models import Donation
from app.extensions import db
from tests.factories_donations import make_campaign, make_donation, make_donor

DAY = date(2026, 9, 5)


def _audit(donation_id):
    return db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "donation",
                                                      AuditEntry.object_id == donation_id,
                                                      AuditEntry.action == "create"))


def test_one_gift_of_a_named_donor_is_recorded_anonymous_and_audited(world):
    campaign = make_campaign(world.commune)
    shop = make_donor(world.commune, "Công ty TNHH Minh Phát", kind="business")
    named = make_donation(campaign, 1_000_000, shop, DAY)
    hidden = make_donation(campaign, 5_000_000, shop, DAY, anonymous=True)
    db.session.expire_all()
    assert db.session.get(Donation, named.id).anonymous is False
    assert db.session.get(Donation, hidden.id).anonymous is True
    assert _audit(named.id).after["anonymous"] is False and _audit(hidden.id).after["anonymous"] is True
    # The receipt keeps the payer's name: anonymity is for the public lists only.
    assert db.session.get(Donation, hidden.id).entry.counterparty == "Công ty TNHH Minh Phát"


def test_bulk_recording_stores_and_audits_the_flag_per_gift(world):
    campaign = make_campaign(world.commune)
    rows = [{"donor": make_donor(world.commune, "Lê Văn Một"), "amount": 100_000, "donation_date": DAY},
            {"donor": make_donor(world.commune, "Lê Văn Hai"), "amount": 200_000, "donation_date": DAY,
             "anonymous": True}]
    ids = services.record_donations_bulk(campaign, rows)
    db.session.commit()
    assert [db.session.get(Donation, i).anonymous for i in ids] == [False, True]
    assert [_audit(i).after["anonymous"] for i in ids] == [False, True]

