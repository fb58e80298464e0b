"""Payout: each payment is a phiếu chi on the round's fund; control totals; reversal; double submits."""
import re
import subprocess
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.scholarships import payout, services
from app.scholarships.models import APPROVED
from tests.conftest import login
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

PAY_DAY = "2026-03-12"


def _approved(world, names, amount=700_000, fund_money=10_000_000, goods=""):
    rnd = make_round(world.commune, budget=20_000_000, fund_money=fund_money)
    cat = make_category(rnd, amount, goods=goods)
    school = make_school(world.commune, "Trường THCS Lai Vung")
    noms = [make_nomination(rnd, make_pupil(world.commune, n, school=school, class_name="7A1"), cat) for n in names]
    services.approve(rnd, noms)
    db.session.commit()
    return rnd, noms


def _key(html, form_id):
    block = html[html.index(f'id="{form_id}"'):]
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', block).group(1)


def test_bulk_payment_posts_one_voucher_per_award_and_lowers_the_balance(world, as_user):
    rnd, noms = _approved(world, ["Lê Thị An", "Trần Văn Bình"])
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    data = {"idem_key": _key(page, "payout-form"), "ids": [n.id for n in noms], "paid_on": PAY_DAY,
            "control_total": "1.400.000"}
    assert client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=data).status_code == 303
    assert client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=data).status_code == 303  # double submit
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source == "scholarship")).all()
    assert len(entries) == 2 and all(e.number.startswith("PC-2026-") for e in entries)
    assert {e.source_id for e in entries} == {n.id for n in noms}
    assert funds.balance(rnd.fund) == 10_000_000 - 1_400_000


def test_control_total_mismatch_refuses_the_whole_batch(world, as_user):
    rnd, noms = _approved(world, ["Lê Thị An", "Trần Văn Bình"])
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    resp = client.post(f"/hoc-bong/{rnd.id}/chi-tra", data={
        "idem_key": _key(page, "payout-form"), "ids": [n.id for n in noms], "paid_on": PAY_DAY,
        "control_total": "1.000.000"})
    assert resp.status_code == 422 and "không khớp" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.source == "scholarship")) == 0


def test_one_by_one_payment_is_created_once_on_double_submit(world, as_user):
    rnd, noms = _approved(world, ["Lê Thị An"])
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    data = {"idem_key": _key(page, f"pay-{noms[0].id}"), "paid_on": PAY_DAY}
    for _ in range(2):
        assert client.post(f"/hoc-bong/de-cu/{noms[0].id}/chi", data=data).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.source == "scholarship")) == 1


def test_payment_refused_when_the_fund_was_spent_elsewhere(world):
    rnd, noms = _approved(world, ["Lê Thị An"], fund_money=1_000_000)
    funds.post_payment(rnd.fund, 600_000, entry_date=date(2026, 3, 11), recipient="Nhà sách", purpose="Mua vở")
    db.session.commit()
    with pytest.raises(funds.FundError, match="không đủ"):  # the fund's refusal goes through as it is
        payout.pay(noms[0], date(2026, 3, 12))
    db.session.rollback()


def test_paid_award_is_reversed_with_a_reason_never_unpaid(app, world, as_user):
    rnd, noms = _approved(world, ["Lê Thị An"])
    payout.pay(noms[0], date(2026, 3, 12))
    db.session.commit()
    client = as_user(world.users["admin"])
    resp = client.post(f"/hoc-bong/{rnd.id}/quyet-dinh", data={"act": "reject", "ids": [noms[0].id],
                                                              "reason": "Đổi ý"})
    assert resp.status_code == 422
    db.session.expire_all()
    assert noms[0].status == APPROVED and noms[0].is_paid
    client = app.test_client()
    login(client, world.users["treasurer"])
    assert client.post(f"/hoc-bong/de-cu/{noms[0].id}/hoan-chi", data={"reason": ""}).status_code == 422
    assert client.post(f"/hoc-bong/de-cu/{noms[0].id}/hoan-chi",
                       data={"reason": "Ghi nhầm người nhận"}).status_code == 303
    db.session.expire_all()
    assert not noms[0].is_paid and funds.balance(rnd.fund) == 10_000_000
    reversal = db.session.scalar(select(LedgerEntry).where(LedgerEntry.source == "reversal"))
    assert reversal.description == "Ghi nhầm người nhận"


