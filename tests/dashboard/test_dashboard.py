"""The home page: the user's unit and everything below it, every figure a link, SVG charts."""
import re
import xml.etree.ElementTree as ET

import pytest

from app.funds import services as funds
from tests.factories import make_unit, make_user
from tests.factories_reports import report_world

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def w(app):
    return report_world()


def _charts(html: str) -> dict[str, list[str]]:
    """{chart title: [row titles]} for every SVG in the page (each must parse as XML)."""
    out = {}
    for markup in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        svg = ET.fromstring(markup)
        out[svg.find(f"{SVG}title").text] = [g.find(f"{SVG}title").text for g in svg.iter(f"{SVG}g")]
    return out


def test_dashboard_page_and_fragment(w, client, as_user):
    as_user(w.admin_p)
    page = client.get("/")
    frag = client.get("/?ky=2026", htmx=True)
    assert page.status_code == frag.status_code == 200
    html = page.get_data(as_text=True)
    assert "<html" in html and f"<h1>{w.P.name}</h1>" in html
    body = frag.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="dashboard"')
    assert "Vary" in frag.headers


def test_money_cards_show_this_school_year_and_calendar_year_and_link_to_their_lists(w, client, as_user):
    as_user(w.admin_p)
    html = client.get("/").get_data(as_text=True)
    # Calendar 2026: 400.000 donated in ấp Mỹ Hòa, 400.000 from pigs, 1.000.000 direct income of xã Bình Hòa.
    assert re.search(rf'href="/bao-cao/tong-hop\?don_vi={w.P.id}&amp;ky=2026"><span>Vận động được năm 2026'
                     r'</span>\s*<strong>1\.800\.000 đ</strong>', html)
    assert 'href="/quyen-gop/?tu_ngay=2026-01-01&amp;den_ngay=2026-12-31&amp;hinh_thuc=tien">ủng hộ 400.000 đ</a>' in html
    assert 'href="/heo-dat/bao-cao?tu_ngay=2026-01-01&amp;den_ngay=2026-12-31">heo đất nộp quỹ 400.000 đ</a>' in html
    assert f'href="/bao-cao/tong-ket?don_vi={w.P.id}&amp;ky=2026">thu khác 1.000.000 đ</a>' in html
    assert re.search(rf'href="/bao-cao/tong-hop\?don_vi={w.P.id}&amp;ky=2026-2027"><span>Vận động được năm học '
                     r'2026-2027</span>\s*<strong>0 đ</strong>', html)
    balance = sum(funds.balances(f.id for f in (w.fund_p, w.fund_a, w.fund_b)).values())
    others = sum(funds.balance(funds.default_fund(u)) for u in (w.A1, w.A2, w.B1))
    assert f'<strong>{balance + others:,} đ</strong>'.replace(",", ".") in html
    assert 'href="/quy/"' in html and 'href="/heo-dat/?trang_thai=active"' in html


def test_attention_lists_waiting_nominations_drafts_and_campaigns_past_their_end(w, client, as_user):
    as_user(w.admin_p)
    html = client.get("/").get_data(as_text=True)
    todo = html[html.index('id="h-todo"'):html.index('id="h-campaigns"')]
    assert f'href="/hoc-bong/{w.round.id}?trang_thai=pending">1 đề cử học bổng chờ duyệt: Học bổng Tết 2026' in todo
    assert 'href="/khen-thuong/?trang_thai=draft">1 quyết định khen thưởng chưa ban hành' in todo
    assert f'href="/dot-van-dong/{w.cA.id}">Đợt vận động “Tháng Khuyến học 2025” đã quá ngày kết thúc' in todo


