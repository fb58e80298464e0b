"""Members imported from a chi hội's .xlsx list: preview with per-row errors, all or nothing, once."""
import io
import re
import unicodedata
from datetime import date, datetime

import pytest
from app.core.xlsx import build_workbook
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core import xlsx
from app.extensions import db
from app.members import importing
from app.members.importing import HEADERS
from app.members.models import Member
from tests.conftest import login
from tests.factories_members import make_member

URL = "/hoi-vien/nhap"


def book(rows, headers=HEADERS) -> bytes:
    return build_workbook(headers, rows)


def line(name, number=None, birth=1958, gender="Nam", joined="15/03/2019", job="Cựu chiến binh", phone=912345678,
         village="Thôn Tân Lộc", note=""):
    return [number, name, birth, gender, "", village, phone, job, joined, note]


def count(**where) -> int:
    db.session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    return db.session.scalar(select(func.count()).select_from(Member).filter_by(**where))


def upload(client, data: bytes, unit_id=None, htmx=False):
    form = {"file": (io.BytesIO(data), "ds.xlsx")}
    if unit_id is not None:
        form["unit_id"] = str(unit_id)
    return client.post(URL, data=form, content_type="multipart/form-data",
                       headers={"HX-Request": "true"} if htmx else {})


def confirm_fields(page: str) -> dict:
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    key = re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"', page, re.S).group(1)
    return {"token": token, "idem_key": key}


def client_of(app, user):
    """A second browser, logged in as `user` (the first client keeps its session)."""
    client = app.test_client()
    login(client, user)
    return client


def row_cells(page: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'data-label="Dòng">(\d+)</td>(.*?)</tr>', page, re.S)}


def test_the_template_and_the_upload_form_with_the_units_below(world, as_user):
    client = as_user(world.users["clerk"])
    ws = load_workbook(io.BytesIO(client.get(f"{URL}/mau.xlsx").data)).active
    assert [c.value for c in ws[1]] == HEADERS and ws.max_row == 3
    page = client.get(URL).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Chi hội ấp Tân Lộc" in page
    assert "Hội Khuyến học xã Hòa An" not in page  # another commune is no choice


def test_a_user_without_the_register_role_may_not_import(world, as_user):
    client = as_user(world.users["viewer"])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/mau.xlsx").status_code == 403
    assert upload(client, book([line("Lê Văn Tư")])).status_code == 403


