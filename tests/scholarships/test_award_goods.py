"""Awards in money and goods ("300.000 đ và 10 quyển vở"): the year's walkthrough through the pages,
the stock check, reversal, the signing sheet and the round's figures."""
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.goods import services as goods
from app.goods.models import GoodsEntry
from app.scholarships import payout, services
from app.scholarships.models import AwardCategory, Nomination
from tests.factories_scholarships import (give_goods, make_category, make_nomination, make_pupil, make_round,
                                          make_school)

PAY_DAY = "2026-03-12"
NOTEBOOKS = {"goods_item": "vở", "goods_unit": "quyển", "goods_quantity": 10}


def _stock(unit) -> Decimal:
    return goods.on_hand(unit, "vo", "quyển")


def _key(html, form_id):
    block = html[html.index(f'id="{form_id}"'):]
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', block).group(1)


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _year(world, *, pupils=20, amount=300_000, per_award=10, fund_money=10_000_000):
    """500 notebooks given in kind (valued 2.500.000 đ), a round "300.000 đ và 10 quyển vở", 20 approved."""
    gift = give_goods(world.commune, 500, 2_500_000)
    rnd = make_round(world.commune, budget=20_000_000, fund_money=fund_money)
    cat = make_category(rnd, amount, name="Học bổng vượt khó", **{**NOTEBOOKS, "goods_quantity": per_award})
    school = make_school(world.commune, "Trường THCS Lai Vung")
    noms = [make_nomination(rnd, make_pupil(world.commune, school=school, class_name="7A1", guardian="Bà Lê Thị Mai"),
                            cat, commit=False) for _ in range(pupils)]
    services.approve(rnd, noms)
    db.session.commit()
    return gift, rnd, cat, noms


