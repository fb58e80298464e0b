"""Quick entry, double submit, void, closed campaigns, receipts."""
import re
import uuid

from sqlalchemy import func, select

from app.campaigns import services as campaign_services
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.funds.services import balance
from tests.factories_donations import make_campaign, make_donation


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    m = re.search(r'id="idem_key" name="idem_key" type="hidden" value="([0-9a-f]{32})"', html) or \
        re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html)
    return m.group(1)


def _data(campaign, key, **kw):
    data = {"idem_key": key, "campaign_id": campaign.id, "donation_date": "2026-09-07",
            "donor_name": "Nguyễn Thị Hồng Nhung", "donor_kind": "person", "address": "Ấp Tân Lộc",
            "phone": "", "amount": "1.250.000", "method": "cash", "collector_unit_id": "0"}
    data.update(kw)
    return data


def count(model=Donation):
    return db.session.scalar(select(func.count()).select_from(model))


def test_plain_post_records_donation_posts_one_receipt_and_redirects_303(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, "/quyen-gop/nhap")
    resp = client.post("/quyen-gop/nhap", data=_data(campaign, key))
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/quyen-gop/nhap")
    d = db.session.scalars(select(Donation)).one()
    assert d.amount == 1_250_000 and d.entry.number == "PT-2026-0001" and d.entry.source_id == d.id
    assert d.entry.source == "donation" and d.entry.counterparty == "Nguyễn Thị Hồng Nhung"
    assert campaign_services.campaign_total(campaign) == 1_250_000 == balance(campaign.fund)
    page = client.get("/quyen-gop/nhap").get_data(as_text=True)
    assert "PT-2026-0001" in page and "Nguyễn Thị Hồng Nhung" in page


