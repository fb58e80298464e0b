"""The ledger's void page goes through each entry's owner (app.books.owners), and the ledger's links say
where each void goes (issue 13 B)."""
import re
from datetime import date

from app.commendations import issuing
from app.donations.models import Donation
from app.extensions import db
from app.funds import services
from app.funds.models import LedgerEntry
from app.piggybanks.models import PiggyBankOpening
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donation
from tests.factories_funds import give, pay
from tests.factories_piggybanks import make_opening, make_pig

DAY = date(2026, 3, 10)


def _row(page: str, entry_id: int) -> str:
    return re.search(rf'<tr id="entry-{entry_id}".*?</tr>', page, re.S).group(0)


def _gift(world, amount=700_000):
    campaign = make_campaign(world.commune, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    return make_donation(campaign, amount, day=DAY)


def test_the_ledger_says_where_each_void_goes(world, as_user):
    gift = _gift(world, 5_000_000)
    fund = gift.entry.fund
    paid = pay(fund, 200_000)
    d = make_decision(world.commune, fund=fund, payment_mode="total")
    add(d, "Nguyễn Thị Đào", amount=300_000)
    issuing.issue(d)
    gone = pay(fund, 100_000, commit=False)
    reversal = services.reverse(gone, "Ghi nhầm")
    db.session.commit()
    client = as_user(world.users["treasurer"])
    page = client.get(f"/quy/{fund.id}").get_data(as_text=True)
    assert f'href="/quy/but-toan/{gift.entry_id}/huy">Hủy khoản đóng góp</a>' in _row(page, gift.entry_id)
    assert f'href="/quy/but-toan/{paid.id}/huy">Hủy</a>' in _row(page, paid.id)
    # One voucher for a whole list: the link leads to its decision, not to the ledger's page.
    assert (f'href="/khen-thuong/quyet-dinh/{d.id}/hoan-chi-thuong">Hoàn chi tại quyết định</a>'
            in _row(page, d.payment_entry_id))
    assert "/huy" not in _row(page, reversal.id) and "/huy" not in _row(page, gone.id)
    frag = client.get(f"/quy/{fund.id}", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "Hủy khoản đóng góp" in frag


def test_a_gift_is_voided_from_the_ledger_through_the_donation(world, as_user):
    gift = _gift(world)
    client = as_user(world.users["treasurer"])
    url = f"/quy/but-toan/{gift.entry_id}/huy"
    page = client.get(url).get_data(as_text=True)
    assert "Hủy ở đây thì khoản đóng góp cũng bị hủy" in page and 'name="reason"' in page
    assert f"/quyen-gop/{gift.id}/huy" in page  # the gift's own page, for those who prefer it
    frag = client.get(url, htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "Hủy khoản đóng góp" in frag
    resp = client.post(url, data={"reason": "Ghi trùng phiếu"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"] == f"/quy/{gift.entry.fund_id}"
    db.session.expire_all()
    gift = db.session.get(Donation, gift.id)
    assert gift.voided and gift.void_reason == "Ghi trùng phiếu"
    assert services.is_reversed(db.session.get(LedgerEntry, gift.entry_id))
    again = client.post(url, data={"reason": "Lần nữa"})
    assert again.status_code == 303 and db.session.get(Donation, gift.id).void_reason == "Ghi trùng phiếu"


def test_a_pig_count_is_voided_from_the_ledger_and_the_pig_reopens(world, as_user):
    opening = make_opening(make_pig(world.branch))
    client = as_user(world.users["treasurer"])
    url = f"/quy/but-toan/{opening.ledger_entry_id}/huy"
    assert "lần mổ heo đất" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Đếm nhầm"}).status_code == 303
    db.session.expire_all()
    opening = db.session.get(PiggyBankOpening, opening.id)
    assert opening.voided and opening.piggy_bank.status == "active"


def test_a_direct_income_is_the_ledgers_own_and_an_income_naming_a_missing_gift_is_refused(world, as_user):
    fund = services.default_fund(world.commune)
    direct = give(fund, 1_000_000)  # source "donation", no gift behind it: a balance handed over, "thu khác"
    lost = give(fund, 500_000, source_id=999_999)  # names a gift that does not exist
    client = as_user(world.users["treasurer"])
    page = client.get(f"/quy/{fund.id}").get_data(as_text=True)
    assert f'href="/quy/but-toan/{direct.id}/huy">Hủy</a>' in _row(page, direct.id)
    page = client.get(f"/quy/but-toan/{lost.id}/huy").get_data(as_text=True)
    assert "không gắn với khoản đóng góp nào" in page and 'name="reason"' not in page
    assert client.post(f"/quy/but-toan/{lost.id}/huy", data={"reason": "x"}).status_code == 303
    assert not services.is_reversed(lost)
    page = client.get(f"/quy/but-toan/{direct.id}/huy").get_data(as_text=True)
    assert 'name="reason"' in page and "Hủy ở đây thì" not in page
    assert client.post(f"/quy/but-toan/{direct.id}/huy", data={"reason": "Nhập nhầm quỹ"}).status_code == 303
    assert services.is_reversed(direct)


def test_a_refusal_from_the_owner_shows_beside_the_reason(world, as_user):
    gift = _gift(world, 1_000_000)
    pay(gift.entry.fund, 600_000)  # voiding the gift would take the fund below zero
    client = as_user(world.users["treasurer"])
    resp = client.post(f"/quy/but-toan/{gift.entry_id}/huy", data={"reason": "Ghi nhầm"})
    assert resp.status_code == 422 and "làm quỹ bị âm" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Donation, gift.id).voided