def test_goods_only_award_is_marked_paid_without_a_ledger_entry(world):
    rnd = make_round(world.commune)
    cat = make_category(rnd, 0, goods="10 quyển vở")
    n = make_nomination(rnd, make_pupil(world.commune), cat)
    services.approve(rnd, [n])
    payout.pay(n, date(2026, 3, 12))
    db.session.commit()
    assert n.is_paid and n.paid_entry_id is None


NAMES = ["Trần Văn Ánh", "Lê Thị An", "Âu Dương Minh Anh", "Tôn Nữ Thị Minh Khuê", "Nguyễn Thị Ẩn",
         "Phạm Quỳnh Anh", "Đặng Thị Ngọc Ánh", "Hoàng Phủ Ngọc Tường", "Bùi Thị Ưng", "Lê Văn Đức"]


def test_signing_sheet_pdf_is_in_vietnamese_order_with_every_diacritic(world, as_user):
    rnd, noms = _approved(world, NAMES, goods="10 quyển vở")
    client = as_user(world.users["viewer"])
    resp = client.get(f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=resp.data, capture_output=True,
                          check=True).stdout.decode()
    # Given name first (An < Anh < Ánh < Ẩn ...), then middle name (Thị Ngọc < Văn), then family name.
    expected = ["Lê Thị An", "Âu Dương Minh Anh", "Phạm Quỳnh Anh", "Đặng Thị Ngọc Ánh", "Trần Văn Ánh",
                "Nguyễn Thị Ẩn", "Lê Văn Đức", "Tôn Nữ Thị Minh Khuê", "Hoàng Phủ Ngọc Tường", "Bùi Thị Ưng"]
    positions = [text.index(name) for name in expected]
    assert positions == sorted(positions)
    assert "DANH SÁCH KÝ NHẬN" in text and "Trang 1 / " in text
    assert "7.000.000" in text and "Bảy triệu đồng" in text
    assert "10 quyển vở" in text and "Ký nhận" in text


def test_signing_sheet_repeats_header_and_numbers_pages(world, as_user):
    rnd, noms = _approved(world, [f"Nguyễn Văn {g}" for g in ["An", "Bình", "Cường", "Dũng", "Giang"] * 8],
                          amount=100_000)
    resp = as_user(world.users["viewer"]).get(f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=resp.data, capture_output=True,
                          check=True).stdout.decode()
    pages = text.split("\f")
    real = [p for p in pages if p.strip()]
    assert len(real) >= 2
    with_rows = [p for p in real if "Nguyễn Văn" in p]
    assert len(with_rows) >= 2 and all("Họ và tên" in p for p in with_rows)  # header row on every page
    assert f"Trang 2 / {len(real)}" in text


def test_summary_page_and_pdf_carry_the_report_sentence(world, as_user):
    rnd, noms = _approved(world, ["Lê Thị An", "Trần Văn Bình", "Võ Thị Cúc"], amount=500_000)
    client = as_user(world.users["viewer"])
    page = client.get(f"/hoc-bong/{rnd.id}/tong-ket").get_data(as_text=True)
    assert "Trao 3 suất học bổng cho học sinh có hoàn cảnh khó khăn, tổng số tiền 1.500.000 đồng" in page
    assert "Trường THCS Lai Vung" in page and "THCS" in page
    pdf = client.get(f"/hoc-bong/{rnd.id}/tong-ket.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert "tổng số tiền 1.500.000 đồng" in " ".join(text.split())


def test_a_long_signing_sheet_is_printed_in_the_background_not_in_the_request(world, as_user, monkeypatch):
    """No web request prints for more than 2 s: past sheet.DIRECT_MAX rows the GET offers a print job."""
    from app.printing.models import PrintJob
    from app.scholarships import sheet

    monkeypatch.setattr(sheet, "DIRECT_MAX", 3)
    rnd, _ = _approved(world, NAMES[:5])
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        page = client.get(f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan", htmx=htmx)
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and page.mimetype == "text/html"
        assert "Tài liệu có 5 dòng" in body and "In trong nền" in body and ("<html" in body) != htmx
    resp = client.post(f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan/in-nen")
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = db.session.get(PrintJob, int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == "done", job.error  # tests run the queue immediately
    pdf = client.get(f"/in-an/{job.id}/tai-ve")
    assert pdf.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True,
                          check=True).stdout.decode()
    assert "DANH SÁCH KÝ NHẬN" in text and all(name in text for name in NAMES[:5])
    # Three rows or fewer still come straight back as the PDF.
    monkeypatch.setattr(sheet, "DIRECT_MAX", 5)
    assert client.get(f"/hoc-bong/{rnd.id}/danh-sach-ky-nhan").mimetype == "application/pdf"
