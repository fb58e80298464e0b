"""Importing nominations from a school's .xlsx: template, preview with problems, confirm, bad files."""
import io
import re
import unicodedata

from app.core.xlsx import build_workbook
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.pupils.models import Pupil
from app.scholarships.importing import HEADERS
from app.scholarships.models import Nomination
from tests.factories_scholarships import make_category, make_pupil, make_round, make_school


def xlsx(rows, headers=HEADERS) -> bytes:
    return build_workbook(headers, rows)


def row(name, birth="05/02/2013", school="Trường THCS Lai Vung", cls="7A1", cat="Học bổng vượt khó",
        circ="Hộ nghèo", guardian="Tôn Thất Hùng"):
    return [1, name, birth, "Nữ", "Kinh", school, cls, "Ấp Tân Lộc", guardian, "0912345678", circ, cat, "", "Nhà nghèo"]


def _setup(world):
    school = make_school(world.commune, "Trường THCS Lai Vung")
    rnd = make_round(world.commune)
    make_category(rnd, 500_000, name="Học bổng vượt khó")
    return rnd, school


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, rnd, data: bytes, filename="ds.xlsx"):
    return client.post(f"/hoc-bong/{rnd.id}/nhap-excel", data={"file": (io.BytesIO(data), filename),
                                                               "proposer": "Trường THCS Lai Vung"},
                       content_type="multipart/form-data")


def test_template_has_vietnamese_headers(world, as_user):
    rnd, _ = _setup(world)
    resp = as_user(world.users["clerk"]).get(f"/hoc-bong/{rnd.id}/mau-excel")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert [c.value for c in ws[1]] == HEADERS


def test_preview_shows_each_rows_problem_and_writes_nothing_until_confirmed(world, as_user):
    rnd, school = _setup(world)
    known = make_pupil(world.commune, "Tôn Nữ Thị Minh Khuê", birth_date=None, birth_year=2013, school=school)
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    data = xlsx([row("Tôn Nữ Thị Minh Khuê", birth=2013), row(nfd), row(nfd),  # the same new pupil twice
                 row("", birth="01/01/2013"), row("Lê Văn Bình", birth="31/02/2013"),
                 row("Trần Văn Cường", school="Trường Không Có"), row("Phạm Thị Dung", cat="Học bổng lạ")])
    client = as_user(world.users["clerk"])
    before = (_count(Pupil), _count(Nomination))
    resp = _upload(client, rnd, data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Thiếu họ và tên." in page and "không có trong lịch" in page
    assert "Trường mới “Trường Không Có”: sẽ thêm vào danh sách trường." in page
    assert "Loại học bổng “Học bổng lạ” không có trong đợt này." in page
    assert "Đã có trong sổ: dùng hồ sơ cũ." in page and "Trùng với dòng 3 trong tệp" in page
    assert (_count(Pupil), _count(Nomination)) == before
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    key = re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"', page, re.S).group(1)
    for _ in range(2):  # a double submit imports once
        assert client.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan",
                           data={"token": token, "idem_key": key}).status_code == 303
    assert _count(Nomination) == before[1] + 4
    assert _count(Pupil) == before[0] + 2  # two new pupils (one of a new school), the known one matched
    new = db.session.scalar(select(Pupil).where(Pupil.id != known.id, Pupil.ten == "Tuyết"))
    assert new.full_name == "Nguyễn Thị Ánh Tuyết" and new.search_key == "nguyen thi anh tuyet"
    assert (new.ho, new.dem, new.ten) == ("Nguyễn", "Thị Ánh", "Tuyết") and new.poor and new.grade == 7


def test_a_file_that_is_not_xlsx_is_refused_with_a_message(world, as_user):
    rnd, _ = _setup(world)
    client = as_user(world.users["clerk"])
    resp = _upload(client, rnd, b"Ho va ten;Ngay sinh\nA;B\n", "ds.csv")
    assert resp.status_code == 422
    assert "không phải là tệp Excel" in resp.get_data(as_text=True)
    resp = _upload(client, rnd, b"PK\x03\x04garbage", "ds.xlsx")
    assert resp.status_code == 422 and "Excel" in resp.get_data(as_text=True)


def test_a_sheet_without_the_name_column_is_refused(world, as_user):
    rnd, _ = _setup(world)
    resp = _upload(as_user(world.users["clerk"]), rnd, xlsx([["x"]], headers=["Tên học sinh?"]))
    assert resp.status_code == 422 and "Họ và tên" in resp.get_data(as_text=True)


def test_another_users_token_cannot_be_confirmed(app, world, as_user):
    rnd, _ = _setup(world)
    page = _upload(as_user(world.users["clerk"]), rnd, xlsx([row("Lê Thị An")])).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    from tests.conftest import login

    other = app.test_client()
    login(other, world.users["treasurer"])
    resp = other.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan", data={"token": token, "idem_key": "a" * 32})
    assert resp.status_code == 303 and _count(Nomination) == 0


def test_preview_shows_each_rows_amount_and_the_total_and_keeps_phones_zero(world, as_user):
    rnd, school = _setup(world)
    make_category(rnd, 1_000_000, name="Học bổng tài năng", goods_item="vở", goods_unit="quyển", goods_quantity=10)
    make_pupil(world.commune, "Lê Văn Ẩn", birth_date=None, birth_year=2013, school=school)
    data = [row("Lê Văn Ân", birth=2013), row("Trần Thị Hạ", cat="Học bổng tài năng"), row("", cat="Học bổng lạ")]
    data[0][9] = 912345678  # Excel kept the phone as a number: the 0 is gone
    client = as_user(world.users["clerk"])
    page = _upload(client, rnd, xlsx(data)).get_data(as_text=True)
    assert "2 dòng hợp lệ, tổng 1.500.000 đ và 10 quyển vở" in page
    assert "Xác nhận nhập 2 dòng hợp lệ (1.500.000 đ)" in page
    assert re.search(r'data-label="Mỗi suất">500.000 đ</td>', page)
    assert re.search(r'data-label="Mỗi suất">1.000.000 đ và 10 quyển vở</td>', page)
    assert 'data-label="Điện thoại">0912345678<' in page
    # Ân is not Ẩn: a new pupil, not the one in the register
    assert "Đã có trong sổ" not in page and page.count("Học sinh mới: sẽ thêm vào sổ.") == 2
    fields = {"token": re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1),
              "idem_key": re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"',
                                    page, re.S).group(1)}
    assert client.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan", data=fields).status_code == 303
    an = db.session.scalar(select(Pupil).where(Pupil.ten == "Ân"))
    assert an.phone == "0912345678" and _count(Nomination) == 2
    assert sorted(db.session.scalars(select(Nomination.amount))) == [500_000, 1_000_000]
