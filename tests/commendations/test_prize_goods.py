"""Prizes in money and goods ("200.000 đ và 5 quyển vở"): set on the decision and its lines, handed out of
the unit's stock at issue, refused when the stock is short, listed on the papers, reversed and paid again."""
import re
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from app.commendations import bulk, issuing, prizes, services
from app.commendations.models import Decision, Honoree
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.goods import services as goods
from app.goods.models import GoodsEntry
from tests.conftest import login
from tests.factories_commendations import DAY, add, make_decision
from tests.factories_scholarships import give_goods

PREFIX = "/khen-thuong"
NOTEBOOKS = {"goods_item": "vở", "goods_unit": "quyển", "goods_quantity": 5}
DEFAULT_NOTEBOOKS = {f"default_{k}": v for k, v in NOTEBOOKS.items()}


def _stock(unit):
    return goods.on_hand(unit, "vo", "quyển")


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _fund(unit, money=5_000_000):
    fund = funds.create_fund(unit, "Quỹ khen thưởng")
    funds.post_income(fund, money, entry_date=date(2026, 1, 10), source="donation", counterparty="Nhà hảo tâm")
    db.session.commit()
    return fund


def _key(html):
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)


@pytest.mark.parametrize("htmx", [False, True])
def test_prize_goods_from_the_decision_to_the_papers_and_back(app, world, as_user, htmx):
    give_goods(world.commune, 100, 500_000, day=date(2026, 1, 20))  # 100 notebooks, 5.000 đ each
    fund = _fund(world.commune)
    d = make_decision(world.commune, fund=fund, amount=200_000, **DEFAULT_NOTEBOOKS)
    assert d.default_goods == "5 quyển vở"
    admin = as_user(world.users["admin"])
    form = admin.get(f"{PREFIX}/quyet-dinh/{d.id}/them", htmx=htmx).get_data(as_text=True)
    assert "Phần thưởng bằng hiện vật" in form and 'value="5"' in form and 'value="vở"' in form
    assert "vở: còn 100 quyển" in form  # the stock is suggested
    bad = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/them", htmx=htmx, data={
        "name": "Lê Văn An", "kind": "pupil", "amount": "200.000", "goods_item": "vở", "goods_unit": "quyển",
        "goods_quantity": "-5"})
    assert bad.status_code == 422 and "Số lượng phải" in bad.get_data(as_text=True)
    for name in ("Lê Văn An", "Trần Thị Bình", "Nguyễn Văn Cường"):
        resp = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/them", htmx=htmx, data={
            "name": name, "kind": "pupil", "amount": "200.000", "achievement": "Học sinh giỏi", **NOTEBOOKS})
        assert resp.status_code == (200 if htmx else 303)
    assert _count(Honoree, Honoree.goods_quantity == 5) == 3
    page = admin.get(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh", htmx=htmx).get_data(as_text=True)
    assert "phần thưởng bằng hiện vật 15 quyển vở" in page
    resp = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh", htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)

    db.session.expire_all()
    assert db.session.get(Decision, d.id).status == "issued"
    assert _stock(world.commune) == 85 and funds.balance(fund) == 5_000_000 - 600_000
    rows = db.session.scalars(select(Honoree).order_by(Honoree.id)).all()
    outs = db.session.scalars(select(GoodsEntry).where(GoodsEntry.source == "prize")).all()
    assert {e.source_id for e in outs} == {h.id for h in rows} and {h.goods_entry_id for h in rows} == {
        e.id for e in outs}
    assert all(e.number.startswith("XK-") and e.quantity == 5 and e.basis == f"QĐ {d.number}" for e in outs)
    detail = admin.get(f"{PREFIX}/quyet-dinh/{d.id}", htmx=htmx).get_data(as_text=True)
    assert "và 5 quyển vở" in detail

    listing = _pdf_text(admin.get(f"{PREFIX}/quyet-dinh/{d.id}/danh-sach.pdf").data)
    assert "Hiện vật" in listing and "5 quyển vở" in listing and "Tổng: 600.000 đ; 15 quyển vở" in listing
    decision = _pdf_text(admin.get(f"{PREFIX}/quyet-dinh/{d.id}/quyet-dinh.pdf").data)
    assert "15 quyển vở" in decision

    # Hoàn chi one prize: its money and its notebooks come back; paying it again hands them out again.
    treasurer = app.test_client()
    login(treasurer, world.users["treasurer"])
    one = rows[0]
    resp = treasurer.post(f"{PREFIX}/nguoi/{one.id}/hoan-chi-thuong", data={"reason": "Trao nhầm người"}, htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    assert _stock(world.commune) == 90 and funds.balance(fund) == 5_000_000 - 400_000
    assert db.session.get(Honoree, one.id).goods_entry_id is None
    page = treasurer.get(f"{PREFIX}/nguoi/{one.id}/chi-lai-thuong").get_data(as_text=True)
    resp = treasurer.post(f"{PREFIX}/nguoi/{one.id}/chi-lai-thuong", htmx=htmx,
                          data={"idem_key": _key(page), "paid_on": "2026-02-10"})
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    assert _stock(world.commune) == 85 and funds.balance(fund) == 5_000_000 - 600_000
    assert db.session.get(Honoree, one.id).goods_entry.entry_date == date(2026, 2, 10)


def test_issue_is_refused_when_the_stock_is_short_and_nothing_is_written(world, as_user):
    give_goods(world.commune, 10, 100_000, day=date(2026, 1, 20))
    fund = _fund(world.commune)
    d = make_decision(world.commune, fund=fund, amount=200_000)
    for name in ("Lê Văn An", "Trần Thị Bình", "Nguyễn Văn Cường"):
        add(d, name, amount=200_000, **NOTEBOOKS)
    admin = as_user(world.users["admin"])
    for htmx in (False, True):
        resp = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh", htmx=htmx)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422
        assert "Không đủ hiện vật trong kho" in body and "Cần 15 quyển vở, trong kho còn 10 quyển" in body
    db.session.expire_all()
    assert db.session.get(Decision, d.id).status == "draft"
    assert _count(Honoree, Honoree.register_number.is_not(None)) == 0
    assert _count(GoodsEntry, GoodsEntry.direction == "out") == 0
    assert _count(LedgerEntry, LedgerEntry.source == "prize") == 0
    assert funds.balance(fund) == 5_000_000 and _stock(world.commune) == 10


def test_goods_only_prizes_paid_by_one_list_need_no_fund(world):
    give_goods(world.commune, 3, 3_000_000, item="xe đạp", item_unit="chiếc", day=date(2026, 1, 20))
    d = make_decision(world.commune, payment_mode="total", default_goods_item="xe đạp", default_goods_unit="chiếc",
                      default_goods_quantity=1)
    bulk.from_text(d, "Lê Văn An\nTrần Thị Bình")  # pasted lines get the decision's prize in goods
    db.session.commit()
    assert [h.prize_text for h in services.honorees(d)] == ["1 chiếc xe đạp"] * 2
    issuing.issue(d)
    db.session.commit()
    assert goods.on_hand(world.commune, "xe dap", "chiếc") == 1 and prizes.is_paid(d)
    assert _count(LedgerEntry, LedgerEntry.source == "prize") == 0
    prizes.reverse_prize(d, "Hoãn trao")
    db.session.commit()
    assert goods.on_hand(world.commune, "xe dap", "chiếc") == 3 and not prizes.is_paid(d)
    prizes.pay_prize(d, date(2026, 2, 20))
    db.session.commit()
    assert goods.on_hand(world.commune, "xe dap", "chiếc") == 1 and prizes.is_paid(d)
    assert all(h.goods_entry_id for h in services.honorees(d))


@pytest.mark.parametrize("htmx", [False, True])
def test_decision_form_sets_the_default_prize_in_goods(world, as_user, htmx):
    d = make_decision(world.commune, number="8/QĐ-HKH")
    admin = as_user(world.users["admin"])
    form = {"number": "8/QĐ-HKH", "decision_date": "2026-02-05", "title": "Về việc khen thưởng học sinh giỏi",
            "bases": services.DEFAULT_BASES, "fund_id": 0, "award_form": "giay_khen", "payment_mode": "each",
            "group_by": "", "default_amount": "", "signer_title": "CHỦ TỊCH", "idem_key": "a" * 32,
            "default_goods_item": "sách giáo khoa", "default_goods_unit": "bộ", "default_goods_quantity": "1"}
    page = admin.get(f"{PREFIX}/quyet-dinh/{d.id}/sua", htmx=htmx).get_data(as_text=True)
    assert "Phần thưởng bằng hiện vật mỗi người" in page
    bad = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/sua", data={**form, "default_goods_unit": ""}, htmx=htmx)
    assert bad.status_code == 422 and "Vui lòng nhập đơn vị tính" in bad.get_data(as_text=True)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/sua", data=form, htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    assert db.session.get(Decision, d.id).default_goods == "1 bộ sách giáo khoa"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_prize_in_goods_only_is_reversed_and_paid_again_from_its_pages(app, world, htmx):
    give_goods(world.commune, 10, 100_000, day=date(2026, 1, 20))
    d = make_decision(world.commune)
    h = add(d, "Lê Văn An", **NOTEBOOKS)
    issuing.issue(d)
    db.session.commit()
    assert _stock(world.commune) == 5 and h.prize_text == "5 quyển vở"
    treasurer = app.test_client()
    login(treasurer, world.users["treasurer"])
    page = treasurer.get(f"{PREFIX}/nguoi/{h.id}/hoan-chi-thuong").get_data(as_text=True)
    assert "Hiện vật: 5 quyển vở" in page  # the full page (an htmx GET answers the form alone)
    assert treasurer.get(f"{PREFIX}/nguoi/{h.id}/hoan-chi-thuong", htmx=True).status_code == 200
    resp = treasurer.post(f"{PREFIX}/nguoi/{h.id}/hoan-chi-thuong", data={"reason": "Hoãn trao"}, htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    assert _stock(world.commune) == 10 and db.session.get(Honoree, h.id).goods_entry_id is None
    page = treasurer.get(f"{PREFIX}/nguoi/{h.id}/chi-lai-thuong").get_data(as_text=True)
    assert "Hiện vật: 5 quyển vở" in page
    resp = treasurer.post(f"{PREFIX}/nguoi/{h.id}/chi-lai-thuong", htmx=htmx,
                          data={"idem_key": _key(page), "paid_on": "2026-02-10"})
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    assert _stock(world.commune) == 5 and db.session.get(Honoree, h.id).goods_entry_id is not None
    assert _count(LedgerEntry, LedgerEntry.source == "prize") == 0