def test_messy_vietnamese_rows_preview_then_confirm_once(world, as_user):
    make_member(world.commune, "Lê Văn Cường", birth_year=1955, number=3)
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    data = book([
        line(nfd, gender="Nữ", joined=datetime(2018, 5, 1), job="nha giao nghi huu"),  # decomposed, an Excel date
        line("  Trần   Văn  Bình ", number=50, joined="02/09/2015", job="CỰU CHIẾN BINH"),  # extra spaces
        line("nguyen van a", birth="1962", joined=43500, job="Bán tạp hóa"),  # no marks, a day number, unknown job
        line("Lê Văn Cường", birth=1955),  # already in the register: left out
        line("Phạm Thị Hoa", gender="nu", birth=None, joined="2010", phone="0987 654 321"),  # a year alone
        line("TRẦN THỊ BÉ", gender="Nữ", job=""),  # in capitals
    ])
    client = as_user(world.users["clerk"])
    before = count()
    resp = upload(client, data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page
    rows = row_cells(page)
    assert "Nguyễn Thị Lan" in rows["2"] and "01/05/2018" in rows["2"] and "Nhà giáo nghỉ hưu" in rows["2"]
    assert "Trần Văn Bình" in rows["3"] and "với số thẻ 50" in rows["3"]
    assert "Nguyen Van A" in rows["4"] and "Họ tên không có dấu" in rows["4"]
    assert "Nghề nghiệp “Bán tạp hóa” không có trong danh mục: ghi là “Khác”." in rows["4"]
    assert "Đã có trong sổ: Lê Văn Cường (số thẻ 3)" in rows["5"]
    assert "Ngày vào hội chỉ có năm: ghi là 01/01/2010." in rows["6"]
    assert "Trần Thị Bé" in rows["7"]
    assert "5 hội viên mới" in page and "1 đã có trong sổ" in page and "0 dòng có lỗi" in page
    assert count() == before  # nothing written by the preview
    fields = confirm_fields(page)
    for _ in range(2):  # a double submit adds them once
        assert client.post(f"{URL}/xac-nhan", data=fields).status_code == 303
    assert count() == before + 5
    by_name = {m.full_name: m for m in db.session.scalars(select(Member))}
    lan = by_name["Nguyễn Thị Lan"]
    assert lan.ho == "Nguyễn" and lan.ten == "Lan" and lan.gender == "female" and lan.joined_on == date(2018, 5, 1)
    assert lan.occupation == "retired_teacher" and lan.phone == "0912345678" and lan.unit_id == world.commune.id
    assert by_name["Trần Văn Bình"].number == 50 and by_name["Trần Văn Bình"].occupation == "veteran"
    a = by_name["Nguyen Van A"]
    assert a.joined_on == date(2019, 2, 4) and a.occupation == "other" and "Bán tạp hóa" in a.note
    assert a.birth_year == 1962 and a.number not in (3, 50)  # the unit's next free number
    assert by_name["Phạm Thị Hoa"].joined_on == date(2010, 1, 1) and by_name["Phạm Thị Hoa"].gender == "female"
    assert by_name["Trần Thị Bé"].occupation == "" and len({m.number for m in by_name.values()}) == 6


def test_the_upload_answers_htmx_with_the_fragment(world, as_user):
    resp = upload(as_user(world.users["clerk"]), book([line("Lê Văn Tư")]), htmx=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and page.lstrip().startswith('<div id="import">') and "<html" not in page


def test_a_one_row_file_with_an_error_shows_it_and_offers_no_confirmation(world, as_user):
    client = as_user(world.users["clerk"])
    page = upload(client, book([line("Võ Văn Tám", joined="31/02/2019")])).get_data(as_text=True)
    assert "31/02/2019" in row_cells(page)["2"] and "không đọc được" in row_cells(page)["2"]
    assert 'id="import-confirm"' not in page and 'id="import-blocked"' in page
    assert count() == 0


def test_rows_in_error_block_the_whole_file_and_nothing_is_written(world, as_user):
    make_member(world.commune, "Đỗ Văn Sáu", number=7)
    data = book([line("Lê Văn Một"), line("", joined="01/01/2019"), line("Lê Văn Hai", joined="hôm qua"),
                 line("Lê Văn Ba", number=7), line("Lê Văn Bốn", number=9), line("Lê Văn Năm", number=9),
                 line("Lê Văn Một"), line("Lê Văn Sáu", birth=1890), line("Lê Văn Bảy", joined="")])
    client = as_user(world.users["clerk"])
    page = upload(client, data).get_data(as_text=True)
    rows = row_cells(page)
    assert "Thiếu họ và tên." in rows["3"]
    assert "Ngày vào hội “hôm qua” không đọc được" in rows["4"]
    assert "Số thẻ 7 đã cấp cho Đỗ Văn Sáu" in rows["5"]
    assert "Số thẻ 9 trùng với dòng 6 trong tệp." in rows["7"]
    assert "Trùng với dòng 2 trong tệp (cùng họ tên và năm sinh)." in rows["8"]
    assert "Năm sinh phải từ 1900" in rows["9"] and "Thiếu ngày vào hội." in rows["10"]
    assert "class=\"error\"" not in rows["2"] and "7 dòng có lỗi" in page
    assert 'id="import-confirm"' not in page
    assert count() == 1


def test_a_number_given_since_the_preview_refuses_the_confirmation_and_writes_nothing(world, as_user):
    client = as_user(world.users["clerk"])
    page = upload(client, book([line("Lê Văn Một", number=12), line("Lê Văn Hai")])).get_data(as_text=True)
    fields = confirm_fields(page)
    make_member(world.commune, "Đỗ Văn Sáu", number=12)
    resp = client.post(f"{URL}/xac-nhan", data=fields)
    assert resp.status_code == 422 and "Số thẻ 12 đã cấp cho Đỗ Văn Sáu" in resp.get_data(as_text=True)
    assert 'id="import-confirm"' not in resp.get_data(as_text=True)
    assert count() == 1


def test_a_member_added_since_the_preview_is_left_out_not_added_twice(world, as_user):
    client = as_user(world.users["clerk"])
    page = upload(client, book([line("Lê Văn Một"), line("Lê Văn Hai")])).get_data(as_text=True)
    make_member(world.commune, "Lê Văn Hai", birth_year=1958)
    assert client.post(f"{URL}/xac-nhan", data=confirm_fields(page)).status_code == 303
    assert count() == 2


def test_the_list_goes_to_a_chi_hoi_chosen_below_the_users_unit(world, as_user):
    make_member(world.branch, "Lê Văn Một", birth_year=1958, number=1)
    client = as_user(world.users["clerk"])
    page = upload(client, book([line("Lê Văn Một"), line("Lê Văn Hai", number=1)]), unit_id=world.branch.id)
    text = page.get_data(as_text=True)
    assert "Chi hội ấp Tân Lộc" in text and "Đã có trong sổ" in text
    assert "Số thẻ 1 đã cấp cho Lê Văn Một" in text  # numbers are the chi hội's own series
    page = upload(client, book([line("Lê Văn Hai", number=1)]), unit_id=world.commune.id).get_data(as_text=True)
    assert client.post(f"{URL}/xac-nhan", data=confirm_fields(page)).status_code == 303
    page = upload(client, book([line("Lê Văn Ba")]), unit_id=world.branch.id).get_data(as_text=True)
    assert client.post(f"{URL}/xac-nhan", data=confirm_fields(page)).status_code == 303
    assert count(unit_id=world.branch.id) == 2 and count(unit_id=world.commune.id) == 1


def test_a_unit_outside_the_users_scope_is_refused(world, as_user, app):
    client = as_user(world.users["clerk"])
    resp = upload(client, book([line("Lê Văn Một")]), unit_id=world.other_commune.id)
    assert resp.status_code == 422 and 'id="import-confirm"' not in resp.get_data(as_text=True)
    branch_client = client_of(app, world.branch_user)
    assert upload(branch_client, book([line("Lê Văn Một")]), unit_id=world.commune.id).status_code == 422
    assert count() == 0


def test_a_confirmation_of_someone_elses_upload_is_refused(world, as_user, app):
    page = upload(as_user(world.users["clerk"]), book([line("Lê Văn Một")])).get_data(as_text=True)
    fields = confirm_fields(page)
    other = client_of(app, world.users["treasurer"])
    resp = other.post(f"{URL}/xac-nhan", data={**fields, "idem_key": "0" * 32})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(URL)
    assert count() == 0


def test_the_preview_page_reopens_from_its_token(world, as_user):
    client = as_user(world.users["clerk"])
    fields = confirm_fields(upload(client, book([line("Lê Văn Một")])).get_data(as_text=True))
    page = client.get(f"{URL}/xem-truoc?token={fields['token']}")
    assert page.status_code == 200 and "Lê Văn Một" in page.get_data(as_text=True)
    assert client.get(f"{URL}/xem-truoc?token={'a' * 32}").status_code == 303


@pytest.mark.parametrize("headers", [
    ["so the", "ho va ten", "nam sinh", "gioi tinh", "dia chi", "thon to", "dien thoai", "nghe nghiep", "ngay vao hoi",
     "ghi chu"],
    ["STT", "Họ tên", "Năm sinh", "Giới tính", "Địa chỉ", "Thôn, tổ", "SĐT", "Nghề nghiệp", "Ngày vào Hội", "Ghi chú"],
])
def test_headers_are_read_with_or_without_diacritics(world, as_user, headers):
    page = upload(as_user(world.users["clerk"]), book([line("Lê Văn Một")], headers=headers)).get_data(as_text=True)
    assert "1 hội viên mới" in page and "Thôn Tân Lộc" in page and "15/03/2019" in page


def test_a_file_without_the_name_column_is_refused_beside_the_field(world, as_user):
    resp = upload(as_user(world.users["clerk"]), book([["x"]], headers=["Tên gì?"]))
    assert resp.status_code == 422 and "Họ và tên" in resp.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, as_user, monkeypatch):
    opened = []
    monkeypatch.setattr(importing, "MAX_BYTES", 2000)
    monkeypatch.setattr(xlsx, "_check_zip", lambda *a, **kw: opened.append(1))
    data = book([line(f"Lê Văn Số {i}") for i in range(200)])
    assert len(data) > 2000
    resp = upload(as_user(world.users["clerk"]), data)
    assert resp.status_code == 422 and "Tệp quá lớn" in resp.get_data(as_text=True)
    assert opened == [] and count() == 0


def test_a_failed_batch_keeps_the_earlier_ones_and_confirming_again_adds_exactly_the_rest(
        app, world, as_user, monkeypatch):
    from app.members import services

    app.config.update(IMPORT_BATCH_ROWS=2, IMPORT_BATCH_PAUSE=0)
    make_member(world.commune, "Lê Văn Cũ", birth_year=1958)  # in the register: left out, before and after
    names = [f"Trần Thị Lô {chr(65 + i)}" for i in range(5)]
    client = as_user(world.users["clerk"])
    page = upload(client, book([line(n) for n in names] + [line("Lê Văn Cũ")])).get_data(as_text=True)
    fields = confirm_fields(page)
    real, calls = services.bulk_create_members, []

    def second_fails(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise services.MemberError("Sự cố giả lập.", "number")
        return real(*args, **kw)

    monkeypatch.setattr(services, "bulk_create_members", second_fails)
    resp = client.post(f"{URL}/xac-nhan", data=fields)
    assert resp.status_code == 422 and "Đã ghi 2/5 hội viên mới" in resp.get_data(as_text=True)
    assert count() == 3
    monkeypatch.setattr(services, "bulk_create_members", real)
    resp = client.post(f"{URL}/xac-nhan", data=fields, htmx=True)  # the same upload, with htmx
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].startswith("/hoi-vien/")
    assert count() == 6
    assert sorted(db.session.scalars(select(Member.ten).where(Member.ho == "Trần"))) == sorted(
        n.rsplit(" ", 1)[1] for n in names)
    assert len(set(db.session.scalars(select(Member.number)))) == 6
    client.post(f"{URL}/xac-nhan", data=fields)  # a third click: nothing new
    assert count() == 6


def test_the_registers_own_export_reads_back_and_every_row_is_already_there(world, as_user):
    make_member(world.commune, "Lê Văn Cường", birth_year=1955, village="Ấp Tân Lộc", phone="0912345678")
    make_member(world.branch, "Phạm Thị Hoa", birth_year=1960)
    client = as_user(world.users["clerk"])
    exported = client.get("/hoi-vien/xuat.xlsx?trang_thai=tat-ca")
    assert exported.status_code == 200
    page = upload(client, exported.data).get_data(as_text=True)
    rows = row_cells(page)
    assert "Đã có trong sổ: Lê Văn Cường" in page and "Đã có trong sổ: Phạm Thị Hoa" in page
    assert len(rows) == 2 and "Ấp Tân Lộc" in page and 'id="import-confirm"' not in page
