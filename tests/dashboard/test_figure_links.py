"""Every figure of the home page links to the list it counts, and that list shows the same figure:
followed link by link for a province user, a commune user and a branch that collects for its
commune's campaign (the case where a list scoped by the campaign's unit would miss the money)."""
import html as htmllib
import re
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import login
from tests.factories import make_user
from tests.factories_reports import report_world

SVG = "{http://www.w3.org/2000/svg}"
PERIOD = "2025-2026"


@pytest.fixture
def w(app):
    return report_world()


def _money(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _get(client, href: str) -> str:
    resp = client.get(htmllib.unescape(href))
    assert resp.status_code == 200, href
    return resp.get_data(as_text=True)


def _foot(page: str, label: str) -> int:
    """A total row's cell by its data-label (roll-up and year report tables)."""
    foot = page[page.index("<tfoot"):]
    return _money(re.search(rf'data-label="{label}">(?:<a [^>]*>)?([^<]*)<', foot).group(1))


def _donation_total(page: str) -> int:
    return _money(re.search(r"Tổng cộng: <strong>([\d.]+) đ</strong>", page).group(1))


def _awards(page: str) -> tuple[int, int, int]:
    found = re.search(r"<strong>([\d.]+) suất</strong> cho ([\d.]+) em,\s*tổng số tiền <strong>([\d.]+) đ", page)
    return tuple(_money(g) for g in found.groups())


def _pig_to_fund(page: str) -> int:
    if '<tr class="total">' not in page:  # no pigs in the scope: the report shows no table
        return 0
    total_row = page[page.index('<tr class="total">'):]
    return _money(re.search(r'data-label="Nộp quỹ" class="num"><strong>([^<]*)</strong>', total_row).group(1))


def _bars(page: str) -> dict[str, list[tuple[str, str]]]:
    """{chart title: [(bar title, href)]} for the SVG charts of a page."""
    out = {}
    for markup in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        svg = ET.fromstring(markup)
        rows = []
        for a in svg.iter(f"{SVG}a"):
            rows.append((next(a.iter(f"{SVG}title")).text, a.get("href")))
        out[svg.find(f"{SVG}title").text.split(",")[0]] = rows
    return out


def _goods_on_hand(page: str) -> int:
    """The goods stock page's total value on hand."""
    return _money(re.search(r'data-label="Tổng giá trị còn lại">([^<]*)<', page).group(1))


def _check_dashboard(client, goods: dict | None = None) -> int:
    """Follow every figure of the dashboard for PERIOD; returns how many links were checked.
    `goods` collects the goods figures seen (raised, handed out, on hand) for the caller's checks."""
    page = client.get(f"/?ky={PERIOD}").get_data(as_text=True)
    goods = {} if goods is None else goods
    checked = 0
    # Money raised (school year and calendar year cards): the roll-up's total, and its three parts.
    for href, figure in re.findall(r'<a class="stat" href="([^"]*tong-hop[^"]*)"><span>Vận động được[^<]*</span>\s*'
                                   r"<strong>([^<]*)</strong>", page):
        assert _foot(_get(client, href), "Vận động được") == _money(figure), href
        checked += 1
    # Money and goods apart: money -> the roll-up's money column, goods -> the donation list in kind.
    for href, figure in re.findall(r'<a href="([^"]*)">Tiền: ([^<]*)</a>', page):
        assert _foot(_get(client, href), "Tiền") == _money(figure), href
        checked += 1
    for href, figure in re.findall(r'<a href="([^"]*)">Hiện vật \(quy ra tiền\): ([^<]*)</a>', page):
        assert "hinh_thuc=in_kind" in href
        assert _donation_total(_get(client, href)) == _money(figure), href
        goods.setdefault("raised", []).append(_money(figure))
        checked += 1
    for href, figure in re.findall(r'<a class="sub" href="([^"]*)">hiện vật đã trao ([^<]*) trong', page):
        assert _foot(_get(client, href), "Hiện vật đã trao") == _money(figure), href
        goods.setdefault("given", []).append(_money(figure))
        checked += 1
    for href, figure in re.findall(r'<a class="sub" href="([^"]*)">hiện vật còn trong kho \(quy ra tiền\): ([^<]*)</a>',
                                   page):
        assert _goods_on_hand(_get(client, href)) == _money(figure), href
        goods.setdefault("on_hand", []).append(_money(figure))
        checked += 1
    for href, figure in re.findall(r'<a href="([^"]*)">ủng hộ ([^<]*)</a>', page):
        assert "hinh_thuc=tien" in href  # the money part: cash and transfer
        assert _donation_total(_get(client, href)) == _money(figure), href
        checked += 1
    for href, figure in re.findall(r'<a href="([^"]*)">heo đất nộp quỹ ([^<]*)</a>', page):
        assert _pig_to_fund(_get(client, href)) == _money(figure), href
        checked += 1
    for href, figure in re.findall(r'<a href="([^"]*)">thu khác ([^<]*)</a>', page):
        assert _foot(_get(client, href), "Thu khác") == _money(figure), href
        checked += 1
    spent = re.search(r'<a class="sub" href="([^"]*)">đã chi ([^<]*) trong', page)
    assert _foot(_get(client, spent.group(1)), "Đã chi") == _money(spent.group(2))
    # Pupils supported and honorees of the chosen period.
    href, pupils = re.search(r'<a class="stat" href="([^"]*)"><span>Học sinh được hỗ trợ[^<]*</span>\s*'
                             r"<strong>([\d.]+) em</strong>", page).groups()
    awards, amount = re.search(r'<a class="sub" href="[^"]*">([\d.]+) suất · ([\d.]+) đ</a>', page).groups()
    assert _awards(_get(client, href)) == (_money(awards), _money(pupils), _money(amount))
    href, honorees = re.search(r'<a class="stat" href="([^"]*)"><span>Lượt khen thưởng[^<]*</span>\s*'
                               r"<strong>([\d.]+)</strong>", page).groups()
    found = re.search(r"<strong>([\d.]+) lượt khen thưởng</strong>", _get(client, href))
    assert _money(found.group(1)) == _money(honorees)
    checked += 3
    # Chart bars: months -> donation list; units -> roll-up; level and circumstance -> awards list.
    charts = _bars(page)
    for title, href in charts["Tiền ủng hộ theo tháng"]:
        assert _donation_total(_get(client, href)) == _money(title.split(":")[1]), title
        checked += 1
    for title, href in charts["Tiền vận động theo đơn vị"]:
        target = _get(client, href)
        name, value = title.rsplit(":", 1)
        if "(trực tiếp)" in name or "đơn vị khác" in name:
            assert _money(value) <= _foot(target, "Vận động được"), title
        else:
            assert _foot(target, "Vận động được") == _money(value), title
        checked += 1
    for chart in ("Học bổng theo cấp học", "Học bổng theo hoàn cảnh"):
        for title, href in charts[chart]:
            n, amount = re.search(r": ([\d.]+) suất · ([\d.]+) đ", title).groups()
            got = _awards(_get(client, href))
            assert (got[0], got[2]) == (_money(n), _money(amount)), title
            checked += 1
    return checked


def test_province_figures_equal_their_lists(w, client, as_user):
    as_user(w.admin_p)
    goods = {}
    assert _check_dashboard(client, goods) >= 28
    # The 50 notebooks given in kind (500.000 đ) in September 2025 are still in stock.
    assert goods["on_hand"] == [500_000] and goods["raised"] == [0, 0]


def test_goods_raised_and_handed_out_link_to_lists_with_the_same_figures(w, app, client, as_user):
    """Goods raised, handed out and on hand: each dashboard figure equals the list it opens, for the
    province and for the commune that keeps the goods; the roll-up shows money and goods apart."""
    from app.extensions import db
    from app.core.clock import today
    from app.goods import services as goods_services
    from app.reports.periods import current_school_year
    from tests.factories_donations import make_donation

    day = today()
    make_donation(w.cA, 300_000, day=day, method="in_kind", item="bút bi", quantity=30, item_unit="cây")
    goods_services.give_out(w.A, item="vở", item_unit="quyển", quantity=20, entry_date=day,
                            recipient="Trường THCS An Bình", purpose="Phát vở cho học sinh khó khăn")
    db.session.commit()
    as_user(w.admin_p)
    seen = {}
    assert _check_dashboard(client, seen) >= 28
    # Both cards (school year, calendar year) count today's pens; 20 of the 50 notebooks went out.
    assert seen["raised"] == [300_000, 300_000] and seen["given"] == [200_000]
    assert seen["on_hand"] == [300_000 + 300_000]
    rollup = _get(client, f"/bao-cao/tong-hop?don_vi={w.P.id}&ky={current_school_year(day).key}")
    assert (_foot(rollup, "Tiền"), _foot(rollup, "Hiện vật"), _foot(rollup, "Vận động được")) == (0, 300_000, 300_000)
    assert _foot(rollup, "Hiện vật đã trao") == 200_000
    commune = app.test_client()
    login(commune, w.viewer_a)
    seen = {}
    assert _check_dashboard(commune, seen) >= 20
    assert seen["raised"] == [300_000, 300_000] and seen["on_hand"] == [600_000]


def test_commune_figures_equal_their_lists(w, app):
    client = app.test_client()
    login(client, w.viewer_a)
    assert _check_dashboard(client) >= 20


def test_branch_collecting_for_the_commune_sees_its_money_in_the_lists(w, app):
    """Chi hội ấp Tân Lộc collected 1.000.000 đ (and its clan branch 700.000 đ) for the commune's
    campaign: the branch's figures count that money, and so must the lists they open."""
    client = app.test_client()
    login(client, make_user(w.A1, "clerk", username="chi_hoi_tan_loc_links"))
    page = client.get(f"/?ky={PERIOD}").get_data(as_text=True)
    september = dict(_bars(page)["Tiền ủng hộ theo tháng"])
    assert [t for t in september if t.startswith("Tháng 9/2025")] == ["Tháng 9/2025: 1.700.000 đ"]
    assert _check_dashboard(client) >= 10


def test_campaign_targets_link_to_the_campaigns_started_in_the_period(w, client, as_user):
    from app.reports import periods, yearreport

    as_user(w.admin_p)
    page = client.get("/dot-van-dong/?ky=2025-2026").get_data(as_text=True)
    found = re.search(r"([\d.]+) đợt vận động bắt đầu trong kỳ đã chọn, tổng chỉ tiêu\s*<strong>([\d.]+) đ", page)
    total = yearreport.build(w.P, periods.parse("2025-2026", None)).total
    assert (_money(found.group(1)), _money(found.group(2))) == (total.campaigns, total.campaign_target) == (3, 15_000_000)
    assert "Vận động hè 2025" not in page and "Tháng Khuyến học 2025" in page
    frag = client.get("/dot-van-dong/?ky=2025-2026", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "tổng chỉ tiêu" in frag
    unfiltered = client.get("/dot-van-dong/")
    assert unfiltered.status_code == 200 and "Tháng Khuyến học 2025" in unfiltered.get_data(as_text=True)  # the list
    assert "tổng chỉ tiêu" not in unfiltered.get_data(as_text=True)


def test_rollup_cells_open_lists_with_the_same_figures(w, client, as_user):
    as_user(w.admin_p)
    for unit in (w.P, w.A):
        page = _get(client, f"/bao-cao/tong-hop?don_vi={unit.id}&ky={PERIOD}")
        links = re.findall(r'data-label="Học bổng"><a href="([^"]*)">([\d.]+) suất · ([\d.]+) đ</a>', page)
        assert len(links) == len(unit.children) + 1  # every child row and the total
        for href, n, amount in links:
            got = _awards(_get(client, href))
            assert (got[0], got[2]) == (_money(n), _money(amount)), href
        honorees = re.findall(r'data-label="Khen thưởng"><a href="([^"]*)">([\d.]+)</a>', page)
        assert len(honorees) == len(unit.children) + 1
        for href, n in honorees:
            found = re.search(r"<strong>([\d.]+) lượt khen thưởng</strong>", _get(client, href))
            assert _money(found.group(1)) == _money(n), href
