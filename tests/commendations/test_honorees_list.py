"""The honorees list across decisions: what the dashboard's and the year report's commendation
figures count, filtered by period and kind, and exported with those filters."""
import io
import re

import openpyxl
import pytest

from app.reports import periods, yearreport
from tests.conftest import login
from tests.factories_reports import report_world

URL = "/khen-thuong/danh-sach-duoc-khen"


@pytest.fixture
def w(app):
    return report_world()


def _summary(html: str) -> tuple[int, int]:
    found = re.search(r"<strong>([\d.]+) lượt khen thưởng</strong>, tiền thưởng\s*<strong>([\d.]+) đ</strong>", html)
    assert found, html[:3000]
    return tuple(int(g.replace(".", "")) for g in found.groups())


def test_honorees_of_a_period_match_the_year_report(w, client, as_user):
    as_user(w.admin_p)
    html = client.get(URL + "?ky=2025-2026").get_data(as_text=True)
    rep = yearreport.build(w.P, periods.parse("2025-2026", None))
    assert _summary(html) == (rep.total.honorees, rep.total.honoree_amount) == (3, 200_000)
    assert "Phạm Thị Hoa" in html and "07/QĐ-HKH" in html and "Danh sách được khen thưởng" in html
    frag = client.get(URL + "?ky=2025-2026", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and frag.lstrip().startswith('<div id="results"')
    assert _summary(client.get(URL + "?ky=2026").get_data(as_text=True)) == (3, 200_000)
    assert _summary(client.get(URL + "?ky=2025").get_data(as_text=True)) == (0, 0)
    assert _summary(client.get(URL + "?ky=2025-2026&loai=family").get_data(as_text=True)) == (1, 0)


def test_drafts_and_other_communes_are_not_listed(w, app):
    viewer = app.test_client()
    login(viewer, w.viewer_a)  # commune A: only a draft decision
    assert _summary(viewer.get(URL + "?ky=2025-2026").get_data(as_text=True)) == (0, 0)
    assert viewer.get(f"{URL}?ky=2025-2026&don_vi={w.B.id}").status_code == 404
    assert viewer.get(f"{URL}/xuat.xlsx?ky=2025-2026&don_vi={w.B.id}").status_code == 404


def test_export_carries_the_filters(w, client, as_user):
    as_user(w.admin_p)
    resp = client.get(URL + "/xuat.xlsx?ky=2025-2026&loai=pupil")
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Họ và tên", "Đối tượng")
    assert sorted(r[1] for r in rows[1:]) == ["Phạm Thị Hoa", "Võ Văn Long"]
    assert sum(r[9] for r in rows[1:]) == 200_000
    text = client.get(URL + "/xuat.xlsx?ky=2025-2026&loai=family&format=csv").data.decode("utf-8")
    assert text.startswith("\ufeffSTT,Họ và tên") and "Lê Văn Sáu" in text and "Phạm Thị Hoa" not in text
