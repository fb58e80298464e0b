"""The printed disclosure and honour roll, read back with pdftotext and pdffonts."""
import shutil
import subprocess
import unicodedata

import pytest

from app.donations import services as donation_services
from app.donations.donors import ANONYMOUS_NAME
from app.extensions import db
from tests.disclosure import data

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def _text(pdf: bytes, layout: bool = False) -> str:
    args = ["pdftotext", "-layout", "-", "-"] if layout else ["pdftotext", "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFC", out.decode()).split())


def _fonts(pdf: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _get_pdf(client, url, htmx=False):
    resp = client.get(url, htmx=htmx)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf", resp.get_data(as_text=True)[:300]
    return resp.data


def test_disclosure_pdf_has_the_administrative_header_figures_and_words(world, as_user):
    s = data.build(world)
    client = as_user(world.users["viewer"])
    pdf = _get_pdf(client, f"/cong-khai/quan-ly/{s.unit.id}/{data.YEAR}.pdf")
    text = _text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "HỘI KHUYẾN HỌC XÃ TÂN PHÚ" in text and "HỘI KHUYẾN HỌC TỈNH THỬ NGHIỆM" in text
    assert "NĂM 2025" in text and "SỐ DƯ CÁC QUỸ" in text
    assert "Nguyễn Văn An" in text and ANONYMOUS_NAME in text and "50 quyển vở" in text
    assert data.SECRET_NAME not in text and "0912" not in text and "Nguyễn Huệ" not in text
    # Decision numbers are never broken after "/" in the narrow "Căn cứ" column.
    table = _text(pdf, layout=True)
    assert "Quyết định số" in table and all(n in table for n in ("15/QĐ-HKH", "30/QĐ-HKH", "45/QĐ-HKH"))
    assert "4.550.000" in text and "Bốn triệu năm trăm năm mươi nghìn đồng" in text
    # Money and goods apart and together: 4.250.000 in money, the notebooks 1.000.000, 5.250.000 in all.
    assert "Tiền đã tiếp nhận: 4.250.000 đ" in text and "Hiện vật đã tiếp nhận, quy ra tiền: 1.000.000 đ" in text
    assert "Tổng số đã tiếp nhận (tiền và hiện vật): 5.250.000 đ" in text
    assert "HIỆN VẬT TRONG KHO (QUY RA TIỀN)" in text
    assert "Hủy phiếu thu PT-2024-0002" in text
    assert "CHỦ TỊCH" in text
    fonts = _fonts(pdf)
    assert "Tinos" in fonts and "Type 3" not in fonts
    # htmx asks for the same file: a PDF is never a fragment.
    assert _get_pdf(client, f"/cong-khai/quan-ly/{s.unit.id}/{data.YEAR}.pdf", htmx=True)[:4] == b"%PDF"


def test_honour_roll_of_a_campaign_lists_donors_largest_first_with_the_total_in_words(world, as_user):
    s = data.build(world)
    client = as_user(world.users["clerk"])
    for htmx in (False, True):
        text = _text(_get_pdf(client, f"/cong-khai/so-vang/dot/{s.campaign.id}.pdf", htmx=htmx))
        assert "SỔ VÀNG" in text and "Tháng Khuyến học 2025" in text
        names = ["Nguyễn Văn An", ANONYMOUS_NAME, "Nhà sách Phương Nam"]
        positions = [text.index(n) for n in names]
        assert positions == sorted(positions)
        assert data.SECRET_NAME not in text and "Lê Văn Nhầm" not in text  # voided gift left out
        assert "2 lần" in text and "50 quyển vở" in text
        assert "Tổng cộng" in text and "5.000.000" in text and "Năm triệu đồng" in text
        assert "Tinos" in _fonts(_get_pdf(client, f"/cong-khai/so-vang/dot/{s.campaign.id}.pdf"))


def test_honour_roll_of_a_year_counts_only_that_years_gifts_to_the_units_funds(world, as_user):
    from datetime import date

    from tests.factories_donations import make_campaign, make_donation

    s = data.build(world)
    later = make_campaign(s.unit, "Tết 2026 cho em", start_date=date(2026, 1, 1), end_date=date(2026, 2, 1),
                         fund=s.fund)
    make_donation(later, 900_000, day=date(2026, 1, 20), name="Đặng Văn Năm Sau")
    late_void = make_donation(s.campaign, 800_000, day=date(2025, 12, 1), name="Bùi Văn Hủy Sau")
    donation_services.void_donation(late_void, "Trùng phiếu")
    db.session.commit()
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        text = _text(_get_pdf(client, f"/cong-khai/so-vang/{s.unit.id}/{data.YEAR}.pdf", htmx=htmx))
        assert "Năm 2025" in text and "Nguyễn Văn An" in text and "Đặng Văn Năm Sau" not in text
        assert "Lê Văn Nhầm" not in text and "Bùi Văn Hủy Sau" not in text and "Năm triệu đồng" in text


def test_campaign_page_links_its_honour_roll(world, as_user):
    s = data.build(world)
    html = as_user(world.users["viewer"]).get(f"/dot-van-dong/{s.campaign.id}").get_data(as_text=True)
    assert f"/cong-khai/so-vang/dot/{s.campaign.id}.pdf" in html


def test_a_long_document_is_printed_in_the_background(world, as_user, monkeypatch):
    from app.disclosure import documents

    s = data.build(world)
    monkeypatch.setattr(documents, "DIRECT_MAX", 2)  # the campaign has 3 donors, the report 11 lines
    client = as_user(world.users["viewer"])
    cases = [(f"/cong-khai/so-vang/dot/{s.campaign.id}.pdf", f"/cong-khai/so-vang/dot/{s.campaign.id}/in-nen",
              "Nhà sách Phương Nam"),
             (f"/cong-khai/so-vang/{s.unit.id}/{data.YEAR}.pdf", f"/cong-khai/so-vang/{s.unit.id}/{data.YEAR}/in-nen",
              "Nhà sách Phương Nam"),
             (f"/cong-khai/quan-ly/{s.unit.id}/{data.YEAR}.pdf", f"/cong-khai/quan-ly/{s.unit.id}/{data.YEAR}/in-nen",
              "CÁC KHOẢN ĐÃ CHI")]
    for get_url, post_url, expected in cases:
        for htmx in (False, True):
            page = client.get(get_url, htmx=htmx)
            html = page.get_data(as_text=True)
            assert page.status_code == 200 and page.mimetype == "text/html"
            assert f'action="{post_url}"' in html and ("<html" in html) != htmx
        assert client.post(post_url, csrf=False).status_code == 400
        resp = client.post(post_url)
        assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
        job_url = resp.headers["Location"]
        assert "Đã in xong" in client.get(job_url).get_data(as_text=True)  # tests run the queue at once
        pdf = client.get(job_url + "/tai-ve")
        assert pdf.mimetype == "application/pdf" and expected in _text(pdf.data)
        assert "/in-an/" in client.post(post_url, htmx=True).headers["HX-Redirect"]
    report_page = client.get(f"/cong-khai/quan-ly/{s.unit.id}/{data.YEAR}").get_data(as_text=True)
    assert f'action="/cong-khai/quan-ly/{s.unit.id}/{data.YEAR}/in-nen"' in report_page
