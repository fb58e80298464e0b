"""Data for the goods walkthrough in a real browser (call through live.run(); returns ids and names only)."""
from datetime import timedelta

from tests.browser.conftest import make_commune

AWARD_MONEY = 300_000
AWARD_NOTEBOOKS = 10


def goods_year_world(tag: str, pupils: list[str]) -> dict:
    """A commune with a treasurer, an open campaign around today, and a scholarship round paying
    "300.000 đ và 10 quyển vở" from its own fund, with every pupil's award already approved.
    The notebooks themselves are not in stock yet: the walkthrough records them as a gift."""
    from app.extensions import db
    from app.core.clock import today
    from app.scholarships import services
    from app.units.models import Unit
    from tests.factories import make_user
    from tests.factories_donations import make_campaign
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

    out = make_commune(tag)
    commune = db.session.get(Unit, out["commune"])
    out["treasurer"] = make_user(commune, "treasurer", username=f"tq{tag}", full_name="Phan Văn Đức").username
    day = today()
    campaign = make_campaign(commune, f"Tiếp bước đến trường {tag}", start_date=day - timedelta(days=30),
                             end_date=day + timedelta(days=30))
    out.update(campaign=campaign.id, campaign_fund=campaign.fund_id)
    school = make_school(commune, "Trường THCS Tân Phú")
    rnd = make_round(commune, budget=20_000_000, fund_money=20_000_000, name=f"Học bổng và tập sách {tag}")
    cat = make_category(rnd, AWARD_MONEY, name="Học bổng vượt khó", goods_item="vở", goods_unit="quyển",
                        goods_quantity=AWARD_NOTEBOOKS)
    noms = [make_nomination(rnd, make_pupil(commune, name, school=school, class_name="6A1"), cat) for name in pupils]
    services.approve(rnd, noms)
    db.session.commit()
    out.update(round=rnd.id, fund=rnd.fund_id, nominations={n.pupil.full_name: n.id for n in noms})
    return out


def stock_of(unit_id: int, item: str = "vở", item_unit: str = "quyển") -> int:
    from app.extensions import db
    from app.goods import services
    from app.units.models import Unit
    from app.vn.text import fold

    return int(services.on_hand(db.session.get(Unit, unit_id), fold(item), item_unit))


def balance_of(fund_id: int) -> int:
    from app.extensions import db
    from app.funds import services
    from app.funds.models import Fund

    return services.balance(db.session.get(Fund, fund_id))


def gift_paper(campaign_id: int, donor_name: str) -> dict:
    """The gift's paper: its number and the donation id (to print it)."""
    from sqlalchemy import select

    from app.donations.donors import Donor
    from app.donations.models import Donation
    from app.extensions import db

    d = db.session.scalars(select(Donation).join(Donation.donor)
                           .where(Donation.campaign_id == campaign_id, Donor.name == donor_name)).one()
    return {"id": d.id, "number": d.number, "entry_id": d.entry_id, "goods_entry_id": d.goods_entry_id}
