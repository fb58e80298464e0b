"""The disclosure shows goods in kind apart from the money, with both together; snapshots taken
before goods existed still render as they were published."""
import copy
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from app.disclosure import honour, report, services, snapshot
from app.extensions import db
from app.funds import services as funds
from app.goods import services as goods
from tests.disclosure import data

YEAR = data.YEAR

# A snapshot as version 1 stored it before the goods register: the notebooks given in kind were a
# fund income, listed among the campaign's money with their goods named.
OLD_SNAPSHOT = {
    "version": 1, "year": YEAR,
    "unit": {"id": None, "name": "Hội Khuyến học xã Tân Phú", "parent": "Hội Khuyến học tỉnh Thử Nghiệm"},
    "funds": [{"id": None, "name": "Quỹ khuyến học", "opening": 3_400_000, "income": 5_250_000,
               "spending": 2_700_000, "closing": 5_550_000}],
    "income": [{"title": "Tháng Khuyến học 2025", "note": "Hội Khuyến học xã Tân Phú", "campaign_id": None,
                "lines": [{"name": "Nguyễn Văn An", "amount": 2_000_000, "gifts": 2, "in_kind": "",
                           "anonymous": False, "kind": "donor"},
                          {"name": "Nhà sách Phương Nam", "amount": 1_000_000, "gifts": 1, "in_kind": "50 quyển vở",
                           "anonymous": False, "kind": "donor"}]}],
    "spending": [{"purpose": "Mua tủ sách", "basis": "45/QĐ-HKH", "count": 1, "amount": 300_000,
                  "kind": "payment", "first_date": "2025-12-01"}],
    "adjustments": [],
}


def _public(app, unit, htmx=False):
    resp = app.test_client().get(f"/cong-khai/{unit.id}/{YEAR}", htmx=htmx)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _pdftext(data_: bytes) -> str:
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=data_, capture_output=True,
                                   check=True).stdout.decode().split())


def test_a_snapshot_from_before_goods_still_renders_as_published(world, as_user, app):
    s = data.build(world)
    as_user(world.users["admin"]).post(f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}/cong-bo")
    pub = services.published(s.unit, YEAR)
    old = copy.deepcopy(OLD_SNAPSHOT)
    old["unit"]["id"] = s.unit.id
    pub.snapshot = old
    db.session.commit()
    for htmx in (False, True):
        html = _public(app, s.unit, htmx)
        assert "Nhà sách Phương Nam" in html and "Hiện vật: 50 quyển vở" in html
        assert "trong đó hiện vật quy ra tiền 1.000.000 đ" in html and "5.550.000 đ" in html
        assert "Hiện vật đã tiếp nhận" not in html and "Hiện vật còn trong kho" not in html
    assert snapshot.dump(snapshot.load(old)) == old  # loading adds nothing: its digest stays
    if shutil.which("pdftotext"):
        pdf = app.test_client().get(f"/cong-khai/{s.unit.id}/{YEAR}.pdf")
        assert pdf.status_code == 200
        text = _pdftext(pdf.data)
        assert "50 quyển vở" in text and "trong đó hiện vật quy ra tiền: 1.000.000 đ" in text
        assert "HIỆN VẬT TRONG KHO" not in text


def test_a_report_without_goods_keeps_its_snapshot_shape(world):
    s = data.build(world)
    branch = report.build(world.branch, YEAR)  # money only: the transfer from the commune
    assert not branch.has_goods and "goods" not in snapshot.dump(branch)
    assert "goods" not in branch.figures()
    commune = snapshot.dump(report.build(s.unit, YEAR))  # the positive control: it has the notebooks
    assert commune["goods"]["income"][0]["lines"][0]["in_kind"] == "50 quyển vở"


