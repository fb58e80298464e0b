"""No page fails because of a figure (finding 3 of issue 13).

Amounts up to 999.999.999.999.999 đ were accepted before the bound (app.core.books.max_amount):
one such gift beside ordinary ones gave 16-digit totals, and amount_in_words refused them, so the
year reports (the province's too), the campaign page, the fund page and the published public page
answered 500. Two imports of 4,700 such gifts overflowed SQLite's SUM() (past 2**63): the
dashboards, fund lists and reports answered 500 for good, and the void that would repair it failed.
The rows are written here as such old data would be: straight into the tables, past the services.
"""
from datetime import date

import pytest
from sqlalchemy import insert

from app.donations import services as donations
from app.donations.models import Donation
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.vn.money import amount_in_words, format_vnd
from tests.conftest import login
from tests.factories_donations import make_campaign, make_donation, make_donor

HUGE = 999_999_999_999_999
YEAR = 2025
DAY = date(YEAR, 9, 5)


def _old_gifts(campaign, donor, n, start=90_000):
    """n gifts of HUGE đ with their phiếu thu, as rows written before the bound existed."""
    fund = campaign.fund
    entry_ids = list(db.session.scalars(insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True), [
        {"fund_id": fund.id, "unit_id": fund.unit_id, "entry_date": DAY, "amount": HUGE, "direction": "in",
         "source": "donation", "number": f"PT-{YEAR}-{start + i}", "method": "cash", "counterparty": donor.name,
         "description": f"Ủng hộ {campaign.name}"} for i in range(n)]))
    ids = list(db.session.scalars(insert(Donation).returning(Donation.id, sort_by_parameter_order=True), [
        {"unit_id": campaign.unit_id, "campaign_id": campaign.id, "donor_id": donor.id, "donation_date": DAY,
         "amount": HUGE, "method": "cash", "entry_id": entry_id} for entry_id in entry_ids]))
    db.session.commit()
    return ids


@pytest.fixture
def books_with_huge_gifts(world):
    unit = world.commune
    campaign = make_campaign(unit, "Tháng Khuyến học 2025", start_date=date(YEAR, 9, 1),
                             end_date=date(YEAR, 9, 30), fund=funds.default_fund(unit))
    donor = make_donor(unit, "Nguyễn Văn Tỷ Phú")
    make_donation(campaign, 500_000, donor, DAY)
    return campaign, donor


def _pages(world, campaign):
    unit, fund = world.commune, campaign.fund
    return [
        (world.users["admin"], "/"),
        (world.users["admin"], "/quy/"),
        (world.users["admin"], f"/quy/{fund.id}"),
        (world.users["admin"], f"/dot-van-dong/{campaign.id}"),
        (world.users["admin"], f"/bao-cao/tong-ket?ky={YEAR}"),
        (world.users["admin"], f"/bao-cao/tong-hop?ky={YEAR}"),
        (world.province_admin, "/"),
        (world.province_admin, f"/bao-cao/tong-ket?ky={YEAR}"),
        (world.province_admin, f"/bao-cao/tong-ket?don_vi={unit.id}&ky={YEAR}"),
        (world.province_admin, f"/bao-cao/tong-hop?ky={YEAR}"),
    ]


def _check_pages(app, world, campaign, total):
    shown = format_vnd(total).replace(" đ", "")
    for user, url in _pages(world, campaign):
        client = app.test_client()
        login(client, user)
        for htmx in (False, True):
            resp = client.get(url, htmx=htmx)
            assert resp.status_code == 200, (url, htmx, resp.get_data(as_text=True)[-2000:])
        html = client.get(url).get_data(as_text=True)
        if url.startswith(("/quy/", "/dot-van-dong/", "/bao-cao/tong-ket")):
            assert shown in html, url  # the figure itself is on the page, not an error or a blank
    client = app.test_client()
    login(client, world.users["admin"])
    assert client.post(f"/cong-khai/quan-ly/{world.commune.id}/{YEAR}/cong-bo").status_code == 303
    for htmx in (False, True):
        resp = app.test_client().get(f"/cong-khai/{world.commune.id}/{YEAR}", htmx=htmx)
        assert resp.status_code == 200, resp.get_data(as_text=True)[-2000:]
        assert shown in resp.get_data(as_text=True)


def test_a_16_digit_total_shows_on_every_page_with_its_words(app, world, books_with_huge_gifts):
    campaign, donor = books_with_huge_gifts
    _old_gifts(campaign, donor, 2)
    total = 2 * HUGE + 500_000  # 2.000.000.000.000.499.998 đ: 16 digits
    _check_pages(app, world, campaign, total)
    assert amount_in_words(total).startswith("Hai triệu tỷ")
    client = app.test_client()
    login(client, world.users["admin"])
    assert amount_in_words(total) in client.get(f"/quy/{campaign.fund.id}").get_data(as_text=True)


def test_totals_past_64_bits_still_show_and_the_old_gift_can_be_voided(app, world, books_with_huge_gifts):
    campaign, donor = books_with_huge_gifts
    ids = _old_gifts(campaign, donor, 4_700)
    _old_gifts(campaign, donor, 4_700, start=95_000)  # 9,400 x 10**15 > 2**63: SQLite's SUM() overflowed
    client = app.test_client()
    login(client, world.users["admin"])
    for htmx in (False, True):
        for url in ("/", "/quy/", f"/quy/{campaign.fund.id}", f"/dot-van-dong/{campaign.id}",
                    f"/bao-cao/tong-ket?ky={YEAR}"):
            assert client.get(url, htmx=htmx).status_code == 200, url
    # The repair: voiding an old gift goes through (it reads the fund's balance first).
    donations.void_donation(db.session.get(Donation, ids[0]), "Số tiền nhập sai")
    db.session.commit()
    assert db.session.get(Donation, ids[0]).voided
