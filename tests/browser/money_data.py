"""Data for the money flows in a real browser (call through live.run(); returns ids and names only)."""
from datetime import timedelta

from tests.browser.conftest import make_commune


def money_world(tag: str, *, donations=(), pig: bool = False) -> dict:
    """A commune with a clerk, a treasurer, two open campaigns around today and, if asked,
    standing donations to the second campaign ((name, amount) pairs) and an active piggy bank."""
    from app.extensions import db
    from app.core.clock import today
    from app.piggybanks.services import fund_for
    from app.units.models import Unit
    from tests.factories import make_user
    from tests.factories_donations import make_campaign, make_donation
    from tests.factories_piggybanks import make_pig

    out = make_commune(tag)
    commune = db.session.get(Unit, out["commune"])
    out["clerk"] = make_user(commune, "clerk", username=f"nl{tag}", full_name="Lê Thị Hồng").username
    out["treasurer"] = make_user(commune, "treasurer", username=f"tq{tag}", full_name="Phan Văn Đức").username
    day = today()
    span = dict(start_date=day - timedelta(days=30), end_date=day + timedelta(days=30))
    first = make_campaign(commune, f"Quỹ xe đạp đến trường {tag}", **span)
    second = make_campaign(commune, f"Tháng Khuyến học {tag}", **span)
    out.update(campaign=second.id, campaign_name=second.name, other_campaign=first.id, fund=second.fund_id)
    out["donations"] = {name: make_donation(second, amount, name=name, day=day - timedelta(days=2)).id
                        for name, amount in donations}
    if pig:
        p = make_pig(commune, f"Hộ ông Trần Văn Lợi {tag}")
        out.update(pig=p.id, pig_code=p.code, pig_fund=fund_for(p).id)
        db.session.commit()
    return out


def donation_count(campaign_id: int) -> int:
    from sqlalchemy import func, select

    from app.donations.models import Donation
    from app.extensions import db

    return db.session.scalar(select(func.count()).select_from(Donation).where(Donation.campaign_id == campaign_id))


def receipt_of(campaign_id: int, donor_name: str) -> str:
    """The number of the paper of the donor's gift to the campaign: its phiếu thu, or for a gift in
    kind its biên bản giao nhận hiện vật."""
    from sqlalchemy import select

    from app.donations.donors import Donor
    from app.donations.models import Donation
    from app.extensions import db

    d = db.session.scalars(select(Donation).join(Donation.donor)
                           .where(Donation.campaign_id == campaign_id, Donor.name == donor_name)).one()
    return d.number
