"""The organisation counts in the two spreadsheet exports: the year report's workbook opens with a
sheet "Tổ chức hội" (the page's sentences, chi hội by kind, members per child unit with the total,
learning titles step by step), the roll-up's workbook adds "Hội viên theo đơn vị"; both as the
pages show them, counts as numbers, per cents as numbers with one decimal, no population an empty cell."""
import csv
import html as htmllib
import io
import re

import pytest
from openpyxl import load_workbook

from app.members import counts
from app.reports import sentences
from app.reports.routes import ROLLUP_HEADERS
from tests.members.test_counts import org_world, title_world

HX = {"HX-Request": "true"}
OLD_SHEETS = ["Tổng hợp", "Đợt vận động", "Heo đất", "Học bổng", "Học bổng theo diện", "Khen thưởng", "Quỹ",
              "Nhận định"]


@pytest.fixture
def w(world):
    world.ow = org_world(world)
    world.fams = title_world(world)
    return world


def _workbook(client, url, headers=None):
    resp = client.get(url, headers=headers or {})
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(resp.data))


def _block(ws, caption):
    """(header cells, body rows of cells) of the table under `caption` in column A, up to a blank row."""
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == caption)
    body = []
    for r in rows[start + 2:]:
        if r[0].value is None:
            break
        body.append(r)
    return [c.value for c in rows[start + 1]], body


def _values(rows, width):
    return [[c.value for c in r[:width]] for r in rows]


def _page_members(page: str) -> list[list]:
    """The page's members table as cell values: names, counts as ints, the share as a number or None."""
    table = page[page.index('id="members-table"'):]
    table = table[:table.index("</table>")]
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        share = cells[5].replace(" %", "").replace(",", ".")
        out.append([cells[0], *(int(c.replace(".", "").replace("+", "")) for c in cells[1:5]),
                    float(share) if share else None])
    return out


def _sheet_members(rows) -> list[list]:
    """The workbook's members rows, names as the page writes them (it greys a closed unit, no suffix)."""
    return [[r[0].replace(" (ngừng hoạt động)", ""), *r[1:]] for r in rows]


def _assert_total_is_the_sum(values):
    body, total = values[:-1], values[-1]
    assert total[0] == "Tổng cộng"
    for col in range(1, 5):  # on the roll, joined, ended, against last year: all additive
        assert total[col] == sum(r[col] for r in body)


def test_the_year_report_workbook_opens_with_the_organisation_as_on_the_page(client, w, as_user):
    client = as_user(w.users["clerk"])
    page = client.get("/bao-cao/tong-ket?ky=2026").get_data(as_text=True)
    for headers in ({}, HX):
        wb = _workbook(client, "/bao-cao/tong-ket.xlsx?ky=2026", headers)
        assert wb.sheetnames == ["Tổ chức hội", *OLD_SHEETS]  # added first, the others as they were
        ws = wb["Tổ chức hội"]
        assert ws["A1"].value == f"{w.commune.name} - Năm 2026"
        org = counts.compute(w.commune, 2026)
        said = sentences.organisation_sentences(org)
        assert [ws.cell(row=2 + i, column=1).value for i in range(len(said))] == said
        assert "Toàn xã có 4 hội viên (tăng 1 so với năm 2025), chiếm 0,4 % dân số." in said
        for s in said:
            assert s in htmllib.unescape(page)

        head, rows = _block(ws, "Hội viên đến 31/12/2026")
        assert head == ["Đơn vị", "Hội viên", "Vào hội trong năm", "Ra khỏi hội, từ trần", "So với năm 2025",
                        "Tỷ lệ dân số (%)"]
        values = _values(rows, 6)
        assert _sheet_members(values) == _page_members(page)
        _assert_total_is_the_sum(values)
        assert values[-1][1:] == [4, 2, 1, 1, 0.4]
        by_name = {v[0]: v for v in values}
        assert by_name[f"{w.commune.name} (trực tiếp)"][1] == 1  # the commune's own member (m6)
        assert by_name[w.branch.name][1:] == [3, 1, 1, 0, 0.6]  # m1 m2 m3; m3 joined; m4 left
        assert f"{w.ow.closed.name} (ngừng hoạt động)" in by_name
        total = rows[-1]
        assert [c.number_format for c in total[1:5]] == ["#,##0"] * 4 and total[5].number_format == "0.0"
        assert all(c.font.b for c in total)

        head, rows = _block(ws, "Chi hội, ban khuyến học (đang hoạt động)")
        kinds = _values(rows, 2)
        assert kinds[-1] == ["Tổng cộng", 3] and sum(n for _k, n in kinds[:-1]) == 3

        head, rows = _block(ws, "Danh hiệu học tập năm 2026")
        assert head[:5] == ["Danh hiệu", "Đăng ký", "Đã chấm điểm", "Được công nhận", "Công nhận / đăng ký (%)"]
        assert _values(rows, 5) == [["Gia đình học tập", 4, 3, 1, 25.0]]
        assert rows[0][4].number_format == "0.0" and rows[0][1].number_format == "#,##0"
        # The tables that were there stay as they were.
        assert wb["Tổng hợp"]["A2"].value == "Đơn vị" and wb["Nhận định"]["A2"].value == "Nội dung"


