"""Pupils imported from .xlsx on the pupil list itself: no round, no category; phones keep their 0;
"same name" means the same name with its diacritics (and birth year)."""
import io
import re
from datetime import date

from app.core.xlsx import build_workbook
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.pupils.importing import HEADERS
from app.pupils.models import Pupil
from app.scholarships.models import Nomination
from tests.factories_scholarships import make_pupil, make_school


def xlsx(rows, headers=HEADERS) -> bytes:
    return build_workbook(headers, rows)


def row(name, birth="05/02/2013", phone=912345678, school="Trường THCS Lai Vung", guardian="Lê Văn Hùng"):
    return [1, name, birth, "Nữ", "Kinh", school, "7A1", "Ấp Tân Lộc", guardian, phone, "Hộ nghèo"]


def _count():
    return db.session.scalar(select(func.count()).select_from(Pupil))


def _upload(client, data: bytes, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post("/hoc-sinh/nhap-excel", data={"file": (io.BytesIO(data), "ds.xlsx"), "school_year": "2026-2027"},
                       content_type="multipart/form-data", headers=headers)


def _confirm_fields(page):
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    key = re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"', page, re.S).group(1)
    return {"token": token, "idem_key": key}


def test_the_pupil_list_offers_the_import_and_its_template(world, as_user):
    client = as_user(world.users["clerk"])
    page = client.get("/hoc-sinh/").get_data(as_text=True)
    assert 'href="/hoc-sinh/nhap-excel"' in page and "Nhập từ Excel" in page
    form = client.get("/hoc-sinh/nhap-excel")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.get_data(as_text=True)
    ws = load_workbook(io.BytesIO(client.get("/hoc-sinh/nhap-excel/mau.xlsx").data)).active
    assert [c.value for c in ws[1]] == HEADERS


def test_a_user_who_may_not_add_pupils_sees_no_import(world, as_user):
    client = as_user(world.users["viewer"])
    resp = client.get("/hoc-sinh/")
    assert resp.status_code == 200 and "thêm học sinh" in resp.get_data(as_text=True)  # the list, saying who can
    assert "Nhập từ Excel" not in resp.get_data(as_text=True)
    assert client.get("/hoc-sinh/nhap-excel").status_code == 403


def test_preview_then_confirm_adds_new_pupils_without_any_round(world, as_user):
    school = make_school(world.commune, "Trường THCS Lai Vung")
    known = make_pupil(world.commune, "Trần Thị Mai", birth_date=date(2013, 2, 5), school=school)
    data = xlsx([row("Trần Thị Mai"),  # already in the register: left as it is
                 row("Phạm Văn Ân", phone=912345678.0), row("Phạm Văn Ân"),  # one new pupil, twice in the file
                 row("Lê Thị Hà", phone=12345),  # a phone that is no Vietnamese number: warned
                 row("", birth="01/01/2013"), row("Võ Văn Tám", school="Trường Không Có")])
    client = as_user(world.users["clerk"])
    before = _count()
    resp = _upload(client, data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Đã có trong sổ: bỏ qua (hồ sơ cũ giữ nguyên)." in page and "Trùng với dòng 3 trong tệp" in page
    assert "0912345678" in page and "“12345” không giống số Việt Nam" in page
    assert "Thiếu họ và tên." in page and "Trường mới “Trường Không Có”: sẽ thêm vào danh sách trường." in page
    assert "Sẽ thêm 1 trường mới: Trường Không Có (1 học sinh)." in page  # added by the confirmation
    assert "3 học sinh mới" in page and 'data-label="Điện thoại"' in page
    assert _count() == before  # nothing written by the preview
    fields = _confirm_fields(page)
    for _ in range(2):  # a double submit adds them once
        assert client.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields).status_code == 303
    assert _count() == before + 3
    tam = db.session.scalar(select(Pupil).where(Pupil.ten == "Tám"))
    assert tam.school.name == "Trường Không Có" and tam.school.unit_id == world.users["clerk"].unit_id
    an = db.session.scalar(select(Pupil).where(Pupil.ten == "Ân"))
    assert an.phone == "0912345678" and an.school_year == "2026-2027" and an.poor and an.school_id == school.id
    assert db.session.get(Pupil, known.id).phone == ""
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0


def test_the_upload_answers_htmx_with_the_fragment(world, as_user):
    make_school(world.commune, "Trường THCS Lai Vung")
    resp = _upload(as_user(world.users["clerk"]), xlsx([row("Lê Văn An")]), htmx=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and page.lstrip().startswith('<div id="import">') and "<html" not in page


def test_a_bad_file_is_refused_beside_the_field(world, as_user):
    client = as_user(world.users["clerk"])
    resp = _upload(client, xlsx([["x"]], headers=["Tên học sinh?"]))
    assert resp.status_code == 422 and "Họ và tên" in resp.get_data(as_text=True)
    resp = client.post("/hoc-sinh/nhap-excel", data={"file": (io.BytesIO(b"a;b"), "ds.csv")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "không phải là tệp Excel" in resp.get_data(as_text=True)


def test_same_name_means_with_diacritics_and_the_same_birth_year(world, as_user):
    school = make_school(world.commune, "Trường THCS Lai Vung")
    for name in ("Nguyễn Văn Ẩn", "Lê Thị Hạ", "Trần Văn Đức"):
        make_pupil(world.commune, name, birth_date=date(2013, 1, 1), school=school)
    make_pupil(world.commune, "Nguyễn  Văn An", birth_date=date(2013, 1, 1), school=school)
    make_pupil(world.commune, "Phan Văn Bảy", birth_date=date(2011, 1, 1), school=school)
    data = xlsx([row("Nguyễn Văn Ân", guardian=""), row("Lê Thị Hà", guardian=""),
                 row("Trần Văn Thành Đức", guardian=""),
                 row("nguyễn văn an", guardian=""),  # same name, same year, another birth date: flagged
                 row("Phan Văn Bảy", guardian="")])  # same name, another birth year: not flagged
    page = _upload(as_user(world.users["clerk"]), data).get_data(as_text=True)
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'data-label="Dòng">(\d+)</td>(.*?)</tr>', page, re.S)}
    assert "trùng tên" not in rows["2"] and "trùng tên" not in rows["3"] and "trùng tên" not in rows["4"]
    assert "Sổ đã có học sinh trùng tên: Nguyễn Văn An (01/01/2013" in rows["5"]
    assert "trùng tên" not in rows["6"]
    assert page.count("Sổ đã có học sinh trùng tên") == 1
