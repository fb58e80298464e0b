"""Gifts in kind go to the goods register, never to the cash balance (issue 13, finding 1)."""
import io
import re
import shutil
import subprocess
import unicodedata
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.donations import services as donations
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.funds.services import balance, default_fund
from app.goods import services as goods
from app.goods.models import GoodsEntry
from tests.factories_donations import gifts_xlsx, make_campaign, make_donation, make_donor
from tests.factories_goods import gift_in_kind, hand_out

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@needs_pdftotext
def test_finding_1_fifty_notebooks_in_kind_leave_the_cash_balance_alone_and_get_a_bien_ban(world, as_user):
    """50 notebooks given in kind (valued 500.000 đ) do not change the Quỹ khuyến học cash balance and
    get a biên bản giao nhận, not a phiếu thu saying "Đã nhận đủ số tiền".

    Before issue 13, record_donation() posted every method as fund income: the balance became 500.000 đ
    and the donation page printed the phiếu thu, so the first assertion on the balance failed."""
    campaign = make_campaign(world.commune)
    fund = default_fund(world.commune)
    make_donation(campaign, 200_000)  # a cash gift beside it, as a positive control
    db.session.commit()
    assert balance(fund) == 200_000
    client = as_user(world.users["clerk"])
    html = client.get("/quyen-gop/nhap").get_data(as_text=True)
    key = re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)
    resp = client.post("/quyen-gop/nhap", data={
        "idem_key": key, "campaign_id": campaign.id, "donation_date": "2026-09-07",
        "donor_name": "Công ty TNHH Hồng Phát", "donor_kind": "business", "address": "Thị trấn Lai Vung",
        "amount": "500.000", "method": "in_kind", "item": "vở", "quantity": "50", "item_unit": "quyển",
        "collector_unit_id": "0"})
    assert resp.status_code == 303
    gift = db.session.scalars(select(Donation).where(Donation.method == "in_kind")).one()

    assert balance(fund) == 200_000  # the cash count still matches the book
    assert gift.entry_id is None and _count(LedgerEntry) == 1
    row = next(r for r in goods.stock(world.commune) if r["item_key"] == "vo")
    assert (row["on_hand"], row["value_on_hand"]) == (Decimal(50), 500_000)

    page = client.get(f"/quyen-gop/{gift.id}").get_data(as_text=True)
    assert f"/hien-vat/{gift.goods_entry_id}/phieu.pdf" in page and "/quy/but-toan/" not in page
    paper = client.get(f"/hien-vat/{gift.goods_entry_id}/phieu.pdf")
    text = _pdf_text(paper.data)
    assert "BIÊN BẢN GIAO NHẬN HIỆN VẬT" in text and gift.goods_entry.number in text
    assert "PHIẾU THU" not in text and "Đã nhận đủ số tiền" not in text
    assert "Năm trăm nghìn đồng" in text and "50" in text and "quyển" in text


def test_a_gift_in_kind_needs_quantity_and_unit(world):
    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune)
    for kw, field in (({"item": "vở", "item_unit": "quyển"}, "quantity"), ({"item": "vở", "quantity": "5"}, "item_unit"),
                      ({"quantity": "5", "item_unit": "quyển"}, "item"),
                      ({"item": "vở", "quantity": "0", "item_unit": "quyển"}, "quantity")):
        with pytest.raises(donations.DonationError) as err:
            donations.record_donation(campaign, donor, 100_000, donation_date=date(2026, 9, 5), method="in_kind", **kw)
        assert err.value.field == field
        db.session.rollback()
    assert _count(Donation) == 0 and _count(GoodsEntry) == 0


def test_voiding_a_gift_in_kind_reverses_its_goods_entry_not_the_cash(world):
    campaign = make_campaign(world.commune)
    gift = gift_in_kind(campaign, 50, 500_000)
    donations.void_donation(gift, "Ghi trùng")
    db.session.commit()
    assert gift.voided and goods.is_reversed(gift.goods_entry)
    assert goods.on_hand(world.commune, "vo", "quyển") == 0 and _count(LedgerEntry) == 0


def test_voiding_a_gift_in_kind_partly_handed_out_is_refused_beside_the_reason(world, as_user):
    campaign = make_campaign(world.commune)
    gift = gift_in_kind(campaign, 50, 500_000)
    hand_out(world.commune, 20)
    client = as_user(world.users["treasurer"])
    resp = client.post(f"/quyen-gop/{gift.id}/huy", data={"reason": "Nhận nhầm"}, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Không thể hủy" in html and 'id="reason-err"' in html
    db.session.refresh(gift)
    assert not gift.voided and not goods.is_reversed(gift.goods_entry)
    assert goods.on_hand(world.commune, "vo", "quyển") == 30


def test_bulk_entry_splits_money_and_goods(world):
    campaign = make_campaign(world.commune)
    donor = make_donor(world.commune)
    ids = donations.record_donations_bulk(campaign, [
        {"donor": donor, "amount": 300_000, "donation_date": date(2026, 9, 9)},
        {"donor": donor, "amount": 900_000, "donation_date": date(2026, 9, 8), "method": "in_kind", "item": "gạo",
         "quantity": "30", "item_unit": "kg"},
        {"donor": donor, "amount": 100_000, "donation_date": date(2026, 9, 2), "method": "in_kind", "item": "gạo",
         "quantity": "10", "item_unit": "kg"}])
    db.session.commit()
    rows = {d.id: d for d in db.session.scalars(select(Donation))}
    cash, late, early = (rows[i] for i in ids)
    assert cash.entry_id and cash.goods_entry_id is None
    assert late.entry_id is None and early.entry_id is None
    # GN numbers follow the dates, like bulk PT numbers do.
    assert (early.goods_entry.number, late.goods_entry.number) == ("GN-2026-0001", "GN-2026-0002")
    assert balance(campaign.fund) == 300_000 and goods.on_hand(world.commune, "gao", "kg") == 40
    with pytest.raises(donations.DonationError) as err:
        donations.record_donations_bulk(campaign, [
            {"donor": donor, "amount": 1, "donation_date": date(2026, 9, 9), "method": "in_kind", "item": "gạo",
             "item_unit": "kg"}])
    assert err.value.row == 0 and err.value.field == "quantity"


def test_import_reads_quantity_and_unit_and_posts_goods(world, as_user):
    campaign = make_campaign(world.commune, "Tháng Khuyến học 2026")
    client = as_user(world.users["clerk"])
    rows = [["05/09/2026", "Bà Tư", "Cá nhân", "", "", 600000, "Hiện vật", "vở", "Tháng Khuyến học 2026", "", "",
             60, "quyển"],
            ["05/09/2026", "Ông Năm", "Cá nhân", "", "", 100000, "Hiện vật", "gạo", "Tháng Khuyến học 2026", "", ""]]
    resp = client.post("/quyen-gop/nhap-excel", data={"idem_key": uuid.uuid4().hex,
                                                      "file": (io.BytesIO(gifts_xlsx(rows)), "x.xlsx")},
                       content_type="multipart/form-data")
    preview = resp.headers["Location"]
    html = client.get(preview).get_data(as_text=True)
    assert "Thiếu số lượng hiện vật" in html and "Thiếu đơn vị tính" in html and "1</strong> dòng hợp lệ" in html
    key = re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', html)
    assert client.post(preview, data={"idem_key": key.group(1) if key else uuid.uuid4().hex}).status_code == 303
    gift = db.session.scalars(select(Donation)).one()
    assert gift.entry_id is None and gift.goods_entry.quantity == 60 and gift.goods_entry.item_unit == "quyển"
    assert _count(LedgerEntry) == 0
