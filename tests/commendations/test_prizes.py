"""Prize money after issuing: hoàn chi and chi lại, per person and for a list's one voucher (issue 13 B)."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.commendations import issuing, prizes
from app.commendations.models import Decision, Honoree
from app.commendations.services import CommendationError
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from tests.factories_commendations import add, make_decision
from tests.conftest import login
from tests.factories_funds import give, make_fund

PREFIX = "/khen-thuong"


def _issued(world, mode="each", money=5_000_000):
    fund = make_fund(world.commune)
    give(fund, money)
    d = make_decision(world.commune, fund=fund, payment_mode=mode)
    dao = add(d, "Nguyễn Thị Đào", amount=500_000)
    binh = add(d, "Lê Văn Bình", amount=300_000)
    issuing.issue(d)
    db.session.commit()
    return d, dao, binh


@pytest.fixture
def treasurer(world, as_user):
    return as_user(world.users["treasurer"])


def _prize_entries(d):
    return db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.source == "prize"))


def _key(html):
    return re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def _client(app, user):
    """A client of its own (as_user() logs the one shared client in, and a logged-in client stays so)."""
    client = app.test_client()
    login(client, user)
    return client


def test_decision_page_shows_each_prize_paid_and_its_reversal_link(app, world, treasurer):
    d, dao, _ = _issued(world)
    number = db.session.get(LedgerEntry, dao.payment_entry_id).number
    page = treasurer.get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert f"Đã chi ({number})" in page and f"/nguoi/{dao.id}/hoan-chi-thuong" in page
    frag = treasurer.get(f"{PREFIX}/quyet-dinh/{d.id}", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and f"/nguoi/{dao.id}/hoan-chi-thuong" in frag
    clerk = _client(app, world.users["clerk"]).get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert f"Đã chi ({number})" in clerk and "hoan-chi-thuong" not in clerk  # they see it, cannot act


def test_reverse_one_prize_plain_and_htmx(world, treasurer):
    d, dao, binh = _issued(world)
    voucher = dao.payment_entry_id
    url = f"{PREFIX}/nguoi/{dao.id}/hoan-chi-thuong"
    page = treasurer.get(url).get_data(as_text=True)
    assert "<html" in page and "500.000 đ" in page and 'name="reason"' in page
    frag = treasurer.get(url, htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="prize-reverse-form"' in frag
    empty = treasurer.post(url, data={"reason": " "})
    assert empty.status_code == 422 and "Vui lòng nhập lý do hoàn chi" in empty.get_data(as_text=True)
    resp = treasurer.post(url, data={"reason": "Trao nhầm người"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"] == f"{PREFIX}/quyet-dinh/{d.id}"
    db.session.expire_all()
    assert db.session.get(Honoree, dao.id).payment_entry_id is None
    assert db.session.get(Honoree, binh.id).payment_entry_id is not None  # the other prize stands
    assert funds.is_reversed(db.session.get(LedgerEntry, voucher))
    assert funds.balance(d.fund) == 5_000_000 - 300_000
    again = treasurer.post(url, data={"reason": "Lần nữa"})
    assert again.status_code == 422 and "đã hoàn chi" in again.get_data(as_text=True)
    page = treasurer.get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert "Chưa chi tiền thưởng" in page and f"/nguoi/{dao.id}/chi-lai-thuong" in page


def test_pay_again_once_even_when_submitted_twice(world, treasurer):
    d, dao, _ = _issued(world)
    prizes.reverse_prize(dao, "Trao nhầm ngày")
    db.session.commit()
    url = f"{PREFIX}/nguoi/{dao.id}/chi-lai-thuong"
    html = treasurer.get(url).get_data(as_text=True)
    assert "Năm trăm nghìn đồng" in html and 'name="paid_on"' in html
    assert "<html" not in treasurer.get(url, htmx=True).get_data(as_text=True)
    count = _prize_entries(d)
    data = {"paid_on": "2026-03-20", "idem_key": _key(html)}
    assert treasurer.post(url, data=data).status_code == 303
    assert treasurer.post(url, data=data).status_code == 303  # the double click pays once
    assert _prize_entries(d) == count + 1
    db.session.expire_all()
    entry = db.session.get(LedgerEntry, db.session.get(Honoree, dao.id).payment_entry_id)
    assert entry.entry_date == date(2026, 3, 20) and entry.amount == 500_000 and entry.source_id == dao.id
    refused = treasurer.post(url, data={"paid_on": "2026-03-21", "idem_key": "f" * 32})
    assert refused.status_code == 422 and "đã được chi rồi" in refused.get_data(as_text=True)


def test_pay_again_is_refused_beside_the_date_when_the_fund_is_short_or_the_date_early(world, treasurer):
    d, dao, _ = _issued(world, money=800_000)
    prizes.reverse_prize(dao, "Trao nhầm")
    funds.post_payment(d.fund, 400_000, entry_date=date(2026, 3, 1), recipient="Nhà sách", purpose="Mua vở")
    db.session.commit()
    url = f"{PREFIX}/nguoi/{dao.id}/chi-lai-thuong"
    short = treasurer.post(url, data={"paid_on": "2026-03-20", "idem_key": "a" * 32})
    assert short.status_code == 422 and "không đủ" in short.get_data(as_text=True)
    early = treasurer.post(url, data={"paid_on": "2020-01-01", "idem_key": "b" * 32})
    assert early.status_code == 422 and "trước ngày quyết định" in early.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Honoree, dao.id).payment_entry_id is None


def test_a_list_paid_with_one_voucher_is_reversed_and_paid_again_from_the_decision(world, treasurer):
    d, dao, _ = _issued(world, mode="total")
    voucher = d.payment_entry_id
    # A line of such a list names the decision's page instead of acting alone.
    line = treasurer.get(f"{PREFIX}/nguoi/{dao.id}/hoan-chi-thuong").get_data(as_text=True)
    assert "phiếu chi tổng" in line and f"/quyet-dinh/{d.id}/hoan-chi-thuong" in line
    assert treasurer.post(f"{PREFIX}/nguoi/{dao.id}/hoan-chi-thuong", data={"reason": "x"}).status_code == 422
    assert not funds.is_reversed(db.session.get(LedgerEntry, voucher))

    page = treasurer.get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert f"/quyet-dinh/{d.id}/hoan-chi-thuong" in page and "đã chi" in page
    url = f"{PREFIX}/quyet-dinh/{d.id}/hoan-chi-thuong"
    assert "800.000 đ" in treasurer.get(url).get_data(as_text=True)
    assert treasurer.post(url, data={"reason": "Quyết định bị thu hồi"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Decision, d.id).payment_entry_id is None
    assert funds.balance(d.fund) == 5_000_000

    pay = f"{PREFIX}/quyet-dinh/{d.id}/chi-lai-thuong"
    resp = treasurer.post(pay, data={"paid_on": "2026-03-20", "idem_key": _key(treasurer.get(pay).get_data(
        as_text=True))}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].endswith(f"/quyet-dinh/{d.id}")
    db.session.expire_all()
    d = db.session.get(Decision, d.id)
    assert d.payment_entry_id not in (None, voucher) and funds.balance(d.fund) == 5_000_000 - 800_000


def test_a_draft_has_no_prize_to_reverse_or_pay(world, treasurer):
    fund = make_fund(world.commune)
    give(fund, 1_000_000)
    d = make_decision(world.commune, fund=fund)
    h = add(d, "Nguyễn Thị Đào", amount=500_000)
    page = treasurer.get(f"{PREFIX}/nguoi/{h.id}/hoan-chi-thuong").get_data(as_text=True)
    assert "chưa ban hành" in page
    resp = treasurer.post(f"{PREFIX}/nguoi/{h.id}/chi-lai-thuong", data={"paid_on": "2026-03-20",
                                                                         "idem_key": "c" * 32})
    assert resp.status_code == 422 and _prize_entries(d) == 0
    with pytest.raises(CommendationError):
        prizes.pay_prize(h, date(2026, 3, 20))


def test_only_treasurers_move_prize_money(app, world):
    d, dao, _ = _issued(world)
    for role in ("admin", "clerk", "viewer"):
        client = _client(app, world.users[role])
        assert client.post(f"{PREFIX}/nguoi/{dao.id}/hoan-chi-thuong", data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Honoree, dao.id).payment_entry_id is not None


def test_a_voucher_voided_behind_the_prize_is_put_back_in_step(world):
    """Data left by older code: the ledger voided the voucher alone, the honoree still says paid."""
    d, dao, _ = _issued(world)
    voucher = db.session.get(LedgerEntry, dao.payment_entry_id)
    funds.reverse(voucher, "Hủy từ sổ quỹ (phiên bản cũ)")
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    prizes.reverse_prize(dao, "Đưa về khớp với sổ quỹ")
    db.session.commit()
    assert dao.payment_entry_id is None
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == count  # not voided twice
