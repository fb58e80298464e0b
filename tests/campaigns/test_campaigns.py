"""Campaign rules and pages beyond entry: edit, fund change, list fragment, demo data."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.campaigns import services
from app.campaigns.models import Campaign
from app.extensions import db
from app.funds.services import create_fund
from tests.factories_donations import make_campaign, make_donation


def test_edit_keeps_input_on_error_and_saves(world, as_user):
    c = make_campaign(world.commune)
    client = as_user(world.users["admin"])
    form = {"name": "Tháng Khuyến học 2026 (mở rộng)", "kind": "fund_drive", "fund_id": c.fund_id,
            "purpose": "Học bổng", "start_date": "2026-09-01", "end_date": "2026-08-01", "target_amount": "200.000.000"}
    bad = client.post(f"/dot-van-dong/{c.id}/sua", data=form, htmx=True)
    assert bad.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu" in bad.get_data(as_text=True)
    form["end_date"] = "2026-10-15"
    assert client.post(f"/dot-van-dong/{c.id}/sua", data=form).status_code == 303
    db.session.expire_all()
    c = db.session.get(Campaign, c.id)
    assert c.target_amount == 200_000_000 and c.name.endswith("(mở rộng)")


def test_fund_cannot_change_once_money_was_raised(world):
    c = make_campaign(world.commune)
    other = create_fund(world.commune, "Quỹ học bổng")
    make_donation(c, 100_000)
    with pytest.raises(services.CampaignError):
        services.update_campaign(c, name=c.name, kind=c.kind, fund=other)
    db.session.rollback()


def test_fund_must_belong_to_the_campaign_unit(world):
    other = create_fund(world.other_commune, "Quỹ khác")
    with pytest.raises(services.CampaignError):
        services.create_campaign(world.commune, "Đợt thử", fund=other)
    db.session.rollback()


def test_list_is_scoped_and_filters_without_diacritics(world, as_user):
    make_campaign(world.commune, "Tháng Khuyến học 2026")
    make_campaign(world.other_commune, "Đợt của xã khác")
    html = as_user(world.users["viewer"]).get("/dot-van-dong/?q=thang khuyen hoc", htmx=True).get_data(as_text=True)
    assert "Tháng Khuyến học 2026" in html and "xã khác" not in html and "<html" not in html


def test_demo_seed_has_september_drive_with_about_60_donations_one_voided(app):
    from app.core.db import write_mode
    from app.demo.services import seed
    from app.donations.models import Donation

    with write_mode():
        seed()
        db.session.commit()
    sept = db.session.scalar(select(Campaign).where(Campaign.name == "Tháng Khuyến học 2026"))
    n = db.session.scalar(select(func.count()).where(Donation.campaign_id == sept.id))
    voided = db.session.scalars(select(Donation).where(Donation.voided_at.is_not(None))).all()
    assert 55 <= n <= 70 and len(voided) == 1 and voided[0].void_reason
    methods = set(db.session.scalars(select(Donation.method).where(Donation.campaign_id == sept.id)))
    assert methods == {"cash", "transfer", "in_kind"}
    assert services.campaign_total(sept) > 0 and sept.start_date == date(2026, 9, 1)
