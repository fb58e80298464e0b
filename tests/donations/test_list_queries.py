"""The gift list's query shapes (issue 20 E/F): the donor filter of a small scope looks its own donors
up by primary key, and a page comes back in two statements with what its rows show. Same rows as the
plain forms, on SQLite and on PostgreSQL under the row policies."""
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select, text

from app.donations import gift_list, services
from app.donations.models import Donation, Donor
from app.extensions import db
from app.vn.text import fold
from tests.factories_donations import make_campaign, make_donation, make_donor


def _plain(root, key: str, include_voided: bool = False, campaign_id=None) -> set[int]:
    """The filter as it was written before: donor_id IN (donors whose folded name contains key)."""
    stmt = select(Donation.id).where(services.donation_scope(root), Donation.donor_id.in_(
        select(Donor.id).where(Donor.search_key.contains(fold(key), autoescape=True))))
    if campaign_id:
        stmt = stmt.where(Donation.campaign_id == campaign_id)
    if not include_voided:
        stmt = stmt.where(Donation.voided_at.is_(None))
    return set(db.session.scalars(stmt))


def _gifts(world):
    """Gifts whose donors are not all of the gift's unit: collected by a branch for the province's
    drive (the donor is the province's), a donor of another commune picked for the commune's drive."""
    commune_drive = make_campaign(world.commune, name="Khuyến học xã")
    province_drive = make_campaign(world.province, name="Khuyến học tỉnh")
    other_drive = make_campaign(world.other_commune, name="Khuyến học Hòa An")
    an = make_donor(world.commune, "Nguyễn Văn Ấn")
    binh = make_donor(world.commune, "Trần Thị Bình")
    tinh = make_donor(world.province, "Nguyễn Thị Tỉnh")
    xa = make_donor(world.other_commune, "Ngũ Văn Xa")
    make_donation(commune_drive, 100_000, donor=an)
    make_donation(commune_drive, 110_000, donor=binh, collector_unit=world.branch)
    make_donation(commune_drive, 120_000, donor=xa)
    make_donation(province_drive, 130_000, donor=tinh, collector_unit=world.branch)
    make_donation(province_drive, 140_000, donor=tinh)  # the province's own: not the commune's
    make_donation(other_drive, 150_000, donor=xa)
    make_donation(other_drive, 160_000, donor=make_donor(world.other_commune, "Nguyễn Văn Hòa"))
    voided = make_donation(commune_drive, 170_000, donor=an, day=date(2026, 9, 6))
    services.void_donation(voided, "Ghi nhầm")
    db.session.commit()
    return commune_drive


@pytest.mark.parametrize("key", ["nguyen", "NGUYỄN", "ng", "van an", "Văn", "tinh", "xa", "bình", "zz", "%", "_"])
def test_the_donor_filter_finds_what_the_plain_filter_finds(app, world, key):
    commune_drive = _gifts(world)
    for root in (world.commune, world.branch, world.province, world.other_commune, world.other_branch):
        for include_voided in (False, True):
            for campaign_id in (None, commune_drive.id):
                stmt = services.donation_query(root, donor=key, include_voided=include_voided,
                                               campaign_id=campaign_id)
                found = set(db.session.scalars(stmt.with_only_columns(Donation.id)))
                assert found == _plain(root, key, include_voided, campaign_id), (root.name, key, include_voided)


def test_the_commune_finds_the_gift_its_branch_collected_for_the_province(app, world):
    _gifts(world)
    def amounts(root, key):
        return sorted(d.amount for d in db.session.scalars(services.donation_query(root, donor=key)))

    assert amounts(world.commune, "nguyen") == [100_000, 130_000]
    assert amounts(world.branch, "nguyen") == [130_000]  # collected by the branch for the province
    assert amounts(world.commune, "nguyen thi tinh") == [130_000]
    assert amounts(world.province, "nguyen") == [100_000, 130_000, 140_000, 160_000]
    assert amounts(world.commune, "ngu van xa") == [120_000]  # a donor of another commune
    assert services.totals(services.donation_query(world.commune, donor="van an", include_voided=True)) == (2, 100_000)


