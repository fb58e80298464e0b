"""The awards list across rounds: what the dashboard's and the year report's scholarship figures
count, filtered by period, school level and circumstance, and exported with those filters."""
import io
import re

import openpyxl
import pytest

from app.reports import periods, yearreport
from tests.conftest import login
from tests.factories_reports import report_world

URL = "/hoc-bong/suat-hoc-bong"


@pytest.fixture
def w(app):
    return report_world()


def _summary(html: str) -> tuple[int, int, int]:
    found = re.search(r"<strong>([\d.]+) suất</strong> cho ([\d.]+) em,\s*tổng số tiền <strong>([\d.]+) đ</strong>",
                      html)
    assert found, html[:3000]
    return tuple(int(g.replace(".", "")) for g in found.groups())


def test_awards_of_a_period_match_the_year_report(w, client, as_user):
    as_user(w.admin_p)
    page = client.get(URL + "?ky=2025-2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<html" in html and "Suất học bổng đã duyệt" in html
    rep = yearreport.build(w.P, periods.parse("2025-2026", None))
    assert _summary(html) == (rep.awards.awards, rep.awards.pupils, rep.awards.amount) == (4, 3, 4_000_000)
    assert "đã chi trả 1 suất, 800.000 đ" in html
    # The pending nomination is not an award; names come in Vietnamese order (by given name).
    assert html.count("Trần Minh Khang") == 1
    assert html.index("Lê Văn Bình") < html.index("Nguyễn Thị Đào") < html.index("Trần Minh Khang")
    frag = client.get(URL + "?ky=2025-2026", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and frag.lstrip().startswith('<div id="results"')
    assert _summary(client.get(URL + "?ky=2026-2027").get_data(as_text=True)) == (0, 0, 0)


@pytest.mark.parametrize("query, expected", [
    ("hoan_canh=poor", (2, 1, 2_000_000)),
    ("hoan_canh=orphan", (1, 1, 800_000)),
    ("hoan_canh=khong", (1, 1, 1_200_000)),
    ("cap_hoc=lower_secondary", (4, 3, 4_000_000)),
    ("cap_hoc=primary", (0, 0, 0)),
])
def test_filters_match_the_chart_bars(w, client, as_user, query, expected):
    as_user(w.admin_p)
    assert _summary(client.get(f"{URL}?ky=2025-2026&{query}").get_data(as_text=True)) == expected


def test_scope_a_commune_sees_its_awards_another_sees_none_and_other_units_are_404(w, app):
    from tests.factories import make_user

    viewer = app.test_client()
    login(viewer, w.viewer_a)
    assert _summary(viewer.get(URL + "?ky=2025-2026").get_data(as_text=True))[0] == 4
    assert viewer.get(f"{URL}?ky=2025-2026&don_vi={w.B.id}").status_code == 404
    other = app.test_client()
    login(other, make_user(w.B, "viewer", username="rb_viewer"))
    assert _summary(other.get(URL + "?ky=2025-2026").get_data(as_text=True))[0] == 0
    assert other.get(f"{URL}/xuat.xlsx?ky=2025-2026&don_vi={w.A.id}").status_code == 404


def test_export_carries_the_filters(w, client, as_user):
    as_user(w.admin_p)
    html = client.get(URL + "?ky=2025-2026&hoan_canh=poor", htmx=True).get_data(as_text=True)
    assert 'href="/hoc-bong/suat-hoc-bong/xuat.xlsx?ky=2025-2026&amp;hoan_canh=poor"' in html
    resp = client.get(URL + "/xuat.xlsx?ky=2025-2026&hoan_canh=poor")
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Họ và tên", "Ngày sinh")
    assert [r[1] for r in rows[1:]] == ["Nguyễn Thị Đào", "Nguyễn Thị Đào"]
    assert sum(r[9] for r in rows[1:]) == 2_000_000
    csv = client.get(URL + "/xuat.xlsx?ky=2025-2026&hoan_canh=poor&format=csv")
    text = csv.data.decode("utf-8")
    assert text.startswith("\ufeffSTT,Họ và tên") and text.count("Nguyễn Thị Đào") == 2
