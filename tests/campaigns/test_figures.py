"""Issue 20 F: a campaign's figures (money, goods, other sources, donors) come from one pass over its
gifts (services.campaign_figures); they must be what campaign_totals(), the split and donor_counts()
give, voided gifts, gifts in kind and repeated donors included."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.campaigns import services
from app.donations import services as donations
from app.donations.models import Donation
from app.extensions import db
from tests.factories_donations import make_campaign, make_donation, make_donor


def test_one_pass_gives_the_totals_the_split_and_the_donors(app, world):
    busy = make_campaign(world.commune, "Tết vì người nghèo – Xuân Bính Ngọ")
    quiet = make_campaign(world.commune, "Đợt chưa có ai góp", target=0)
    ấn = make_donor(world.commune, "Nguyễn Văn Ấn")
    đào = make_donor(world.commune, "Đào Thị Ánh", address="Thôn Đông")
    make_donation(busy, 500_000, donor=ấn)
    make_donation(busy, 1_250_000, donor=ấn, method="transfer")
    make_donation(busy, 600_000, donor=đào, method="in_kind", item="vở", quantity=Decimal(50), item_unit="quyển")
    gone = make_donation(busy, 9_000_000, donor=make_donor(world.commune, "Lê Văn Hủy"))
    donations.void_donation(gone, "Ghi nhầm số tiền")
    db.session.commit()
    make_donation(busy, 300_000, name="Trần Thị Bích Ngọc", day=date(2026, 9, 20))

    ids = [busy.id, quiet.id]
    figures = services.campaign_figures(ids)
    totals, donors = services.campaign_totals(ids), services.donor_counts(ids)
    for cid in ids:
        money, goods, other, people = figures[cid]
        assert money + goods + other == totals[cid]
        assert people == donors[cid]
        standing = select(Donation).where(Donation.campaign_id == cid, Donation.voided_at.is_(None))
        kind = db.session.scalar(select(func.coalesce(func.sum(Donation.amount), 0))
                                 .where(Donation.campaign_id == cid, Donation.voided_at.is_(None),
                                        Donation.method == "in_kind"))
        assert goods == kind
        assert money + goods == sum(d.amount for d in db.session.scalars(standing))
    assert figures[busy.id] == (2_050_000, 600_000, 0, 3)
    assert figures[quiet.id] == (0, 0, 0, 0)
    assert services.campaign_parts(ids) == {cid: f[:3] for cid, f in figures.items()}
    assert services.campaign_figures([]) == {}


def test_the_campaign_page_shows_the_figures(app, world, as_user):
    c = make_campaign(world.commune, "Học bổng Nguyễn Đức Cảnh")
    make_donation(c, 500_000, donor=make_donor(world.commune, "Phạm Thị Ổn"))
    make_donation(c, 700_000, donor=make_donor(world.commune, "Ông Văn Ước"), method="in_kind", item="xe đạp",
                  quantity=Decimal(1), item_unit="chiếc")
    page = as_user(world.users["viewer"]).get(f"/dot-van-dong/{c.id}").get_data(as_text=True)
    assert "Số người đóng góp</dt><dd>2</dd>" in page