def test_a_small_scope_looks_its_donors_up_by_key_and_a_large_one_does_not(app, world, monkeypatch):
    _gifts(world)
    sql = lambda root: str(services.donation_query(root, donor="nguyen").compile(db.engine))  # noqa: E731
    small = sql(world.commune)
    if db.engine.dialect.name == "postgresql":
        assert small.count("array(") == 2
    assert "SELECT DISTINCT" in small or "donation_1.donor_id" in small
    monkeypatch.setattr(gift_list, "GATHER_UNITS", 1)
    db.session.expire_all()
    from flask import g
    for name in list(g):
        if name.startswith("donation_subtree_"):
            g.pop(name)
    large = sql(world.commune)
    assert "donation_1" not in large and "array(" not in large


class _Statements:
    def __init__(self):
        self.seen = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._add)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._add)

    def _add(self, conn, cursor, statement, *args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"):
            self.seen.append(statement)


def _page_statements(client, path):
    assert client.get(path).status_code == 200  # warm: the totals are cached now
    with _Statements() as spy:
        resp = client.get(path)
    assert resp.status_code == 200
    return spy.seen, resp.get_data(as_text=True)


def _many(world, n):
    drive = make_campaign(world.commune, name="Khuyến học mùa thu")
    for i in range(n):
        kw = {"method": "in_kind", "item": "quyển vở", "quantity": "50", "item_unit": "quyển"} if i % 4 == 0 else {}
        make_donation(drive, 10_000 + i, donor=make_donor(world.commune, f"Nguyễn Văn Số {i}", address=f"Ấp {i}"),
                      day=date(2026, 9, 1) + timedelta(days=i % 20), commit=False,
                      collector_unit=world.branch if i % 3 == 0 else None,
                      collector_name="Chị Hoa" if i % 5 == 0 else "", **kw)
    db.session.commit()


def test_a_page_of_gifts_is_two_statements_with_what_its_rows_show(app, world, as_user):
    """The page's rows with their campaign, receipt, goods entry and collector in one statement, their
    donors by key in a second (a join to the donor table under its row policy may scan it whole)."""
    _many(world, 30)
    client = as_user(world.users["treasurer"])
    for path in ("/quyen-gop/", "/quyen-gop/?trang=2", "/quyen-gop/?nguoi=nguyen+van+so+1"):
        seen, body = _page_statements(client, path)
        pages = [s for s in seen if "AS page" in s]
        assert len(pages) == 1 and "JOIN donor" not in pages[0], seen
        donors = [s for s in seen if s.lstrip().startswith("SELECT donor.")]
        assert len(donors) == 1 and "donor.id IN" in donors[0], seen
        assert not [s for s in seen if s.lstrip().startswith(("SELECT ledger_entry.", "SELECT goods_entry.",
                                                             "SELECT campaign.id AS", "SELECT unit.id AS"))]
        assert len(seen) <= 6, seen
    seen, body = _page_statements(client, "/quyen-gop/")
    assert "Nguyễn Văn Số 29" in body and "Ấp 29" in body and "Khuyến học mùa thu" in body
    assert "50 quyển quyển vở" in body and "Chi hội ấp Tân Lộc" in body and "Chị Hoa - Chi hội ấp Tân Lộc" in body
    numbers = [d.entry.number for d in db.session.scalars(select(Donation).where(Donation.entry_id.isnot(None)))]
    assert any(n and n in body for n in numbers)


def test_the_page_check_can_fail(app, world, as_user, monkeypatch):
    """Positive control: rows read as ORM objects without loads read their donor and receipt one by one."""
    _many(world, 5)
    client = as_user(world.users["treasurer"])
    few, _ = _page_statements(client, "/quyen-gop/")
    _many(world, 20)
    monkeypatch.setattr(gift_list, "_rows", lambda chosen: list(db.session.scalars(
        select(Donation).join(chosen, Donation.id == chosen.c.id))))
    more, _ = _page_statements(client, "/quyen-gop/")
    assert len(more) > len(few) + 10


@pytest.mark.parametrize("criteria", [{}, {"include_voided": True}, {"method": "in_kind"},
                                      {"date_from": date(2026, 9, 3), "date_to": date(2026, 9, 12)}])
def test_a_merged_page_is_the_page_the_date_walk_finds(app, world, criteria):
    """A dense list of a small scope merges one newest-first run per unit (recorded there, collected
    there for a unit above): same rows, same order as walking the date index, on every page, the
    gifts a branch collected for the commune's and the province's drives included once each."""
    _gifts(world)
    _many(world, 30)
    province_drive = make_campaign(world.province, name="Khuyến học tỉnh mùa thu")
    for i in range(7):
        make_donation(province_drive, 20_000 + i, donor=make_donor(world.province, f"Lê Thị {i}"),
                      day=date(2026, 9, 2) + timedelta(days=i), collector_unit=(world.branch, world.commune)[i % 2])
    for root in (world.commune, world.branch, world.province, world.other_commune):
        stmt = services.donation_query(root, **criteria)
        count, _ = services.totals(stmt)
        walked = [d.id for page in range(1, 12) for d in services.page_items(stmt, page, 5)]
        merged = [d.id for page in range(1, 12) for d in services.page_items(stmt, page, 5, count=count, root=root,
                                                                               dense=True)]
        assert merged == walked and len(walked) == min(count, 55), (root.name, criteria)


def test_the_merged_runs_leave_the_scope_condition_out(app, world, monkeypatch):
    """Positive control on the SQL: a commune's dense page is a UNION ALL of runs by unit, and its
    runs do not repeat the scope's condition (which spoils PostgreSQL's estimate of each run)."""
    _gifts(world)
    seen = []
    real = gift_list.db.session.execute

    def spy(stmt, *args, **kwargs):
        seen.append(str(stmt.compile(db.engine)))
        return real(stmt, *args, **kwargs)

    monkeypatch.setattr(gift_list.db.session, "execute", spy)
    stmt = services.donation_query(world.commune)
    services.page_items(stmt, 1, 10, count=services.totals(stmt)[0], root=world.commune, dense=True)
    page = [s for s in seen if "AS page" in s][0]
    assert "UNION ALL" in page and " OR " not in page, page  # the scope is an OR of unit and collector


def test_the_campaign_filter_offers_the_scope_campaigns_in_the_campaigns_order(app, world):
    from app.campaigns.models import Campaign
    from app.campaigns.services import campaigns_in_scope
    from tests.conftest import login

    _gifts(world)
    make_campaign(world.branch, name="Chi hội góp sách", start_date=date(2026, 10, 1), end_date=date(2026, 10, 30))
    make_campaign(world.commune, name="Học bổng không ngày", start_date=None)
    for user, root in ((world.users["treasurer"], world.commune), (world.province_admin, world.province)):
        expected = [tuple(r) for r in db.session.execute(
            campaigns_in_scope(root).with_only_columns(Campaign.id, Campaign.name))]
        assert gift_list.campaign_names(root) == expected and len(expected) >= 3
        client = app.test_client()
        login(client, user)
        body = client.get("/quyen-gop/").get_data(as_text=True)
        options = [body.index(f">{name}</option>") for _, name in expected]
        assert options == sorted(options)
        assert ("Khuyến học Hòa An" in body) == (root is world.province)


def test_the_campaign_filter_follows_each_change_of_the_scope_campaigns(app, world, as_user):
    """The filter's campaigns are kept between pages (the reports cache) and read again after any
    change to a campaign of the scope: a new one, a renamed one, a closed one (which moves down)."""
    import re

    from app.campaigns.models import CLOSED
    from app.campaigns.services import set_status

    client = as_user(world.users["treasurer"])

    def offered():
        body = client.get("/quyen-gop/").get_data(as_text=True)
        select = body[body.index('<select id="dot"'):]
        return re.findall(r'<option[^>]*>([^<]*)</option>', select[:select.index("</select>")])

    make_campaign(world.commune, name="Khuyến học mùa thu", start_date=date(2026, 9, 1))
    assert offered() == ["Mọi đợt vận động", "Khuyến học mùa thu"]
    new = make_campaign(world.branch, name="Chi hội góp sách", start_date=date(2026, 10, 1),
                        end_date=date(2026, 10, 30))
    assert offered() == ["Mọi đợt vận động", "Chi hội góp sách", "Khuyến học mùa thu"]
    new.name = "Chi hội góp sách vở"
    db.session.commit()
    assert offered() == ["Mọi đợt vận động", "Chi hội góp sách vở", "Khuyến học mùa thu"]
    set_status(new, CLOSED)
    db.session.commit()
    assert offered() == ["Mọi đợt vận động", "Khuyến học mùa thu", "Chi hội góp sách vở"]
    # Control: a change the cache cannot see (raw SQL, which the app never writes) is not shown,
    # so the page above was served from the cache, not read afresh.
    db.session.execute(text("UPDATE campaign SET name = 'Không thấy' WHERE id = :id"), {"id": new.id})
    db.session.commit()
    assert "Không thấy" not in offered()
