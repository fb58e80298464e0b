"""The goods papers, read back with pdftotext: biên bản giao nhận hiện vật and phiếu xuất hiện vật."""
import shutil
import subprocess
import unicodedata

import pytest

from app.donations import services as donations
from app.extensions import db
from app.goods import services as goods
from tests.factories_goods import goods_world

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def _text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())


def test_bien_ban_giao_nhan_has_the_administrative_layout(world, as_user):
    g = goods_world(world)
    resp = as_user(world.users["viewer"]).get(f"/hien-vat/{g.own_in.id}/phieu.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert "attachment" in resp.headers.get("Content-Disposition", "") or "inline" in resp.headers.get(
        "Content-Disposition", "")
    text = _text(resp.data)
    flat = text.replace(" ", "")
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BIÊN BẢN GIAO NHẬN HIỆN VẬT",
                  "Số: GN-2026-0001", "ngày 05 tháng 9 năm 2026", world.commune.name.upper(),
                  "Bên giao:", "Trần Thị Bích Ngọc", "Ấp Hòa Bình", "Bên nhận:", "Tháng Khuyến học 2026",
                  "STT", "Tên hiện vật", "Đơn vị tính", "Số lượng", "Giá trị quy ra tiền",
                  "500.000", "bằng chữ: Năm trăm nghìn đồng", "Thủ quỹ", "Người lập"):
        assert words.replace(" ", "") in flat, words
    assert "ĐÃ HỦY" not in text
    # Goods are not cash: never a phiếu thu, never "money received in full".
    assert "PHIẾU THU" not in text and "nhận đủ số tiền" not in text


def test_a_voided_gift_in_kind_prints_da_huy(world, as_user):
    g = goods_world(world)
    fresh = donations.record_donation(g.own_campaign, g.own_gift.donor, 300_000,
                                      donation_date=g.own_gift.donation_date, method="in_kind", item="xe đạp",
                                      quantity=1, item_unit="chiếc")
    db.session.commit()
    donations.void_donation(fresh, "Ghi trùng với biên bản khác")
    db.session.commit()
    text = _text(as_user(world.users["viewer"]).get(f"/hien-vat/{fresh.goods_entry_id}/phieu.pdf").data)
    assert "BIÊN BẢN GIAO NHẬN HIỆN VẬT" in text and "ĐÃ HỦY" in text and "Ghi trùng với biên bản khác" in text


def test_phieu_xuat_for_a_hand_out_and_reversals_have_no_paper(world, as_user):
    g = goods_world(world)
    client = as_user(world.users["viewer"])
    text = _text(client.get(f"/hien-vat/{g.own_out.id}/phieu.pdf").data)
    flat = text.replace(" ", "")
    for words in ("PHIẾU XUẤT HIỆN VẬT", "Biên bản bàn giao", "XK-2026-0001", "Trường Tiểu học Tân Phú",
                  "Phát vở cho học sinh khó khăn", "Người nhận", "Thủ quỹ", "Chủ tịch", "100.000",
                  "Một trăm nghìn đồng"):
        assert words.replace(" ", "") in flat, words
    assert "nhận đủ số tiền" not in text and "ĐÃ HỦY" not in text
    reversal = goods.reverse(g.own_out, "Phát nhầm")
    db.session.commit()
    assert "ĐÃ HỦY" in _text(client.get(f"/hien-vat/{g.own_out.id}/phieu.pdf").data)
    assert client.get(f"/hien-vat/{reversal.id}/phieu.pdf").status_code == 404
