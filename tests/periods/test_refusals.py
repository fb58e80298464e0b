"""Nothing is posted, voided or back-dated into a closed period, from any screen: the refusal names
the period beside the field it concerns and writes nothing. Each refusal has its positive control."""
import re
from datetime import date

import pytest

from app.donations.models import Donation
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.piggybanks.models import PiggyBankOpening
from app.scholarships import payout
from app.scholarships import services as rounds
from tests.factories_donations import make_campaign, make_donation
from tests.factories_funds import give, pay
from tests.factories_piggybanks import make_opening, make_pig
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round
from tests.periods.helpers import OCT, SEPT, close, count, field_errors

CLOSED = "Tháng 09/2026 đã khóa sổ"


def _key(html):
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)


@pytest.fixture
def treasurer(world, as_user):
    return as_user(world.users["treasurer"])


@pytest.mark.parametrize("htmx", [False, True])
def test_a_payment_back_dated_into_a_closed_month_is_refused_beside_its_date(world, treasurer, htmx):
    fund = funds.default_fund(world.commune)
    db.session.commit()
    give(fund, 5_000_000, entry_date=date(2026, 8, 1))
    close(world.commune, 2026, 9)
    before = count(LedgerEntry)
    url = f"/quy/{fund.id}/chi"

    def post(day):
        data = {"idem_key": _key(treasurer.get(url).get_data(as_text=True)), "entry_date": day,
                "amount": "200.000", "recipient": "Bùi Văn Sơn", "purpose": "Mua vở", "basis": "", "method": "cash"}
        return treasurer.post(url, data=data, htmx=htmx)

    resp = post("2026-09-30")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and CLOSED in field_errors(html)
    assert 'id="entry_date-err"' in html  # beside the date, not at the top of the form
    assert count(LedgerEntry) == before
    assert post("2026-10-01").status_code in (200, 303)  # the open month takes it
    assert count(LedgerEntry) == before + 1


def test_a_transfer_into_or_out_of_a_closed_period_is_refused(world):
    own, branch = funds.default_fund(world.commune), funds.default_fund(world.branch)
    db.session.commit()
    give(own, 1_000_000, entry_date=date(2026, 8, 1))
    close(world.branch, 2026, 9)  # only the receiving side is closed
    with pytest.raises(funds.FundError, match=CLOSED) as err:
        funds.transfer(own, branch, 300_000, entry_date=SEPT, reason="Chuyển cho chi hội")
    assert err.value.field == "entry_date"
    db.session.rollback()
    assert funds.balance(own) == 1_000_000 and funds.balance(branch) == 0
    funds.transfer(own, branch, 300_000, entry_date=OCT, reason="Chuyển cho chi hội")
    assert funds.balance(branch) == 300_000


def test_voiding_a_closed_months_payment_is_refused_and_writes_nothing(world, treasurer):
    fund = funds.default_fund(world.commune)
    db.session.commit()
    give(fund, 5_000_000, entry_date=date(2026, 8, 1))
    entry = pay(fund, 100_000, entry_date=SEPT)
    close(world.commune, 2026, 9)
    with pytest.raises(funds.FundError, match=CLOSED) as err:
        funds.reverse(entry, "Ghi nhầm")
    assert err.value.field == "reason" and "bút toán điều chỉnh" in str(err.value)
    db.session.rollback()
    before = count(LedgerEntry)
    resp = treasurer.post(f"/quy/but-toan/{entry.id}/huy", data={"reason": "Ghi nhầm"})
    assert resp.status_code in (303, 422)
    assert count(LedgerEntry) == before and not funds.is_reversed(entry)
    # Positive control: an open month's payment is voided by the same service.
    open_one = pay(fund, 100_000, entry_date=OCT)
    funds.reverse(open_one, "Ghi nhầm")
    assert funds.is_reversed(open_one)


def _gift(world, campaign, key, day):
    return {"idem_key": key, "campaign_id": campaign.id, "donation_date": day, "donor_name": "Lê Văn Tư",
            "donor_kind": "person", "address": "", "phone": "", "amount": "500.000", "method": "cash",
            "collector_unit_id": "0"}


