"""Printed phiếu thu / phiếu chi, read back with pdftotext."""
import shutil
import subprocess
import unicodedata

import pytest

from app.extensions import db
from app.funds import services
from tests.factories_funds import fund_world, give

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
PAYER = "Nguyễn Thị Ánh Tuyết - Trịnh Đức Hưng - Lê Ngọc Ẩn, Hồ Xuân Hương ỷ ỹ ỵ ắ ằ ẳ ẵ ặ ữ ự ờ"


def _text(pdf, tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout).split())


def test_receipt_pdf_has_amount_in_words_and_payer_name(world, as_user, tmp_path):
    fund = fund_world(world).own
    entry = give(fund, 1_250_000, counterparty=PAYER, counterparty_address="Ấp Tân Lộc, xã Tân Phú")
    resp = as_user(world.users["viewer"]).get(f"/quy/but-toan/{entry.id}/phieu.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _text(resp.data, tmp_path)
    assert "PHIẾU THU" in text and entry.number in text
    assert "Một triệu hai trăm năm mươi nghìn đồng" in text
    # pdftotext may drop spaces between lone accented letters: compare without spaces.
    assert PAYER.replace(" ", "") in text.replace(" ", "")
    for label in ("Người lập phiếu", "Thủ quỹ", "Người nộp tiền"):
        assert label in text
    assert "ĐÃ HỦY" not in text


def test_voided_payment_voucher_says_so(world, as_user, tmp_path):
    f = fund_world(world)
    services.reverse(f.own_payment, "Chi trùng")
    db.session.commit()
    text = _text(as_user(world.users["viewer"]).get(f"/quy/but-toan/{f.own_payment.id}/phieu.pdf").data, tmp_path)
    assert "PHIẾU CHI" in text and "ĐÃ HỦY" in text and "Chi trùng" in text
    assert "Người nhận tiền" in text and "Chủ tịch" in text and "15/QĐ-HKH" in text