def test_charts_parse_and_show_the_period_values(w, client, as_user):
    as_user(w.admin_p)
    charts = _charts(client.get("/?ky=2025-2026").get_data(as_text=True))
    months = charts["Tiền ủng hộ theo tháng, năm học 2025-2026"]
    assert months[0] == "Tháng 9/2025: 4.200.000 đ" and months[3] == "Tháng 12/2025: 0 đ"  # Dec: a direct income
    assert charts["Tiền vận động theo đơn vị, năm học 2025-2026"] == [
        "Hội Khuyến học tỉnh Thử Báo Cáo (trực tiếp): 5.000.000 đ",
        "Hội Khuyến học xã An Bình: 4.900.000 đ", "Hội Khuyến học xã Bình Hòa: 1.400.000 đ"]
    assert charts["Học bổng theo cấp học, năm học 2025-2026"] == ["THCS: 4 suất · 4.000.000 đ"]
    assert charts["Học bổng theo hoàn cảnh, năm học 2025-2026"] == [
        "Hộ nghèo: 2 suất · 2.000.000 đ", "Mồ côi: 1 suất · 800.000 đ", "Dân tộc thiểu số: 1 suất · 800.000 đ",
        "Không thuộc diện khó khăn: 1 suất · 1.200.000 đ"]


def test_chart_bars_link_to_the_list_they_count(w, client, as_user):
    as_user(w.admin_p)
    html = client.get("/?ky=2025-2026").get_data(as_text=True)
    assert '<a href="/quyen-gop/?tu_ngay=2025-09-01&amp;den_ngay=2025-09-30">' in html
    assert f'<a href="/bao-cao/tong-hop?don_vi={w.A.id}&amp;ky=2025-2026">' in html
    assert '<a href="/hoc-bong/suat-hoc-bong?ky=2025-2026&amp;hoan_canh=poor">' in html
    assert '<a href="/hoc-bong/suat-hoc-bong?ky=2025-2026&amp;cap_hoc=lower_secondary">' in html


def test_a_branch_user_sees_only_the_branch_and_below(w, client, as_user):
    as_user(make_user(w.A1, "clerk", username="chi_hoi_tan_loc"))
    html = client.get("/?ky=2025-2026").get_data(as_text=True)
    branches = _charts(html)["Tiền vận động theo đơn vị, năm học 2025-2026"]
    assert branches == ["Chi hội ấp Tân Lộc (trực tiếp): 1.300.000 đ", "Chi hội dòng họ Lê: 700.000 đ"]
    assert "Hội Khuyến học xã Bình Hòa" not in html and "Học bổng Tết 2026" not in html


def test_an_empty_unit_gets_a_calm_page(app, client, as_user):
    root = make_unit(None, "Hội Khuyến học tỉnh Mới", "province")
    as_user(make_user(root, "viewer", username="xem_moi"))
    html = client.get("/").get_data(as_text=True)
    assert "Không có việc cần xử lý." in html and "Chưa có số liệu." in html
    assert "Không có đợt vận động nào đang mở." in html
    assert len(_charts(html)) == 4


def test_attention_shows_the_busiest_rounds_then_one_line_for_the_rest(w, client, as_user, monkeypatch):
    from app.dashboard import panels
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

    monkeypatch.setattr(panels, "TOP", 2)
    school = make_school(w.A, "Trường THCS Thử")
    busy = {}
    for waiting in (1, 3, 2, 1):
        rnd = make_round(w.A, budget=10_000_000)
        cat = make_category(rnd, 100_000)
        for i in range(waiting):
            make_nomination(rnd, make_pupil(w.A, f"Nguyễn Văn Chờ {len(busy)}{i}", school=school), cat)
        busy[rnd.id] = waiting
    as_user(w.admin_p)
    html = client.get("/").get_data(as_text=True)
    todo = html[html.index('id="h-todo"'):html.index('id="h-campaigns"')]
    shown = [int(r) for r in re.findall(r'href="/hoc-bong/(\d+)\?trang_thai=pending"', todo)]
    assert len(shown) == 2 and [busy.get(r) for r in shown] == [3, 2]
    # The rest: the world's own round (1) and the two new rounds with 1 each.
    assert 'href="/hoc-bong/">3 đề cử chờ duyệt ở 3 đợt học bổng khác</a>' in todo