def test_a_unit_without_a_population_has_an_empty_share_cell_not_0(w, as_user):
    client = as_user(w.users["clerk"])
    values = _values(_block(_workbook(client, "/bao-cao/tong-ket.xlsx?ky=2026")["Tổ chức hội"],
                            "Hội viên đến 31/12/2026")[1], 6)
    by_name = {v[0]: v for v in values}
    assert by_name[w.branch.name][5] == 0.6  # positive control: a population, a share
    assert by_name[w.ow.a2.name][5] is None  # the school's chi hội has none: empty, not 0
    assert by_name[f"{w.commune.name} (trực tiếp)"][5] is None  # the commune's population covers the subtree


def test_the_province_year_report_has_a_row_per_commune_equal_to_its_page(w, as_user):
    client = as_user(w.province_admin)
    page = client.get("/bao-cao/tong-ket?ky=2026").get_data(as_text=True)
    ws = _workbook(client, "/bao-cao/tong-ket.xlsx?ky=2026")["Tổ chức hội"]
    values = _values(_block(ws, "Hội viên đến 31/12/2026")[1], 6)
    assert _sheet_members(values) == _page_members(page)
    _assert_total_is_the_sum(values)
    by_name = {v[0]: v for v in values}
    assert by_name[w.commune.name][1:] == [4, 2, 1, 1, 0.4]
    assert by_name[w.other_commune.name][1:] == [1, 0, 1, -1, None]  # B: no population, an empty share
    assert ws.cell(row=2, column=1).value.startswith("Toàn tỉnh có 4 chi hội, ban khuyến học")


@pytest.mark.parametrize("who", ["clerk", "province"])
def test_the_rollup_workbook_adds_members_per_child_unit_as_the_page_shows(w, as_user, who):
    client = as_user(w.users["clerk"] if who == "clerk" else w.province_admin)
    page = client.get("/bao-cao/tong-hop?ky=2026").get_data(as_text=True)
    for headers in ({}, HX):
        wb = _workbook(client, "/bao-cao/tong-hop.xlsx?ky=2026", headers)
        assert wb.sheetnames == ["Tổng hợp", "Hội viên theo đơn vị"]
        money = list(wb["Tổng hợp"].iter_rows(values_only=True))
        assert list(money[0]) == ROLLUP_HEADERS and money[-1][0] == "Tổng cộng"  # the first sheet as it was
        ws = wb["Hội viên theo đơn vị"]
        head, rows = _block(ws, "Hội viên đến 31/12/2026")
        assert head[1] == "Hội viên" and head[5] == "Tỷ lệ dân số (%)"
        values = _values(rows, 6)
        assert _sheet_members(values) == _page_members(page)
        _assert_total_is_the_sum(values)
        assert values[-1][1] == (4 if who == "clerk" else 5)
        # The province's 5 members over commune A's 1.000 people (B has no population).
        assert values[-1][5] == (0.4 if who == "clerk" else 0.5) and rows[-1][5].number_format == "0.0"
        assert all(isinstance(v, int) for v in values[-1][1:5])
        if who == "province":
            assert {v[0]: v[5] for v in values}[w.other_commune.name] is None
        assert _values(_block(ws, "Danh hiệu học tập năm 2026")[1], 5)[0][1:] == (
            [4, 3, 1, 25.0] if who == "clerk" else [5, 3, 1, 20.0])


def test_the_rollup_csv_stays_one_table(w, as_user):
    client = as_user(w.users["clerk"])
    resp = client.get("/bao-cao/tong-hop.xlsx?ky=2026&format=csv")
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ROLLUP_HEADERS and rows[-1][0] == "Tổng cộng"
    assert not any("Hội viên" in cell for r in rows for cell in r)
