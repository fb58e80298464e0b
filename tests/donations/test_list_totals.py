"""The donation list's totals come from the reports cache and are never stale."""
import re

from app.donations import donor_services
from app.extensions import db
from tests.factories_donations import make_campaign, make_donation, make_donor


def _totals(client, query=""):
    body = client.get("/quyen-gop/" + query).get_data(as_text=True)
    found = re.search(r"Tổng cộng: <strong>([\d.]+) đ</strong> · (\d+) khoản", body)
    assert found, body[:2000]
    return int(found.group(1).replace(".", "")), int(found.group(2))


def test_totals_follow_new_and_voided_donations_and_edited_donors(app, world, as_user):
    from app.donations import services

    campaign = make_campaign(world.commune)
    an = make_donor(world.commune, "Nguyễn Văn Ấn")
    make_donation(campaign, 500_000, donor=an)
    client = as_user(world.province_admin)
    assert _totals(client) == (500_000, 1)
    assert _totals(client, "?nguoi=van+an") == (500_000, 1)
    hits = app.extensions["reports.cache"].hits
    assert _totals(client) == (500_000, 1) and app.extensions["reports.cache"].hits > hits  # served cached

    other = make_campaign(world.other_commune, name="Tết 2027")
    make_donation(other, 200_000, donor=make_donor(world.other_commune, "Trần Thị Bé"))
    assert _totals(client) == (700_000, 2)  # a donation in another commune bumps the province

    victim = make_donation(campaign, 100_000, donor=an)
    assert _totals(client, "?nguoi=van+an") == (600_000, 2)
    services.void_donation(victim, "Ghi nhầm")
    db.session.commit()
    assert _totals(client, "?nguoi=van+an") == (500_000, 1)

    # The donor filter searches names: renaming a donor changes what it finds.
    donor_services.update_donor(an, name="Lê Văn Bình", kind="person", address="Ấp Tân Lộc")
    db.session.commit()
    body = client.get("/quyen-gop/?nguoi=van+an").get_data(as_text=True)
    assert "Chưa có khoản đóng góp nào khớp với bộ lọc" in body
    assert "Tổng cộng: <strong>0 đ</strong> · 0 khoản" in body  # not the cached 500.000 đ
    assert _totals(client, "?nguoi=binh") == (500_000, 1)


def test_the_htmx_list_carries_the_same_totals(world, as_user):
    campaign = make_campaign(world.commune)
    for amount in (100_000, 250_000):
        make_donation(campaign, amount)
    client = as_user(world.users["treasurer"])
    body = client.get("/quyen-gop/", htmx=True).get_data(as_text=True)
    assert "<html" not in body and "Tổng cộng: <strong>350.000 đ</strong> · 2 khoản" in body
