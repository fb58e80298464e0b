"""The organisation counts in the year report (page, htmx fragment, PDF), the roll-up and the home
page; and the lists they link to: assessments by step and unit, units by kind below a unit."""
import re
import subprocess

import pytest

from tests.conftest import login
from tests.factories import make_user
from tests.members.test_counts import org_world, title_world

HX = {"HX-Request": "true"}


@pytest.fixture
def w(world):
    w = world
    w.ow = org_world(world)
    w.fams = title_world(world)
    return w


def _total(page: str) -> int:
    return int(re.search(r'class="list-total">[^<]*<strong>([\d.]+)</strong>', page).group(1).replace(".", ""))


def test_the_year_report_opens_with_the_organisation_page_and_fragment(client, w):
    login(client, w.users["clerk"])
    for headers in ({}, HX):
        page = client.get("/bao-cao/tong-ket?ky=2026", headers=headers).get_data(as_text=True)
        org = page.index('id="organisation"')
        assert org < page.index("report-paragraph") < page.index("I. Kết quả vận động")
        assert "Toàn xã có 3 chi hội, ban khuyến học" in page
        assert "Toàn xã có 4 hội viên (tăng 1 so với năm 2025), chiếm 0,4 % dân số." in page
        assert 'id="titles-table"' in page and "Gia đình học tập" in page
        assert ("<html" in page) == (not headers)


def test_a_school_year_report_counts_the_31_december_it_holds(client, w):
    login(client, w.users["clerk"])
    page = client.get("/bao-cao/tong-ket?ky=2025-2026").get_data(as_text=True)
    assert "Hội viên đến 31/12/2025" in page and "Toàn xã có 3 hội viên (giảm 1 so với năm 2024)" in page


def test_the_year_report_pdf_opens_with_the_sentences(client, w):
    login(client, w.users["clerk"])
    resp = client.get("/bao-cao/tong-ket.pdf?ky=2026")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=resp.data, capture_output=True).stdout.decode()
    flat = " ".join(text.split())
    assert "Toàn xã có 4 hội viên (tăng 1 so với năm 2025), chiếm 0,4 % dân số." in flat
    assert "Có 4 gia đình đăng ký Gia đình học tập, 1 được công nhận (25 %)." in flat
    assert flat.index("Toàn xã có 4 hội viên") < flat.index("II. Kết quả vận động")


def test_the_rollup_shows_members_and_share_per_child_with_a_total(client, w):
    login(client, w.province_admin)
    for headers in ({}, HX):
        page = client.get("/bao-cao/tong-hop?ky=2026", headers=headers).get_data(as_text=True)
        table = page[page.index('id="members-table"'):]
        table = table[:table.index("</table>")]
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)[1:]
        assert len(rows) == 3  # two communes and the total
        assert w.commune.name in rows[0] + rows[1] and "Tổng cộng" in rows[2]
        assert ">4</a>" in table and ">5</a>" in table and "0,4 %" in table


def test_the_dashboard_opens_with_the_organisation(client, w):
    login(client, w.users["admin"])
    page = client.get("/").get_data(as_text=True)
    assert page.index('id="organisation"') < page.index('id="dashboard"')
    assert "Hội viên đến 31/12/" in page and "Chi hội, ban khuyến học" in page
    # The htmx swap of the period leaves the panel alone (it is the calendar year's, whatever the period).
    assert 'id="organisation"' not in client.get("/?ky=2026", headers=HX).get_data(as_text=True)


def test_no_population_invites_an_admin_to_set_it(client, w, app):
    login(client, w.users["admin"])
    panel = client.get("/").get_data(as_text=True).split('id="organisation"')[1].split("</section>")[0]
    assert "Chiếm 0,4 % dân số (1.000 người)" in panel and "Nhập số dân" not in panel  # positive control
    other = app.test_client()
    login(other, make_user(w.other_commune, "admin"))
    panel = other.get("/").get_data(as_text=True).split('id="organisation"')[1].split("</section>")[0]
    assert "Nhập số dân để tính tỷ lệ hội viên" in panel and "dân số (" not in panel
    viewer = app.test_client()
    login(viewer, make_user(w.other_commune, "viewer"))
    panel = viewer.get("/").get_data(as_text=True).split('id="organisation"')[1].split("</section>")[0]
    assert "Nhập số dân" not in panel and "Hội viên đến 31/12/" in panel


def test_assessments_by_step_and_unit(client, w):
    login(client, w.users["clerk"])
    base = "/khen-thuong/danh-gia?nam=2026&danh_hieu=family"
    assert _total(client.get(base).get_data(as_text=True)) == 4
    assert _total(client.get(base + "&buoc=dang-ky").get_data(as_text=True)) == 4
    assert _total(client.get(base + "&buoc=da-cham", headers=HX).get_data(as_text=True)) == 3
    page = client.get(base + "&buoc=cong-nhan").get_data(as_text=True)
    assert _total(page) == 1 and "Trần Văn An" in page and "Trần Văn Bình" not in page  # Bình: a draft only
    assert _total(client.get(base + f"&don_vi={w.branch.id}").get_data(as_text=True)) == 4
    assert _total(client.get(base + f"&don_vi={w.ow.a2.id}").get_data(as_text=True)) == 0
    assert client.get(base + f"&don_vi={w.other_branch.id}").status_code == 404  # not in the scope


def test_assessment_export_keeps_the_step(client, w):
    login(client, w.users["clerk"])
    resp = client.get("/khen-thuong/danh-gia/xuat.xlsx?nam=2026&danh_hieu=family&buoc=cong-nhan&format=csv")
    body = resp.get_data(as_text=True)
    assert "Trần Văn An" in body and "Trần Văn Bình" not in body and "Trần Văn Cường" not in body


def test_units_below_a_unit_by_kind_and_active(client, w):
    login(client, w.users["clerk"])
    url = f"/don-vi/?duoi={w.commune.id}&trang_thai=hoat-dong"
    assert _total(client.get(url + "&loai=chi-hoi").get_data(as_text=True)) == 3
    assert _total(client.get(url + "&loai=village", headers=HX).get_data(as_text=True)) == 1
    assert _total(client.get(f"/don-vi/?duoi={w.commune.id}&loai=village").get_data(as_text=True)) == 2  # + closed
    assert _total(client.get("/don-vi/").get_data(as_text=True)) == 5  # the commune and its four
    assert client.get(f"/don-vi/?duoi={w.other_commune.id}").status_code == 404