def test_htmx_post_returns_blank_form_with_new_row_and_remembers_campaign_and_date(world, as_user):
    make_campaign(world.commune, "Đợt khác")
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, "/quyen-gop/nhap")
    resp = client.post("/quyen-gop/nhap", data=_data(campaign, key), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html and 'id="quick-entry"' in html
    assert "PT-2026-0001" in html and "Nguyễn Thị Hồng Nhung" in html
    assert 'value="Nguyễn Thị Hồng Nhung"' not in html  # the form came back blank
    assert re.search(r'name="donor_name"[^>]*autofocus|autofocus[^>]*name="donor_name"', html)
    # Enter presses the first submit button of the form: it must be "Lưu"
    first_button = re.search(r'<button type="submit"[^>]*>([^<]*)<', html.split('id="donation-form"')[1]).group(1)
    assert first_button.startswith("Lưu")
    assert key not in html  # a fresh key for the next gift
    assert 'value="2026-09-07"' in html
    assert re.search(rf'<option selected value="{campaign.id}"|<option value="{campaign.id}" selected', html)
    # and on a later visit too
    page = client.get("/quyen-gop/nhap").get_data(as_text=True)
    assert 'value="2026-09-07"' in page


def test_double_submit_creates_one_donation(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, "/quyen-gop/nhap")
    first = client.post("/quyen-gop/nhap", data=_data(campaign, key))
    second = client.post("/quyen-gop/nhap", data=_data(campaign, key))
    assert first.status_code == second.status_code == 303
    assert count() == 1 and count(LedgerEntry) == 1


def test_invalid_entry_answers_422_with_input_kept_and_writes_nothing(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, "/quyen-gop/nhap")
    resp = client.post("/quyen-gop/nhap", data=_data(campaign, key, amount="12abc"), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'value="Nguyễn Thị Hồng Nhung"' in html and "<html" not in html
    assert count() == 0


def test_in_kind_gift_needs_an_item_and_shows_it(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, "/quyen-gop/nhap")
    resp = client.post("/quyen-gop/nhap", data=_data(campaign, key, method="in_kind", amount="600.000"))
    assert resp.status_code == 422 and count() == 0
    resp = client.post("/quyen-gop/nhap", data=_data(campaign, key, method="in_kind", amount="600.000",
                                                      item="vở", quantity="50", item_unit="quyển"))
    assert resp.status_code == 303
    d = db.session.scalars(select(Donation)).one()
    # Goods are not cash: no phiếu thu, a goods entry (biên bản giao nhận) instead (issue 13).
    assert d.in_kind_text == "50 quyển vở" and d.entry is None
    assert d.goods_entry.number == "GN-2026-0001" and "50 quyển vở" in d.goods_entry.description


def test_closed_campaign_refuses_money(world, as_user):
    campaign = make_campaign(world.commune)
    campaign_services.set_status(campaign, "closed")
    db.session.commit()
    try:
        make_donation(campaign)
    except Exception as err:
        assert "đã kết thúc" in str(err)
    else:
        raise AssertionError("a closed campaign took money")
    db.session.rollback()
    assert count() == 0 and count(LedgerEntry) == 0
    # and through the page: the closed campaign is not offered, a forged id is refused
    client = as_user(world.users["clerk"])
    page = client.get("/quyen-gop/nhap").get_data(as_text=True)
    assert "Chưa có đợt vận động nào đang mở" in page
    resp = client.post("/quyen-gop/nhap", data=_data(campaign, uuid.uuid4().hex))
    assert resp.status_code == 422 and count() == 0


def test_void_reverses_entry_drops_totals_and_cannot_repeat(world, as_user):
    campaign = make_campaign(world.commune)
    keep = make_donation(campaign, 300_000)
    gone = make_donation(campaign, 700_000, name="Lê Văn Tám")
    assert campaign_services.campaign_total(campaign) == 1_000_000 == balance(campaign.fund)
    client = as_user(world.users["treasurer"])
    page = client.get(f"/quyen-gop/{gone.id}/huy")
    assert page.status_code == 200 and "hx-confirm" in page.get_data(as_text=True)
    refused = client.post(f"/quyen-gop/{gone.id}/huy", data={"reason": ""})
    assert refused.status_code == 422
    resp = client.post(f"/quyen-gop/{gone.id}/huy", data={"reason": "Ghi trùng với phiếu khác"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert campaign_services.campaign_total(campaign) == 300_000 == balance(campaign.fund)
    gone = db.session.get(Donation, gone.id)
    assert gone.voided and gone.void_reason == "Ghi trùng với phiếu khác"
    reversal = db.session.scalars(select(LedgerEntry).where(LedgerEntry.reversal_of_id == gone.entry_id)).one()
    assert reversal.amount == 700_000 and reversal.direction == "out"
    again = client.post(f"/quyen-gop/{gone.id}/huy", data={"reason": "Lần nữa"})
    assert again.status_code == 303
    assert count(LedgerEntry) == 3
    listing = client.get(f"/quyen-gop/?dot={campaign.id}&da_huy=1").get_data(as_text=True)
    assert "<del>" in listing and "Ghi trùng với phiếu khác" in listing
    assert keep.id


def test_clerk_cannot_void(world, as_user):
    d = make_donation(make_campaign(world.commune))
    client = as_user(world.users["clerk"])
    assert client.post(f"/quyen-gop/{d.id}/huy", data={"reason": "x"}).status_code == 403


def test_list_filters_without_diacritics_and_totals_filtered_set(world, as_user):
    campaign = make_campaign(world.commune)
    make_donation(campaign, 200_000, name="Đặng Thị Ánh")
    make_donation(campaign, 300_000, name="Phạm Văn Bình", method="transfer")
    client = as_user(world.users["viewer"])
    html = client.get("/quyen-gop/?nguoi=dang thi anh", htmx=True).get_data(as_text=True)
    assert "Đặng Thị Ánh" in html and "Phạm Văn Bình" not in html and "200.000" in html
    html = client.get("/quyen-gop/?hinh_thuc=transfer").get_data(as_text=True)
    assert "Phạm Văn Bình" in html and "Đặng Thị Ánh" not in html


def test_campaign_pages_show_meter_raised_and_donor_count(world, as_user):
    campaign = make_campaign(world.commune, target=1_000_000)
    make_donation(campaign, 250_000)
    client = as_user(world.users["viewer"])
    for url in ("/dot-van-dong/", f"/dot-van-dong/{campaign.id}"):
        html = client.get(url).get_data(as_text=True)
        assert '<meter' in html and 'value="250000"' in html and 'max="1000000"' in html
        assert "style=" not in html
    frag = client.get(f"/dot-van-dong/{campaign.id}", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "250.000" in frag


def test_create_close_reopen_campaign(world, as_user):
    client = as_user(world.users["treasurer"])
    resp = client.post("/dot-van-dong/moi", data={"name": "Ngày Khuyến học Việt Nam 2/10", "unit_id": world.commune.id,
                                                  "fund_id": "0", "kind": "fund_drive", "target_amount": "50.000.000",
                                                  "start_date": "2026-10-01", "end_date": "2026-10-02"})
    assert resp.status_code == 303
    from app.campaigns.models import Campaign

    c = db.session.scalars(select(Campaign)).one()
    assert c.target_amount == 50_000_000 and c.fund.name == "Quỹ khuyến học" and c.is_open
    assert client.get(f"/dot-van-dong/{c.id}/ket-thuc").status_code == 200
    assert client.post(f"/dot-van-dong/{c.id}/ket-thuc").status_code == 303
    db.session.expire_all()
    assert not db.session.get(Campaign, c.id).is_open
    assert client.post(f"/dot-van-dong/{c.id}/mo-lai", htmx=True).headers.get("HX-Redirect")
    db.session.expire_all()
    assert db.session.get(Campaign, c.id).is_open
    bad = client.post("/dot-van-dong/moi", data={"name": "", "unit_id": world.commune.id, "kind": "fund_drive"})
    assert bad.status_code == 422


def test_receipt_pdf_holds_payer_amount_in_words_and_diacritics(world, as_user, tmp_path):
    import shutil
    import subprocess

    import pytest

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    campaign = make_campaign(world.commune, "Tháng Khuyến học 2026")
    d = make_donation(campaign, 1_250_000, name="Huỳnh Thị Mỹ Duyên", address="Ấp Hòa Bình, xã Lai Vung")
    client = as_user(world.users["viewer"])
    detail = client.get(f"/quyen-gop/{d.id}").get_data(as_text=True)
    assert f"/quy/but-toan/{d.entry_id}/phieu.pdf" in detail
    pdf = client.get(f"/quy/but-toan/{d.entry_id}/phieu.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for needle in ("PHIẾU THU", "PT-2026-0001", "Huỳnh Thị Mỹ Duyên", "Ấp Hòa Bình, xã Lai Vung",
                   "Tháng Khuyến học 2026", "1.250.000", "Một triệu hai trăm năm mươi nghìn đồng",
                   "Người lập phiếu", "Thủ quỹ", "Người nộp tiền"):
        assert needle.lower() in flat.lower(), needle
