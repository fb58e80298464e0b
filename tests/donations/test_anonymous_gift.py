"""Per-gift anonymity (Donation.anonymous): stored by the donation services and audited."""
import re
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



def _key(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1), html


def _entry(campaign, key, **kw):
    data = {"idem_key": key, "campaign_id": campaign.id, "donation_date": "2026-09-07",
            "donor_name": "Công ty TNHH Minh Phát", "donor_kind": "business", "address": "", "phone": "",
            "amount": "5.000.000", "method": "cash", "collector_unit_id": "0"}
    data.update(kw)
    return data


def test_quick_entry_stores_the_ticked_box_once_and_keeps_it_on_a_refused_form(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key, html = _key(client, "/quyen-gop/nhap")
    assert 'name="anonymous"' in html and "Ẩn danh khi công khai" in html
    refused = client.post("/quyen-gop/nhap", data=_entry(campaign, key, amount="0", anonymous="y"), htmx=True)
    box = re.search(r'<input[^>]*name="anonymous"[^>]*>', refused.get_data(as_text=True)).group(0)
    assert refused.status_code == 422 and "checked" in box
    assert db.session.scalar(select(Donation)) is None
    for _ in range(2):  # a double click records one gift
        assert client.post("/quyen-gop/nhap", data=_entry(campaign, key, anonymous="y")).status_code == 303
    gift = db.session.scalars(select(Donation)).one()
    assert gift.anonymous is True and _audit(gift.id).after["anonymous"] is True
    key, _ = _key(client, "/quyen-gop/nhap")
    client.post("/quyen-gop/nhap", data=_entry(campaign, key, amount="1.000.000"))
    assert sorted(d.anonymous for d in db.session.scalars(select(Donation))) == [False, True]


def test_batch_entry_stores_the_box_per_row(world, as_user):
    import uuid

    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    assert 'name="rows-0-anonymous"' in client.get("/quyen-gop/nhap-theo-danh-sach").get_data(as_text=True)
    data = {"idem_key": uuid.uuid4().hex, "campaign_id": campaign.id, "donation_date": "2026-09-10",
            "collector_name": "", "collector_unit_id": "0", "control_total": "500.000", "count": "2",
            "rows-0-name": "Hộ ông Nguyễn Văn Tư", "rows-0-kind": "household", "rows-0-amount": "200.000",
            "rows-0-method": "cash", "rows-1-name": "Hộ bà Trần Thị Lựu", "rows-1-kind": "household",
            "rows-1-amount": "300.000", "rows-1-method": "cash", "rows-1-anonymous": "1"}
    wrong = client.post("/quyen-gop/nhap-theo-danh-sach", data={**data, "control_total": "600.000"})
    assert wrong.status_code == 422 and 'name="rows-1-anonymous" value="1" checked' in wrong.get_data(as_text=True)
    assert client.post("/quyen-gop/nhap-theo-danh-sach", data=data).status_code == 303
    gifts = {d.amount: d.anonymous for d in db.session.scalars(select(Donation))}
    assert gifts == {200_000: False, 300_000: True}