@pytest.mark.parametrize("htmx", [False, True])
def test_a_gift_back_dated_into_a_closed_month_is_refused_beside_its_date(world, treasurer, htmx):
    campaign = make_campaign(world.commune, start_date=date(2026, 9, 1), end_date=date(2026, 12, 31))
    close(world.commune, 2026, 9)
    html = treasurer.get("/quyen-gop/nhap").get_data(as_text=True)
    resp = treasurer.post("/quyen-gop/nhap", data=_gift(world, campaign, _key(html), "2026-09-20"), htmx=htmx)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and CLOSED in field_errors(page) and 'id="donation_date-err"' in page
    assert count(Donation) == 0 and count(LedgerEntry) == 0
    html = treasurer.get("/quyen-gop/nhap").get_data(as_text=True)
    assert treasurer.post("/quyen-gop/nhap", data=_gift(world, campaign, _key(html), "2026-10-02"),
                          htmx=htmx).status_code in (200, 303)
    assert count(Donation) == 1


def test_a_gift_collected_by_a_branch_that_closed_the_month_is_refused_too(world):
    from app.donations import donor_services, services

    campaign = make_campaign(world.commune, start_date=date(2026, 9, 1), end_date=date(2026, 12, 31))
    close(world.branch, 2026, 9)
    donor = donor_services.find_or_create_donor(world.commune, "Lê Văn Tư", "person", "")
    db.session.commit()
    with pytest.raises(services.DonationError, match=f"tại {world.branch.name}|{CLOSED}"):
        services.record_donation(campaign, donor, 100_000, donation_date=SEPT, collector_unit=world.branch)
    db.session.rollback()
    assert services.record_donation(campaign, donor, 100_000, donation_date=SEPT)  # the commune's own: open


