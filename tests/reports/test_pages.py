"""Report pages: roll-up and year report, plain and htmx, PDF (pdftotext) and .xlsx (openpyxl)."""
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from tests.factories_reports import report_world


@pytest.fixture
def w(app):
    return report_world()


@pytest.fixture
def admin(w, client, as_user):
    return as_user(w.admin_p)


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg.*?</svg>", html, flags=re.S)]


def test_rollup_page_and_fragment(w, admin):
    url = f"/bao-cao/tong-hop?don_vi={w.P.id}&ky=2025-2026"
    page = admin.get(url)
    frag = admin.get(url, htmx=True)
    assert page.status_code == frag.status_code == 200
    assert "<html" in page.get_data(as_text=True)
    body = frag.get_data(as_text=True)
    assert "<html" not in body and 'id="rollup"' in body
    assert "Vary" in frag.headers
    # Drill-down links to each commune, the total in words.
    assert f"/bao-cao/tong-hop?don_vi={w.A.id}&amp;ky=2025-2026" in body
    assert "Mười một triệu ba trăm nghìn đồng" in body


def test_rollup_drill_down_shows_the_trail_and_the_branch_rows(w, admin):
    html = admin.get(f"/bao-cao/tong-hop?don_vi={w.A1.id}&ky=2025-2026").get_data(as_text=True)
    assert 'class="crumbs"' in html
    assert "Hội Khuyến học tỉnh Thử Báo Cáo" in html and "Chi hội dòng họ Lê" in html
    assert "2.000.000 đ" in html  # A1's subtree total: 1.000.000 + 300.000 + 700.000


def test_a_commune_user_cannot_open_another_communes_report(w, client, as_user):
    as_user(w.viewer_a)
    for path in ("/bao-cao/tong-hop", "/bao-cao/tong-ket", "/bao-cao/tong-ket.pdf", "/bao-cao/tong-ket.xlsx"):
        assert client.get(f"{path}?don_vi={w.B.id}").status_code == 404
        assert client.get(f"{path}?don_vi={w.A1.id}&ky=2026").status_code == 200


def test_unknown_period_falls_back_to_the_current_school_year(w, admin):
    html = admin.get(f"/bao-cao/tong-hop?don_vi={w.P.id}&ky=abc").get_data(as_text=True)
    assert "Năm học 2026-2027" in html  # today is in the 2026-2027 school year (tests run with the real date)


def test_year_report_page_and_fragment(w, admin):
    url = f"/bao-cao/tong-ket?don_vi={w.P.id}&ky=2025-2026"
    page = admin.get(url)
    frag = admin.get(url, htmx=True)
    assert page.status_code == frag.status_code == 200
    html = frag.get_data(as_text=True)
    assert "<html" not in html and 'id="year-report"' in html
    assert "cấp học bổng và tập sách cho 3 em học sinh" in html
    assert "Tháng Khuyến học 2025" in html and "Học bổng Tết 2026" in html and "07/QĐ-HKH" in html
    (chart,) = _svgs(html)
    titles = [g.find("{http://www.w3.org/2000/svg}title").text for g in chart.iter("{http://www.w3.org/2000/svg}g")]
    # Donations only (the 5.000.000 đ of December is a direct income, in the "Thu khác" column).
    assert titles[0] == "Tháng 9/2025: 4.200.000 đ" and titles[3] == "Tháng 12/2025: 0 đ"
    assert len(titles) == 12


