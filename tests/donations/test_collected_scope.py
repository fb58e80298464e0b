"""A branch's donation list shows what it collected for a campaign of the commune above it, as the
reports count that money as the branch's; reading it is allowed, the receipt and voiding are not."""
import re

from app.donations import gift_list, services
from tests.conftest import login
from tests.factories_donations import make_campaign, make_donation, make_donor


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _totals(client, query=""):
    body = client.get("/quyen-gop/" + query).get_data(as_text=True)
    found = re.search(r"Tổng cộng: <strong>([\d.]+) đ</strong> · (\d+) khoản", body)
    assert found, body[:2000]
    return int(found.group(1).replace(".", "")), int(found.group(2))


def _setup(world):
    commune_drive = make_campaign(world.commune, name="Tết vì học sinh nghèo")
    donor = make_donor(world.commune, "Phạm Thị Ánh")
    collected = make_donation(commune_drive, 300_000, donor=donor, collector_unit=world.branch)
    make_donation(commune_drive, 700_000, donor=donor)  # collected by the commune itself
    other = make_campaign(world.other_commune, name="Xuân Hòa An")
    make_donation(other, 900_000, donor=make_donor(world.other_commune, "Lê Văn Tám"),
                  collector_unit=world.other_branch)
    return collected


def test_branch_list_shows_what_it_collected_for_the_commune(app, world, as_user):
    collected = _setup(world)
    branch = as_user(world.branch_user)
    assert _totals(branch) == (300_000, 1)
    body = branch.get("/quyen-gop/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Phạm Thị Ánh" in body and "Lê Văn Tám" not in body
    # The commune still sees both of its campaign's gifts once each.
    assert _totals(_client(app, world.users["clerk"])) == (1_000_000, 2)
    # The province: every gift once (no double count through the collector rule).
    assert _totals(_client(app, world.province_admin)) == (1_900_000, 3)
    assert services.in_collector_scope(world.branch_user, collected)


def test_branch_reads_the_gift_but_not_its_receipt_or_void(app, world, as_user):
    collected = _setup(world)
    branch = as_user(world.branch_user)
    page = branch.get(f"/quyen-gop/{collected.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "thu hộ cho" in body and "300.000 đ" in body
    assert f"/but-toan/{collected.entry_id}/phieu.pdf" not in body and "/huy" not in body
    assert branch.get(f"/quyen-gop/{collected.id}/huy").status_code == 404
    # A branch of the other commune reads nothing of it.
    other = _client(app, world.other_user)
    assert other.get(f"/quyen-gop/{collected.id}").status_code == 404


def test_gift_collected_by_the_commune_itself_stays_out_of_the_branch(app, world, as_user):
    drive = make_campaign(world.commune, name="Khuyến học 2026")
    own = make_donation(drive, 450_000, donor=make_donor(world.commune, "Đỗ Văn Hùng"))
    branch = as_user(world.branch_user)
    assert _totals(branch) == (0, 0)
    assert branch.get(f"/quyen-gop/{own.id}").status_code == 404


def test_a_commune_page_gathered_first_is_the_page_the_date_walk_finds(app, world, monkeypatch):
    """page_items gathers a small scope's gifts and sorts them (PostgreSQL would otherwise walk the
    whole date index for a commune); a province walks the date index. Same rows, same order, every
    page, the collected-for-above gifts included, with and without a filter."""
    from datetime import date, timedelta

    _setup(world)
    drive = make_campaign(world.commune, name="Khuyến học mùa thu")
    for i in range(23):
        make_donation(drive, 10_000 + i, donor=make_donor(world.commune, f"Nguyễn Văn Số {i}"),
                      day=date(2026, 9, 1) + timedelta(days=i % 5),
                      collector_unit=world.branch if i % 3 == 0 else None)
    for root in (world.commune, world.branch, world.province):
        for criteria in ({}, {"donor": "nguyen"}):
            stmt = services.donation_query(root, **criteria)
            count, _ = services.totals(stmt)
            for page in (1, 2, 3):
                walked = [d.id for d in services.page_items(stmt, page, 10)]
                gathered = [d.id for d in services.page_items(stmt, page, 10, count=count, root=root)]
                assert gathered == walked, (root.name, criteria, page)
    # The province is over the unit bound only if the bound is small: then it walks (same rows too),
    # and the gathered statement is really taken for the commune (positive control on the SQL).
    seen = []
    monkeypatch.setattr(gift_list.db.session, "execute", _recording(services.db.session.execute, seen))
    stmt = services.donation_query(world.commune)
    services.page_items(stmt, 1, 10, count=services.totals(stmt)[0], root=world.commune)
    assert any("MATERIALIZED" in s for s in seen)
    seen.clear()
    monkeypatch.setattr(gift_list, "GATHER_UNITS", 1)
    services.page_items(stmt, 1, 10, count=1, root=world.commune)
    assert seen and not any("MATERIALIZED" in s for s in seen)


def _recording(scalars, seen):
    def wrapped(stmt, *a, **kw):
        seen.append(str(stmt.compile(compile_kwargs={"literal_binds": False})))
        return scalars(stmt, *a, **kw)
    return wrapped