def test_voiding_a_gift_of_a_closed_month_is_refused_beside_the_reason(world, treasurer):
    campaign = make_campaign(world.commune, start_date=date(2026, 9, 1), end_date=date(2026, 12, 31))
    old = make_donation(campaign, 500_000, day=SEPT)
    new = make_donation(campaign, 500_000, day=OCT)
    close(world.commune, 2026, 9)
    resp = treasurer.post(f"/quyen-gop/{old.id}/huy", data={"reason": "Ghi trùng"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and CLOSED in field_errors(html) and "mở lại kỳ" in html
    db.session.expire_all()
    assert not db.session.get(Donation, old.id).voided and not funds.is_reversed(old.entry)
    assert treasurer.post(f"/quyen-gop/{new.id}/huy", data={"reason": "Ghi trùng"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Donation, new.id).voided


def test_a_pig_count_back_dated_or_voided_in_a_closed_month_is_refused(world, treasurer):
    pig = make_pig(world.branch)
    close(world.commune, 2026, 9)
    data = {"opened_on": "2026-09-10", "amount": "450.000", "disposition": "fund", "to_fund_amount": "",
            "kept_amount": "", "witness1": "Trần Văn Bảy", "witness2": "Lê Thị Tám", "note": "", "idem_key": "e" * 32}
    resp = treasurer.post(f"/heo-dat/{pig.id}/mo-heo", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and CLOSED in field_errors(html) and 'id="opened_on-err"' in html
    assert count(PiggyBankOpening) == 0 and count(LedgerEntry) == 0
    # An opening from August (closed later) cannot be voided once August is closed.
    other = make_pig(world.branch)
    opening = make_opening(other, opened_on=date(2026, 8, 20))
    close(world.commune, 2026, 8)
    resp = treasurer.post(f"/heo-dat/mo-heo/{opening.id}/huy", data={"reason": "Đếm sai"})
    assert resp.status_code == 422 and "Tháng 08/2026 đã khóa sổ" in field_errors(resp.get_data(as_text=True))
    db.session.expire_all()
    assert not db.session.get(PiggyBankOpening, opening.id).voided
    assert treasurer.post(f"/heo-dat/{pig.id}/mo-heo", data={**data, "opened_on": "2026-10-05"}).status_code == 303


def _award(world):
    rnd = make_round(world.commune, fund_money=10_000_000)
    cat = make_category(rnd, 700_000)
    nom = make_nomination(rnd, make_pupil(world.commune, "Lê Thị An"), cat)
    rounds.approve(rnd, [nom])
    db.session.commit()
    return rnd, nom


def test_an_award_paid_into_a_closed_month_is_refused_beside_the_payment_date(world, treasurer):
    rnd, nom = _award(world)
    close(world.commune, 2026, 9)
    page = treasurer.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    key = re.search(r'id="payout-form".*?name="idem_key"[^>]*value="([0-9a-f]{32})"', page, re.S).group(1)
    data = {"idem_key": key, "ids": [nom.id], "paid_on": "2026-09-12", "control_total": "700.000"}
    resp = treasurer.post(f"/hoc-bong/{rnd.id}/chi-tra", data=data)
    assert resp.status_code == 422 and CLOSED in field_errors(resp.get_data(as_text=True))
    db.session.expire_all()
    assert not nom.is_paid and count(LedgerEntry, LedgerEntry.source == "scholarship") == 0
    assert treasurer.post(f"/hoc-bong/{rnd.id}/chi-tra", data={**data, "paid_on": "2026-10-12"}).status_code == 303
    db.session.expire_all()
    assert nom.is_paid


def test_an_award_paid_in_a_closed_month_cannot_be_reversed(world, treasurer):
    rnd, nom = _award(world)
    payout.pay(nom, SEPT)
    db.session.commit()
    close(world.commune, 2026, 9)
    resp = treasurer.post(f"/hoc-bong/de-cu/{nom.id}/hoan-chi", data={"reason": "Trả nhầm"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and CLOSED in field_errors(html)
    db.session.expire_all()
    assert nom.is_paid and not funds.is_reversed(db.session.get(LedgerEntry, nom.paid_entry_id))


def test_an_award_without_money_paid_in_a_closed_month_stays_paid(world):
    """No phiếu chi behind it (an award in goods only or of 0 đ): its own date is checked."""
    rnd = make_round(world.commune, fund_money=0)
    cat = make_category(rnd, 0, goods="Bộ sách giáo khoa")
    nom = make_nomination(rnd, make_pupil(world.commune, "Lê Thị Bé"), cat)
    rounds.approve(rnd, [nom])
    payout.pay(nom, SEPT)
    db.session.commit()
    assert nom.paid_entry_id is None
    close(world.commune, 2026, 9)
    with pytest.raises(rounds.RoundError, match=CLOSED):
        payout.reverse_payment(nom, "Trao nhầm")
    db.session.rollback()
    assert nom.is_paid


def test_goods_cannot_be_received_handed_out_or_voided_in_a_closed_month(world):
    from app.goods import services as goods
    from app.goods.models import GoodsEntry
    from tests.factories_goods import hand_out, receive

    received = receive(world.commune, 50, 500_000, day=date(2026, 8, 10))
    close(world.commune, 2026, 9)
    with pytest.raises(goods.GoodsError, match=CLOSED) as err:
        receive(world.branch, 10, 100_000, day=SEPT, commit=False)
    assert err.value.field == "entry_date"
    db.session.rollback()
    with pytest.raises(goods.GoodsError, match=CLOSED):
        hand_out(world.commune, 5, day=SEPT, commit=False)
    db.session.rollback()
    assert count(GoodsEntry) == 1
    close(world.commune, 2026, 8)
    with pytest.raises(goods.GoodsError, match="Tháng 08/2026 đã khóa sổ") as err:
        goods.reverse(received, "Ghi nhầm")
    assert err.value.field == "reason"
    db.session.rollback()
    assert count(GoodsEntry) == 1 and not goods.is_reversed(received)
    assert hand_out(world.commune, 5, day=OCT)  # positive control: October is open