def _pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_year_report_pdf_has_the_administrative_header_figures_and_sentences(w, admin):
    resp = admin.get(f"/bao-cao/tong-ket.pdf?don_vi={w.A.id}&ky=2025-2026")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(_pdftotext(resp.data).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "HỘI KHUYẾN HỌC TỈNH THỬ" in text and "HỘI KHUYẾN HỌC XÃ AN BÌNH" in text
    assert "BÁO CÁO" in text and "năm học 2025-2026" in text
    assert "cấp học bổng và tập sách cho 3 em học sinh" in text
    assert "Tổng cộng" in text and "4.500.000" in text  # A's raised: 2.500.000 + 1.300.000 + 700.000
    assert "Lưu: VT." in text
    fonts = subprocess.run(["pdffonts", "-"], input=resp.data, capture_output=True).stdout.decode()
    assert "Tinos" in fonts


def test_year_report_xlsx_has_a_sheet_per_table_and_the_totals(w, admin):
    from openpyxl import load_workbook

    resp = admin.get(f"/bao-cao/tong-ket.xlsx?don_vi={w.P.id}&ky=2025-2026")
    assert resp.status_code == 200
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["Tổ chức hội", "Tổng hợp", "Đợt vận động", "Heo đất", "Học bổng", "Học bổng theo diện",
                             "Khen thưởng", "Quỹ", "Nhận định"]
    ws = wb["Tổng hợp"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "Đơn vị" and rows[-1][0] == "Tổng cộng"
    header = rows[1]
    col = {name: header.index(name) for name in ("Vận động bằng tiền (đồng)", "Ủng hộ bằng hiện vật, quy ra tiền (đồng)",
                                                 "Tổng vận động, tiền và hiện vật (đồng)", "Suất học bổng",
                                                 "Tiền học bổng (đồng)")}
    total = rows[-1]
    assert [total[i] for i in col.values()] == [10_800_000, 500_000, 11_300_000, 4, 4_000_000]
    body = rows[2:-1]
    for i in col.values():  # the branch rows add up to the total, money, goods and both
        assert sum(r[i] for r in body) == total[i]
    funds = list(wb["Quỹ"].iter_rows(values_only=True))
    assert funds[-1][0] == "Tổng cộng" and funds[-1][5] == 0  # transfers net out inside the province
    assert wb["Nhận định"]["A3"].value.startswith("Năm học 2025-2026, Hội Khuyến học tỉnh Thử Báo Cáo")


def test_xlsx_neutralises_formula_like_names(w, admin):
    from openpyxl import load_workbook

    from app.units.services import update_unit
    from app.extensions import db

    update_unit(w.B1, "=HYPERLINK(\"http://x\")", "village")
    db.session.commit()
    resp = admin.get(f"/bao-cao/tong-ket.xlsx?don_vi={w.B.id}&ky=2025-2026")
    ws = load_workbook(io.BytesIO(resp.data))["Tổng hợp"]
    names = [r[0] for r in ws.iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_a_big_report_is_printed_in_the_background_and_downloads(w, admin, monkeypatch):
    from app.reports import pdf

    monkeypatch.setattr(pdf, "DIRECT_MAX_ROWS", 3)  # the test tree is small: call it big
    page = admin.get(f"/bao-cao/tong-ket?don_vi={w.P.id}&ky=2025-2026").get_data(as_text=True)
    assert "In báo cáo (PDF, chạy nền)" in page and "/bao-cao/tong-ket.pdf" not in page
    # The PDF's own address does not print it in the request either: it offers the same job.
    direct = admin.get(f"/bao-cao/tong-ket.pdf?don_vi={w.P.id}&ky=2025-2026")
    assert direct.mimetype == "text/html" and "In trong nền" in direct.get_data(as_text=True)
    resp = admin.post(f"/bao-cao/tong-ket/in?don_vi={w.P.id}&ky=2025-2026")
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    status = admin.get(resp.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/in-an/\d+/tai-ve)"', status).group(1)
    got = admin.get(link)
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert "HỘI KHUYẾN HỌC TỈNH THỬ" in " ".join(_pdftotext(got.data).split())
    again = admin.post(f"/bao-cao/tong-ket/in?don_vi={w.P.id}&ky=2025-2026")
    assert again.headers["Location"] == resp.headers["Location"]  # unchanged data: the same file


def test_the_print_request_needs_its_csrf_token(w, admin):
    assert admin.post(f"/bao-cao/tong-ket/in?don_vi={w.P.id}", csrf=False).status_code == 400


@pytest.mark.parametrize("path, mimetype", [
    ("/bao-cao/tong-ket.pdf", "application/pdf"),
    ("/bao-cao/tong-ket.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
def test_file_routes_answer_the_same_file_plainly_and_to_htmx(w, admin, path, mimetype):
    for htmx in (False, True):
        resp = admin.get(f"{path}?don_vi={w.B.id}&ky=2025-2026", htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype == mimetype
        assert resp.headers["Cache-Control"] == "no-store"
