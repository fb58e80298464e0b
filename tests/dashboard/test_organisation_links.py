"""Every organisation figure (issue 19) on the home page, the year report and the roll-up links to the
list it counts, and that list's total line shows the same number: followed link by link for a
commune user and a province user, over a world with members joining, leaving and dying across two
years, chi hội of several kinds and learning titles at every step."""
import html as htmllib
import re

import pytest

from tests.conftest import login
from tests.members.test_counts import org_world, title_world

YEAR = 2026


@pytest.fixture
def w(world):
    org_world(world)
    title_world(world)
    return world


def _section(page: str, start: str, end: str) -> str:
    i = page.index(start)
    return page[i:page.index(end, i)]


def _figure_links(markup: str) -> list[tuple[str, int]]:
    """(href, the figure: the last number of the link's text) of every link that shows a figure."""
    out = []
    for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', markup, flags=re.S):
        text = re.sub(r"<[^>]+>", " ", inner)
        numbers = re.findall(r"\d[\d.]*", text)
        if numbers:
            out.append((htmllib.unescape(href), int(numbers[-1].replace(".", ""))))
    return out


def _list_total(client, href: str) -> int:
    resp = client.get(href)
    assert resp.status_code == 200, href
    found = re.search(r'class="list-total">[^<]*<strong>([\d.]+)</strong>', resp.get_data(as_text=True))
    assert found, href
    return int(found.group(1).replace(".", ""))


def _check(client, links: list[tuple[str, int]]) -> dict[str, int]:
    """Follow each link; returns how many links went to each list (members, units, assessments)."""
    kinds = {"hoi-vien": 0, "don-vi": 0, "danh-gia": 0}
    for href, figure in links:
        assert _list_total(client, href) == figure, href
        for k in kinds:
            kinds[k] += f"/{k}" in href
    return kinds


def _dashboard(client) -> list[tuple[str, int]]:
    page = client.get("/").get_data(as_text=True)
    return _figure_links(_section(page, 'id="organisation"', "</section>"))


def _report(client, path: str, unit_id: int) -> tuple[str, list[tuple[str, int]]]:
    page = client.get(f"{path}?don_vi={unit_id}&ky={YEAR}").get_data(as_text=True)
    part = page[page.index('id="organisation"'):]
    part = part[:part.index("</table>", part.index('id="members-table"'))] + (
        part[part.index('id="titles-table"'):part.index("</table>", part.index('id="titles-table"'))]
        if 'id="titles-table"' in part else "")
    return page, _figure_links(part)


def test_a_commune_users_organisation_figures_equal_their_lists(client, w):
    login(client, w.users["clerk"])
    dash = _dashboard(client)
    seen = _check(client, dash)
    assert seen == {"hoi-vien": 4, "don-vi": 4, "danh-gia": 4}  # roll, last year, joined, ended; 3 kinds + all
    assert (f"/hoi-vien/?don_vi={w.commune.id}&nam={YEAR}", 4) in dash  # positive control: known figures
    assert any("buoc=cong-nhan" in h and n == 1 for h, n in dash)
    page, rep = _report(client, "/bao-cao/tong-ket", w.commune.id)
    assert "Toàn xã có 4 hội viên (tăng 1 so với năm 2025), chiếm 0,4 % dân số." in page
    assert "Có 4 gia đình đăng ký Gia đình học tập, 1 được công nhận (25 %)." in page
    seen = _check(client, rep)
    # Members per child (the commune's own row has no list of its own) and the total; three steps.
    assert seen["hoi-vien"] >= 3 * 4 and seen["danh-gia"] == 3 and seen["don-vi"] == 3
    _page, roll = _report(client, "/bao-cao/tong-hop", w.commune.id)
    assert _check(client, roll)["hoi-vien"] >= 12


def test_a_province_users_organisation_figures_equal_their_lists(client, w):
    login(client, w.province_admin)
    dash = _dashboard(client)
    seen = _check(client, dash)
    assert seen["hoi-vien"] == 4 and seen["don-vi"] >= 3 and seen["danh-gia"] == 4
    assert (f"/hoi-vien/?don_vi={w.province.id}&nam={YEAR}", 5) in dash
    page, rep = _report(client, "/bao-cao/tong-ket", w.province.id)
    assert "Toàn tỉnh có 5 hội viên (bằng năm 2025)" in page
    seen = _check(client, rep)
    assert seen["hoi-vien"] == 3 * 3 and seen["danh-gia"] == 3  # two communes and the total
    # Drilling down: a commune's roll-up as the province sees it.
    _page, roll = _report(client, "/bao-cao/tong-hop", w.commune.id)
    assert _check(client, roll)["hoi-vien"] >= 12


def test_a_decrease_and_no_share_without_population(client, w):
    login(client, w.province_admin)
    page = client.get(f"/bao-cao/tong-ket?don_vi={w.other_commune.id}&ky={YEAR}").get_data(as_text=True)
    assert "Toàn xã có 1 hội viên (giảm 1 so với năm 2025)." in page
    assert "dân số." not in _section(page, 'id="organisation"', "</table>")
    pdf = client.get(f"/bao-cao/tong-ket.pdf?don_vi={w.commune.id}&ky={YEAR}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