def test_goods_received_and_handed_out_are_shown_apart_and_together(world, as_user, app):
    s = data.build(world)
    goods.give_out(s.unit, item="vở", item_unit="quyển", quantity=20, entry_date=data.d(10, 5),
                   recipient="Phạm Thị Riêng Tư", purpose="Phát vở cho học sinh khó khăn", basis="46/QĐ-HKH")
    wrong = goods.give_out(s.unit, item="vở", item_unit="quyển", quantity=5, entry_date=data.d(10, 6),
                           recipient="Ghi nhầm", purpose="Ghi nhầm")
    goods.reverse(wrong, "Ghi nhầm", entry_date=data.d(10, 7))
    db.session.commit()
    rep = report.build(s.unit, YEAR)
    assert (rep.income_total, rep.goods_income_total, rep.received_total) == (4_250_000, 1_000_000, 5_250_000)
    [line] = rep.goods_given
    assert (line.purpose, line.basis, line.count, line.amount, line.items) == (
        "Phát vở cho học sinh khó khăn", "46/QĐ-HKH", 1, 400_000, "20 quyển vở")
    assert rep.goods_opening + rep.goods_income_total - rep.goods_given_total + rep.goods_adjustment \
        == rep.goods_closing == 600_000
    frozen = snapshot.load(snapshot.dump(rep))
    assert snapshot.dump(frozen) == snapshot.dump(rep) and frozen.goods_given[0].items == "20 quyển vở"
    as_user(world.users["admin"]).post(f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}/cong-bo")
    for htmx in (False, True):
        html = _public(app, s.unit, htmx)
        assert "Tiền đã tiếp nhận: <strong>4.250.000 đ</strong>" in html
        assert "Hiện vật đã tiếp nhận, quy ra tiền: <strong>1.000.000 đ</strong>" in html
        assert "Tổng số đã tiếp nhận (tiền và hiện vật): <strong>5.250.000 đ</strong>" in html
        assert "Phát vở cho học sinh khó khăn" in html and "20 quyển vở" in html and "400.000 đ" in html
        assert "Phạm Thị Riêng Tư" not in html and "Ghi nhầm" not in html  # recipients are never named
        assert "Tồn cuối năm (31/12/2025): <strong>600.000 đ</strong>" in html
    if shutil.which("pdftotext"):
        text = _pdftext(app.test_client().get(f"/cong-khai/{s.unit.id}/{YEAR}.pdf").data)
        assert "Hiện vật đã trao (quy ra tiền)" in text and "20 quyển vở" in text
        assert "Tổng số đã chi, trao (tiền và hiện vật): 3.100.000 đ" in text
        assert "Phạm Thị Riêng Tư" not in text


RUN_DAY = date(2026, 12, 6)


def _old_way_gift(campaign, donor, amount, day):
    from app.donations import services as donations
    from app.donations.models import Donation

    donation = Donation(unit_id=campaign.unit_id, campaign_id=campaign.id, donor_id=donor.id, donation_date=day,
                        amount=amount, method="in_kind", item="xe đạp", quantity=Decimal(2), item_unit="chiếc")
    db.session.add(donation)
    db.session.flush()
    donation.entry = funds.post_income(campaign.fund, amount, entry_date=day, source="donation",
                                       source_id=donation.id, counterparty=donor.name,
                                       description=donations.purpose_text(campaign, donation), method="in_kind")
    db.session.commit()
    return donation


def _move():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0013_goods.py"
    spec = importlib.util.spec_from_file_location("migration_0013_goods_disclosure", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.move_in_kind_gifts(db.session.connection(), RUN_DAY)
    db.session.commit()
    db.session.expire_all()


def test_a_gift_in_kind_recorded_as_cash_is_listed_once_with_the_goods(world, as_user):
    s = data.build(world)
    _old_way_gift(s.campaign, s.shop, 3_000_000, data.d(9, 10))
    _move()
    rep = report.build(s.unit, YEAR)
    # The 2025 books held the bicycles as a phiếu thu until the move (6/12/2026): the fund's figures
    # say so, the lists name them once, among the goods, and say why the two differ.
    assert rep.funds[0].income == 4_250_000 - 400_000 + 3_000_000 and rep.closing == 4_550_000 + 3_000_000
    assert all("xe đạp" not in ln.in_kind for g in rep.income for ln in g.lines)
    shop = [ln for g in rep.goods_income for ln in g.lines if ln.name == "Nhà sách Phương Nam"]
    assert [(ln.amount, ln.gifts) for ln in shop] == [(4_000_000, 2)] and "2 chiếc xe đạp" in shop[0].in_kind
    assert rep.moved_in_kind == 3_000_000
    html = as_user(world.users["admin"]).get(f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}").get_data(as_text=True)
    assert 'id="moved-in-kind"' in html and "3.000.000 đ" in html
    # 2026: the move takes the income back out of the fund, an adjustment, never a payment.
    nxt = report.build(s.unit, YEAR + 1)
    assert [a.amount for a in nxt.adjustments] == [-3_000_000] and nxt.spending_total == 0
    assert nxt.closing == funds.balance(s.fund) == 4_550_000
    assert nxt.goods_opening == 4_000_000 and nxt.moved_in_kind == 0
    # The honour roll still thanks the giver for both gifts in kind.
    rows = {r["name"]: r for r in honour.year_rows(s.unit, YEAR)}
    assert rows["Nhà sách Phương Nam"]["amount"] == 4_000_000
    assert rows["Nhà sách Phương Nam"]["goods_value"] == 4_000_000


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_honour_roll_pdf_says_how_much_came_in_kind(world, as_user):
    s = data.build(world)
    client = as_user(world.users["admin"])
    for url in (f"/cong-khai/so-vang/{s.unit.id}/{YEAR}.pdf", f"/cong-khai/so-vang/dot/{s.campaign.id}.pdf"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        text = _pdftext(resp.data)
        assert "Nhà sách Phương Nam" in text and "50 quyển vở" in text
        assert "Trong đó: tiền 4.000.000 đ, hiện vật quy ra tiền 1.000.000 đ." in text
