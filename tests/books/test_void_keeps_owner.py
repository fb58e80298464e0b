"""Issue 13, finding 2: a voucher voided from the fund ledger's page left its award or prize paid.

Each test voids a payment's phiếu chi from /quy/but-toan/<id>/huy as a treasurer, as a user would,
and then checks the owner: the award (prize) is no longer paid, it can be paid again, and what the
owner reports paid equals the standing entries of the ledger. Before the fix the ledger page voided
the entry alone (only gifts and pig counts were sent elsewhere): the award stayed paid, so the first
"not paid" assertion of each test failed (and the total-mode voucher was voided from the ledger page,
which the third test refuses). These tests use only pages and models, not app.books.
"""
from datetime import date

from sqlalchemy import select

from app.commendations import issuing
from app.commendations.models import Decision, Honoree
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.scholarships import payout, services as rounds
from app.scholarships.models import Nomination
from tests.factories_commendations import add, make_decision
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round

PAID_ON = date(2026, 3, 10)


def _standing(source: str, source_ids) -> int:
    """The money of the standing (not voided, not reversal) entries of `source` for these owners."""
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.source == source, LedgerEntry.source_id.in_(list(source_ids)),
        LedgerEntry.reversal_of_id.is_(None))).all()
    return sum(e.amount for e in entries if not funds.is_reversed(e))


def _void_from_ledger(client, entry_id: int, reason: str = "Chi nhầm, tiền đã nộp lại quỹ"):
    page = client.get(f"/quy/but-toan/{entry_id}/huy")
    assert page.status_code == 200
    return page, client.post(f"/quy/but-toan/{entry_id}/huy", data={"reason": reason})


def test_an_award_voided_from_the_ledger_is_unpaid_and_can_be_paid_again(world, as_user):
    rnd = make_round(world.commune, budget=10_000_000, fund_money=20_000_000)
    big, small = make_category(rnd, 2_000_000), make_category(rnd, 1_000_000)
    keep = make_nomination(rnd, make_pupil(world.commune), big, commit=False)
    undo = make_nomination(rnd, make_pupil(world.commune), small, commit=False)
    rounds.approve(rnd, [keep, undo])
    payout.pay(keep, PAID_ON)
    payout.pay(undo, PAID_ON)
    db.session.commit()
    assert rounds.totals(rnd).paid_total == 3_000_000 == _standing("scholarship", [keep.id, undo.id])
    voucher = undo.paid_entry_id

    client = as_user(world.users["treasurer"])
    page, resp = _void_from_ledger(client, voucher)
    assert resp.status_code == 303
    db.session.expire_all()
    undo = db.session.get(Nomination, undo.id)
    assert not undo.is_paid and undo.paid_entry_id is None  # finding 2: it stayed "Đã chi trả"
    assert "suất học bổng" in page.get_data(as_text=True)  # the page said what else the void changes
    assert funds.is_reversed(db.session.get(LedgerEntry, voucher))
    assert rounds.totals(rnd).paid_total == 2_000_000 == _standing("scholarship", [keep.id, undo.id])

    # Paid again from the payout page: a new phiếu chi, and the round and the ledger agree again.
    form = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    assert f'id="pay-{undo.id}"' in form
    resp = client.post(f"/hoc-bong/de-cu/{undo.id}/chi", data={"paid_on": "2026-03-12", "idem_key": "a" * 32})
    assert resp.status_code == 303
    db.session.expire_all()
    undo = db.session.get(Nomination, undo.id)
    assert undo.is_paid and undo.paid_entry_id not in (None, voucher)
    assert rounds.totals(rnd).paid_total == 3_000_000 == _standing("scholarship", [keep.id, undo.id])
    assert funds.balance(rnd.fund) == 20_000_000 - 3_000_000


def _issued(world, mode: str, amounts=(500_000, 300_000)):
    fund = make_round(world.commune, fund_money=5_000_000).fund  # a funded fund of the commune
    d = make_decision(world.commune, fund=fund, payment_mode=mode)
    people = [add(d, name, amount=amount) for name, amount in zip(("Nguyễn Thị Đào", "Lê Văn Bình"), amounts)]
    issuing.issue(d)
    db.session.commit()
    return d, people


def test_a_per_person_prize_voided_from_the_ledger_is_unpaid_and_can_be_paid_again(world, as_user):
    d, (dao, binh) = _issued(world, "each")
    voucher = dao.payment_entry_id
    assert voucher and _standing("prize", [dao.id, binh.id]) == 800_000

    client = as_user(world.users["treasurer"])
    page, resp = _void_from_ledger(client, voucher)
    assert resp.status_code == 303
    db.session.expire_all()
    dao = db.session.get(Honoree, dao.id)
    assert dao.payment_entry_id is None  # finding 2: the honoree still pointed at a voided voucher
    assert "tiền thưởng" in page.get_data(as_text=True)
    assert funds.is_reversed(db.session.get(LedgerEntry, voucher))
    assert _standing("prize", [dao.id, binh.id]) == 300_000

    detail = client.get(f"/khen-thuong/quyet-dinh/{d.id}").get_data(as_text=True)
    assert f"/khen-thuong/nguoi/{dao.id}/chi-lai-thuong" in detail
    resp = client.post(f"/khen-thuong/nguoi/{dao.id}/chi-lai-thuong",
                       data={"paid_on": "2026-03-12", "idem_key": "b" * 32})
    assert resp.status_code == 303
    db.session.expire_all()
    dao = db.session.get(Honoree, dao.id)
    assert dao.payment_entry_id not in (None, voucher)
    assert _standing("prize", [dao.id, binh.id]) == 800_000


def test_a_list_voucher_is_not_voided_from_the_ledger_but_from_its_decision(world, as_user):
    d, people = _issued(world, "total")
    voucher = d.payment_entry_id
    assert voucher and _standing("prize", [d.id]) == 800_000

    client = as_user(world.users["treasurer"])
    page, resp = _void_from_ledger(client, voucher)
    assert resp.status_code == 303
    assert not funds.is_reversed(db.session.get(LedgerEntry, voucher))  # finding 2: the ledger page voided it
    html = page.get_data(as_text=True)
    link = f"/khen-thuong/quyet-dinh/{d.id}/hoan-chi-thuong"
    assert link in html and 'name="reason"' not in html  # it sends the treasurer to the decision

    resp = client.post(link, data={"reason": "Quyết định bị thu hồi"})
    assert resp.status_code == 303
    db.session.expire_all()
    d = db.session.get(Decision, d.id)
    assert d.payment_entry_id is None and funds.is_reversed(db.session.get(LedgerEntry, voucher))
    assert _standing("prize", [d.id]) == 0

    resp = client.post(f"/khen-thuong/quyet-dinh/{d.id}/chi-lai-thuong",
                       data={"paid_on": "2026-03-12", "idem_key": "c" * 32})
    assert resp.status_code == 303
    db.session.expire_all()
    d = db.session.get(Decision, d.id)
    assert d.payment_entry_id not in (None, voucher) and _standing("prize", [d.id]) == 800_000