@pytest.mark.parametrize("htmx", [False, True])
def test_a_year_with_goods_right_cash_right_stock_right_papers(world, as_user, htmx):
    gift, rnd, cat, noms = _year(world)
    # The gift in kind is stock, never cash: no ledger entry, 500 notebooks on hand.
    assert gift.entry_id is None and _stock(world.commune) == 500
    assert cat.goods == "10 quyển vở" and cat.award_text == "300.000 đ và 10 quyển vở"
    balance = funds.balance(rnd.fund)
    client = as_user(world.users["treasurer"])

    detail = client.get(f"/hoc-bong/{rnd.id}", htmx=htmx).get_data(as_text=True)
    assert "300.000 đ và 10 quyển vở" in detail or htmx  # the category list is on the full page only
    assert "Cần 200 quyển vở, trong kho còn 500 quyển" in detail
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra", htmx=htmx).get_data(as_text=True)
    assert "20 suất: 6.000.000 đ và 200 quyển vở" in page  # the batch's totals, before anything is written
    data = {"idem_key": _key(page, "payout-form"), "ids": [n.id for n in noms], "paid_on": PAY_DAY,
            "control_total": "6.000.000"}
    for _ in range(2):  # a double submit pays once
        resp = client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=data, htmx=htmx)
        assert resp.status_code == (200 if htmx else 303)
        assert ("HX-Redirect" in resp.headers) == htmx

    db.session.expire_all()
    assert funds.balance(rnd.fund) == balance - 6_000_000  # cash lowered by exactly the money
    assert _stock(world.commune) == 300  # and the stock by the goods
    outs = db.session.scalars(select(GoodsEntry).where(GoodsEntry.source == "scholarship")).all()
    assert len(outs) == 20 and all(e.number.startswith("XK-2026-") and e.quantity == 10 for e in outs)
    assert {e.source_id for e in outs} == {n.id for n in noms}
    assert all(e.value == 50_000 for e in outs)  # 10 of 500 notebooks valued 2.500.000 đ
    assert {n.goods_entry_id for n in db.session.scalars(select(Nomination))} == {e.id for e in outs}
    assert "Bà Lê Thị Mai" in outs[0].counterparty and outs[0].basis == "15/QĐ-HKH"

    sheet = _pdf_text(client.get(f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan").data)
    assert "Hiện vật" in sheet and "10 quyển vở" in sheet
    assert "200 quyển vở" in sheet and "Tổng: 6.000.000 đ; 200 quyển vở" in sheet

    summary = client.get(f"/hoc-bong/{rnd.id}/tong-ket", htmx=htmx).get_data(as_text=True)
    assert "Hiện vật đã trao: 200 quyển vở" in summary and "đã chi trả 20 suất: 6.000.000 đ và 200 quyển vở" in summary
    pdf = _pdf_text(client.get(f"/hoc-bong/{rnd.id}/tong-ket.pdf").data)
    assert "Hiện vật đã trao: 200 quyển vở" in pdf
    detail = client.get(f"/hoc-bong/{rnd.id}")
    assert detail.status_code == 200 and rnd.name in detail.get_data(as_text=True)  # the round's page itself
    assert "trong kho còn" not in detail.get_data(as_text=True)  # nothing left to give

    one = noms[0]
    reverse = client.get(f"/hoc-bong/de-cu/{one.id}/hoan-chi", htmx=htmx)
    assert reverse.status_code == 200
    assert htmx or "Hiện vật: 10 quyển vở · phiếu xuất XK-2026-" in reverse.get_data(as_text=True)
    resp = client.post(f"/hoc-bong/de-cu/{one.id}/hoan-chi", data={"reason": "Ghi nhầm người nhận"}, htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    assert funds.balance(rnd.fund) == balance - 5_700_000 and _stock(world.commune) == 310
    one = db.session.get(Nomination, one.id)
    assert not one.is_paid and one.paid_entry_id is None and one.goods_entry_id is None
    back = db.session.scalar(select(GoodsEntry).where(GoodsEntry.source == "reversal"))
    assert back.direction == "in" and back.quantity == 10 and back.number is None
    assert "Cần 10 quyển vở, trong kho còn 310 quyển" in client.get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)


def test_paying_more_than_on_hand_is_refused_with_nothing_written(world, as_user):
    _, rnd, cat, noms = _year(world, per_award=30)  # 20 x 30 = 600 notebooks, 500 on hand
    balance = funds.balance(rnd.fund)
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    assert "Cần 600 quyển vở, trong kho còn 500 quyển" in page and "thiếu 100 quyển vở" in page
    for htmx in (False, True):
        resp = client.post(f"/hoc-bong/{rnd.id}/chi-tra", htmx=htmx, data={
            "idem_key": _key(page, "payout-form"), "ids": [n.id for n in noms], "paid_on": PAY_DAY,
            "control_total": "6.000.000"})
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422
        assert "Không đủ hiện vật trong kho" in body and "Cần 600 quyển vở, trong kho còn 500 quyển" in body
    # One by one: the 17th award finds 20 notebooks and is refused the same way.
    for n in noms[:16]:
        payout.pay(n, date(2026, 3, 12))
    db.session.commit()
    resp = client.post(f"/hoc-bong/de-cu/{noms[16].id}/chi", data={
        "idem_key": _key(page, f"pay-{noms[16].id}"), "paid_on": PAY_DAY})
    assert resp.status_code == 303
    db.session.expire_all()
    assert _stock(world.commune) == 20 and not db.session.get(Nomination, noms[16].id).is_paid
    assert _count(LedgerEntry, LedgerEntry.source == "scholarship") == 16  # the refused award wrote nothing
    assert _count(GoodsEntry, GoodsEntry.source == "scholarship") == 16
    assert funds.balance(rnd.fund) == balance - 16 * 300_000
    flashes = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    assert "Không đủ hiện vật" in flashes


def test_the_batch_is_all_or_nothing_when_one_item_runs_short(world):
    _, rnd, cat, noms = _year(world, pupils=3)
    bikes = make_category(rnd, 0, name="Tặng xe đạp", goods_item="xe đạp", goods_unit="chiếc", goods_quantity=1)
    n = make_nomination(rnd, make_pupil(world.commune), bikes)
    services.approve(rnd, [n])
    db.session.commit()
    with pytest.raises(services.RoundError, match="Cần 1 chiếc xe đạp, trong kho còn 0 chiếc") as err:
        payout.pay_many(rnd, noms + [n], date(2026, 3, 12), 900_000)
    assert err.value.field == "ids"
    db.session.rollback()
    assert _count(GoodsEntry, GoodsEntry.direction == "out") == 0
    assert _count(LedgerEntry, LedgerEntry.source == "scholarship") == 0


def test_goods_only_award_pays_with_a_zero_control_total(world, as_user):
    give_goods(world.commune, 5, 5_000_000, item="xe đạp", item_unit="chiếc")
    rnd = make_round(world.commune)
    cat = make_category(rnd, 0, name="Tặng xe đạp", goods_item="Xe đạp", goods_unit="Chiếc", goods_quantity=1)
    assert cat.goods == "1 chiếc Xe đạp" and cat.award_text == "1 chiếc Xe đạp"
    n = make_nomination(rnd, make_pupil(world.commune), cat)
    services.approve(rnd, [n])
    db.session.commit()
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    resp = client.post(f"/hoc-bong/{rnd.id}/chi-tra", data={
        "idem_key": _key(page, "payout-form"), "ids": [n.id], "paid_on": PAY_DAY, "control_total": "0"})
    assert resp.status_code == 303
    db.session.expire_all()
    n = db.session.get(Nomination, n.id)
    assert n.is_paid and n.paid_entry_id is None and n.goods_entry.quantity == 1
    assert goods.on_hand(world.commune, "xe dap", "chiếc") == 4


@pytest.mark.parametrize("htmx", [False, True])
def test_category_form_takes_the_goods_and_suggests_the_stock(world, as_user, htmx):
    give_goods(world.commune, 500, 2_500_000)
    rnd = make_round(world.commune)
    client = as_user(world.users["admin"])
    form = client.get(f"/hoc-bong/{rnd.id}/loai-moi", htmx=htmx).get_data(as_text=True)
    assert "Hiện vật kèm theo" in form and 'list="goods-stock-items"' in form
    assert '<option value="vở">vở: còn 500 quyển</option>' in form
    bad = client.post(f"/hoc-bong/{rnd.id}/loai-moi", htmx=htmx, data={
        "name": "Học bổng vượt khó", "kind": "hardship", "amount": "300.000", "goods_item": "vở",
        "goods_unit": "quyển", "goods_quantity": "mười"})
    assert bad.status_code == 422 and "Số lượng phải là số" in bad.get_data(as_text=True)
    missing = client.post(f"/hoc-bong/{rnd.id}/loai-moi", htmx=htmx, data={
        "name": "Học bổng vượt khó", "kind": "hardship", "amount": "300.000", "goods_item": "vở",
        "goods_quantity": "10"})
    assert missing.status_code == 422 and "Vui lòng nhập đơn vị tính" in missing.get_data(as_text=True)
    assert _count(AwardCategory) == 0
    resp = client.post(f"/hoc-bong/{rnd.id}/loai-moi", htmx=htmx, data={
        "name": "Học bổng vượt khó", "kind": "hardship", "amount": "300.000", "goods_item": "vở",
        "goods_unit": "Quyển", "goods_quantity": "10"})
    assert resp.status_code == (200 if htmx else 303)
    cat = db.session.scalar(select(AwardCategory))
    assert (cat.goods_item, cat.goods_unit, cat.goods_quantity, cat.goods) == ("vở", "quyển", 10, "10 quyển vở")
    edit = client.get(f"/hoc-bong/loai/{cat.id}/sua", htmx=htmx).get_data(as_text=True)
    assert 'name="goods_quantity"' in edit and 'value="10"' in edit
    # Once an award is approved, its goods (like its money) no longer change.
    n = make_nomination(rnd, make_pupil(world.commune), cat)
    services.approve(rnd, [n])
    db.session.commit()
    refused = client.post(f"/hoc-bong/loai/{cat.id}/sua", htmx=htmx, data={
        "name": "Học bổng vượt khó", "kind": "hardship", "amount": "300.000", "goods_item": "vở",
        "goods_unit": "quyển", "goods_quantity": "12"})
    assert refused.status_code == 422 and "thay vì đổi hiện vật" in refused.get_data(as_text=True)


def test_older_free_text_goods_are_shown_but_not_taken_from_the_stock(world):
    rnd = make_round(world.commune)
    cat = make_category(rnd, 500_000, goods="1 bộ sách giáo khoa")
    assert not cat.stock_goods and cat.award_text == "500.000 đ và 1 bộ sách giáo khoa"
    n = make_nomination(rnd, make_pupil(world.commune), cat)
    services.approve(rnd, [n])
    payout.pay(n, date(2026, 3, 12))
    db.session.commit()
    assert n.is_paid and n.goods_entry_id is None and _count(GoodsEntry) == 0
    # Editing the category without goods fields keeps its text.
    services.save_category(rnd, cat.name, cat.kind, cat.amount, None, None, cat)
    assert cat.goods == "1 bộ sách giáo khoa"


def test_summary_counts_goods_approved_and_handed_out(world):
    _, rnd, cat, noms = _year(world, pupils=4)
    payout.pay(noms[0], date(2026, 3, 12))
    db.session.commit()
    s = payout.summary(rnd)
    assert s["goods"] == "40 quyển vở" and s["goods_paid"] == "10 quyển vở"
    assert s["total_text"] == "1.200.000 đ và 40 quyển vở" and s["paid_text"] == "300.000 đ và 10 quyển vở"
    assert dict(s["by_category"])["Học bổng vượt khó"]["goods_paid"].text() == "10 quyển vở"
    assert [g["text"] for g in payout.goods_needs(rnd)] == ["Cần 30 quyển vở, trong kho còn 490 quyển"]


def test_quantities_are_read_the_vietnamese_way():
    from app.scholarships.award_goods import parse_quantity

    assert parse_quantity("1.830") == Decimal("1830")
    assert parse_quantity("2,5") == Decimal("2.5") and parse_quantity("2.5") == Decimal("2.5")
    assert parse_quantity(" 10 ") == 10 and parse_quantity("") is None
    for bad in ("0", "-1", "1,234", "abc", "2.000.000"):
        with pytest.raises(ValueError):
            parse_quantity(bad)
