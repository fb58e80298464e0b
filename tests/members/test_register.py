"""The member register's pages: list, search, filters, order, add with the duplicate check, edit,
end and rejoin, scope and roles, export."""
import csv
import io
import uuid
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.members.models import Member
from tests.factories_members import end_member, make_member


def _count(*where):
    return db.session.scalar(select(func.count()).select_from(Member).where(*where))


def _new(**kw):
    data = {"unit_id": "", "name": "Nguyễn Văn An", "birth_year": "1958", "gender": "male",
            "occupation": "veteran", "village": "Thôn Đông", "address": "", "phone": "0912 345 678",
            "joined_on": "2024-03-01", "number": "", "note": "", "idem_key": uuid.uuid4().hex}
    data.update(kw)
    return data


# ---- the list ----------------------------------------------------------------------------------

def test_list_shows_the_total_the_add_action_and_cards_with_labels(world, as_user):
    make_member(world.commune, "Nguyễn Văn An")
    make_member(world.branch, "Trần Thị Bình")
    page = as_user(world.users["clerk"]).get("/hoi-vien/").get_data(as_text=True)
    assert '<p class="list-total">Tổng số: <strong>2</strong> hội viên</p>' in page
    assert "+ Thêm hội viên" in page and 'href="/hoi-vien/nhap"' in page
    assert 'href="/hoi-vien/hoi-phi/"' in page and 'href="/hoi-vien/the/"' in page
    assert 'data-label="Họ và tên"' in page and "Trần Thị Bình" in page


def test_total_uses_the_thousands_separator(world, as_user):
    from tests.factories_members import make_members
    make_members(world.branch, 1005)
    page = as_user(world.users["viewer"]).get("/hoi-vien/").get_data(as_text=True)
    assert '<p class="list-total">Tổng số: <strong>1.005</strong> hội viên</p>' in page
    assert "Trang 1 / 26" in page


def test_htmx_search_answers_the_rows_fragment_only(world, as_user):
    make_member(world.commune, "Nguyễn Văn An")
    client = as_user(world.users["viewer"])
    resp = client.get("/hoi-vien/?q=an", htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body and 'id="results"' in body
    assert "Nguyễn Văn An" in body
    assert "<html" in client.get("/hoi-vien/?q=an").get_data(as_text=True)


def test_search_without_diacritics_finds_the_name(world, as_user):
    make_member(world.commune, "Nguyễn Văn An")
    make_member(world.commune, "Trần Văn Bình")
    page = as_user(world.users["viewer"]).get("/hoi-vien/?q=nguyen+van+an").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Trần Văn Bình" not in page


def test_folded_search_finds_an_and_an_with_other_marks_but_they_stay_two_members(world, as_user):
    make_member(world.commune, "Lê Văn Ân", birth_year=1960)
    make_member(world.commune, "Lê Văn Ẩn", birth_year=1960)
    assert _count() == 2  # two names that differ only in marks are two people, not a duplicate
    client = as_user(world.users["viewer"])
    page = client.get("/hoi-vien/?q=le+van+an").get_data(as_text=True)
    assert "Lê Văn Ân" in page and "Lê Văn Ẩn" in page
    assert "Tổng số: <strong>2</strong>" in page
    accented = client.get("/hoi-vien/?q=Ân").get_data(as_text=True)  # the search folds what is typed too
    assert "Lê Văn Ân" in accented and "Lê Văn Ẩn" in accented


def test_names_differing_only_in_marks_are_not_flagged_as_duplicates(world, as_user):
    make_member(world.commune, "Lê Văn Ân", birth_year=1960)
    client = as_user(world.users["clerk"])
    resp = client.post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id), name="Lê Văn Ẩn", birth_year="1960"))
    assert resp.status_code == 303  # Ẩn is another name than Ân: no warning
    same = client.post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id), name="Lê Văn Ân", birth_year="1960"))
    assert same.status_code == 422 and "có thể trùng" in same.get_data(as_text=True)  # positive control
    assert _count() == 2


def test_vietnamese_order_anh_after_anh_and_d_before_dd(world, as_user):
    for name in ["Lê Văn Đức", "Trần Văn Ánh", "Phạm Thị Anh", "Võ Văn Dũng", "Ngô Văn An"]:
        make_member(world.commune, name)
    page = as_user(world.users["viewer"]).get("/hoi-vien/").get_data(as_text=True)
    order = [page.index(n) for n in ["Ngô Văn An", "Phạm Thị Anh", "Trần Văn Ánh", "Võ Văn Dũng", "Lê Văn Đức"]]
    assert order == sorted(order)


def test_filters_status_village_occupation_and_unit(world, as_user):
    make_member(world.commune, "Nguyễn Văn An", village="Thôn Đông", occupation="veteran")
    make_member(world.branch, "Trần Thị Bình", village="Ấp Tân Lộc", occupation="parent")
    end_member(make_member(world.branch, "Lê Văn Châu"), status="deceased")
    client = as_user(world.users["viewer"])

    def names(qs):
        page = client.get("/hoi-vien/?" + qs).get_data(as_text=True)
        return {n for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Châu") if n in page}

    assert names("") == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert names("trang_thai=mat") == {"Lê Văn Châu"}
    assert names("trang_thai=tat-ca") == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Châu"}
    assert names("thon=thon+dong") == {"Nguyễn Văn An"}
    assert names("nghe=parent") == {"Trần Thị Bình"}
    assert names(f"don_vi={world.branch.id}&trang_thai=tat-ca") == {"Trần Thị Bình", "Lê Văn Châu"}


def test_year_filters_joined_ended_and_on_the_roll(world, as_user):
    make_member(world.commune, "Nguyễn Văn An", joined_on=date(2019, 5, 1))
    make_member(world.commune, "Trần Thị Bình", joined_on=date(2025, 2, 1))
    end_member(make_member(world.commune, "Lê Văn Châu", joined_on=date(2018, 1, 1)), ended_on=date(2024, 6, 1))
    client = as_user(world.users["viewer"])

    def names(qs):
        page = client.get("/hoi-vien/?" + qs).get_data(as_text=True)
        return {n for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Châu") if n in page}

    assert names("vao_nam=2025&trang_thai=tat-ca") == {"Trần Thị Bình"}
    assert names("ra_nam=2024&trang_thai=tat-ca") == {"Lê Văn Châu"}
    assert names("nam=2023") == {"Nguyễn Văn An", "Lê Văn Châu"}  # the status filter does not apply
    assert names("nam=2024") == {"Nguyễn Văn An"}
    assert names("nam=2025") == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert names("nam=abcd") == {"Nguyễn Văn An", "Trần Thị Bình"}  # not a year: ignored


def test_another_communes_members_are_not_listed_and_their_pages_are_404(world, as_user):
    own = make_member(world.commune, "Trần Văn Tường")
    other = make_member(world.other_commune, "Hoàng Văn Tường")
    client = as_user(world.users["clerk"])
    page = client.get("/hoi-vien/?q=tuong").get_data(as_text=True)
    assert "Trần Văn Tường" in page and "Hoàng Văn Tường" not in page
    assert client.get(f"/hoi-vien/{own.id}").status_code == 200
    for path in (f"/hoi-vien/{other.id}", f"/hoi-vien/{other.id}/sua", f"/hoi-vien/{other.id}/ra-khoi-hoi"):
        assert client.get(path).status_code == 404
    assert client.get(f"/hoi-vien/?don_vi={world.other_commune.id}").status_code == 404


def test_branch_user_sees_only_the_branch(world, as_user):
    make_member(world.commune, "Nguyễn Văn An")
    make_member(world.branch, "Trần Thị Bình")
    page = as_user(world.branch_user).get("/hoi-vien/").get_data(as_text=True)
    assert "Trần Thị Bình" in page and "Nguyễn Văn An" not in page


# ---- adding and editing ------------------------------------------------------------------------

def test_create_numbers_the_member_and_audits(world, as_user):
    client = as_user(world.users["clerk"])
    assert client.get("/hoi-vien/them").status_code == 200
    resp = client.post("/hoi-vien/them", data=_new(unit_id=str(world.branch.id), name="tôn nữ thị minh khuê"))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    member = db.session.scalar(select(Member))
    assert (member.ho, member.dem, member.ten, member.number) == ("tôn nữ", "thị minh", "khuê", 1)
    assert member.unit_id == world.branch.id and member.phone_key == "0912345678"
    assert resp.headers["Location"].endswith(f"/hoi-vien/{member.id}")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "member", AuditEntry.object_id == member.id)) == 1


def test_double_submit_creates_one_member(world, as_user):
    client = as_user(world.users["clerk"])
    data = _new(unit_id=str(world.commune.id))
    first = client.post("/hoi-vien/them", data=data)
    second = client.post("/hoi-vien/them", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1


def test_htmx_create_redirects_and_htmx_error_answers_the_form_fragment(world, as_user):
    client = as_user(world.users["clerk"])
    bad = client.post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id), birth_year="1850"), htmx=True)
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<html" not in body and "Năm sinh phải từ 1900" in body
    ok = client.post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id)), htmx=True)
    assert ok.status_code == 200 and ok.headers["HX-Redirect"].startswith("/hoi-vien/")


def test_bad_input_answers_422_with_the_message_beside_the_field_and_writes_nothing(world, as_user):
    client = as_user(world.users["clerk"])
    cases = [({"name": ""}, "name", "Vui lòng nhập họ và tên"),
             ({"birth_year": "19x8"}, "birth_year", "4 chữ số"),
             ({"phone": "12"}, "phone", "Số điện thoại không hợp lệ"),
             ({"joined_on": "2999-01-01"}, "joined_on", "không được sau hôm nay"),
             ({"number": "abc"}, "number", "Số thẻ hội viên phải là số nguyên dương")]
    for change, field, words in cases:
        resp = client.post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id), **change))
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422, (field, body[:300])
        assert f'<p class="error" id="{field}-err">' in body and words in body, field
        if field != "name":
            assert 'value="Nguyễn Văn An"' in body  # the input is kept
    assert _count() == 0
    assert client.post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id))).status_code == 303  # control


def test_taken_number_is_refused_beside_the_number(world, as_user):
    make_member(world.commune, "Trần Thị Bình", number=5)
    resp = as_user(world.users["clerk"]).post("/hoi-vien/them", data=_new(unit_id=str(world.commune.id), number="5"))
    assert resp.status_code == 422 and "Số thẻ 5 đã có hội viên khác" in resp.get_data(as_text=True)
    assert _count() == 1


def test_likely_duplicate_is_shown_and_saved_only_when_confirmed(world, as_user):
    old = make_member(world.commune, "Nguyễn Văn An", birth_year=1958)
    client = as_user(world.users["clerk"])
    data = _new(unit_id=str(world.commune.id), name="nguyen van an", birth_year="1958")
    resp = client.post("/hoi-vien/them", data=data)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "có thể trùng" in body and f"/hoi-vien/{old.id}" in body
    assert _count() == 1
    assert client.post("/hoi-vien/them", data={**data, "not_duplicate": "y"}).status_code == 303
    assert _count() == 2


def test_edit_changes_the_member_and_keeps_the_number(world, as_user):
    member = make_member(world.commune, "Nguyễn Văn An")
    client = as_user(world.users["clerk"])
    form = client.get(f"/hoi-vien/{member.id}/sua").get_data(as_text=True)
    assert 'value="Nguyễn Văn An"' in form and 'value="1960"' in form
    data = _new(name="Nguyễn Văn Ân", birth_year="1961")
    resp = client.post(f"/hoi-vien/{member.id}/sua", data=data)
    assert resp.status_code == 303
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.full_name == "Nguyễn Văn Ân" and member.birth_year == 1961 and member.number == 1
    bad = client.post(f"/hoi-vien/{member.id}/sua", data=_new(name=""), htmx=True)
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)


def test_viewer_may_read_but_not_write(world, as_user):
    member = make_member(world.commune, "Nguyễn Văn An")
    client = as_user(world.users["viewer"])
    assert client.get(f"/hoi-vien/{member.id}").status_code == 200
    page = client.get("/hoi-vien/").get_data(as_text=True)
    assert "+ Thêm hội viên" not in page
    for path, data in [("/hoi-vien/them", _new(unit_id=str(world.commune.id))),
                       (f"/hoi-vien/{member.id}/sua", _new()),
                       (f"/hoi-vien/{member.id}/ra-khoi-hoi", {"status": "left", "ended_on": "2025-01-01",
                                                                "reason": "x"}),
                       (f"/hoi-vien/{member.id}/sinh-hoat-lai", {"joined_on": "2025-01-01"})]:
        assert client.post(path, data=data).status_code == 403, path
    assert _count() == 1 and db.session.get(Member, member.id).active


# ---- ending and resuming -----------------------------------------------------------------------

def test_end_needs_a_reason_then_records_it_and_a_mistaken_end_is_undone(world, as_user):
    member = make_member(world.commune, "Nguyễn Văn An", joined_on=date(2015, 1, 1))
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{member.id}/ra-khoi-hoi").get_data(as_text=True)
    assert "Ghi ra khỏi hội hoặc từ trần" in page
    bad = client.post(f"/hoi-vien/{member.id}/ra-khoi-hoi",
                      data={"status": "deceased", "ended_on": "2025-01-10", "reason": ""})
    assert bad.status_code == 422 and 'id="reason-err"' in bad.get_data(as_text=True)
    assert db.session.get(Member, member.id).active
    ok = client.post(f"/hoi-vien/{member.id}/ra-khoi-hoi",
                     data={"status": "deceased", "ended_on": "2025-01-10", "reason": "Từ trần do tuổi cao"},
                     htmx=True)
    assert ok.status_code == 200 and ok.headers["HX-Redirect"] == f"/hoi-vien/{member.id}"
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert (member.status, member.ended_on, member.end_reason) == ("deceased", date(2025, 1, 10), "Từ trần do tuổi cao")
    detail = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    # The deceased cannot "return": only the mistaken end can be undone (app.members.status).
    assert "Đã từ trần" in detail and "Hủy ghi nhận ra khỏi hội" in detail and "Vào hội lại" not in detail
    confirm = client.get(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi")
    assert confirm.status_code == 200 and "Chỉ dùng khi việc ghi ra khỏi hội" in confirm.get_data(as_text=True)
    no_reason = client.post(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi", data={"reason": " "})
    assert no_reason.status_code == 422 and 'id="reason-err"' in no_reason.get_data(as_text=True)
    assert client.post(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi", data={"reason": "Ghi nhầm người"}).status_code == 303
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.active and member.number == 1 and member.joined_on == date(2015, 1, 1)
    assert (member.ended_on, member.end_reason) == (None, "")


def test_detail_lists_the_dues_years_and_keeps_a_place_for_links(world, as_user):
    member = make_member(world.commune, "Nguyễn Văn An")
    page = as_user(world.users["viewer"]).get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert "Hội phí đã đóng" in page and "Chưa có năm nào" in page and "Số thẻ" in page


# ---- export ------------------------------------------------------------------------------------

def test_export_xlsx_and_csv_hold_the_filtered_list(world, as_user):
    make_member(world.commune, "Nguyễn Văn An", village="Thôn Đông")
    make_member(world.branch, "Trần Thị Bình", village="Ấp Tân Lộc")
    make_member(world.other_commune, "Hoàng Văn Cường")
    client = as_user(world.users["viewer"])
    resp = client.get("/hoi-vien/xuat.xlsx")
    assert resp.status_code == 200
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Số thẻ", "Họ và tên")
    assert [r[2] for r in rows[1:]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    resp = client.get("/hoi-vien/xuat.xlsx?format=csv&thon=tan+loc")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    data = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert [r[2] for r in data[1:]] == ["Trần Thị Bình"]


def test_edit_posted_without_some_boxes_keeps_their_values(world, as_user):
    member = make_member(world.commune, "Nguyễn Văn An", birth_year=1955)
    resp = as_user(world.users["clerk"]).post(f"/hoi-vien/{member.id}/sua",
                                              data={"name": "Nguyễn Văn Ân", "joined_on": "2020-03-01"})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Member, member.id).birth_year == 1955


def test_the_total_follows_every_write_though_it_is_cached(world, as_user):
    make_member(world.branch, "Nguyễn Văn An")
    client = as_user(world.users["clerk"])
    assert "Tổng số: <strong>1</strong>" in client.get("/hoi-vien/").get_data(as_text=True)
    assert client.post("/hoi-vien/them", data=_new(unit_id=str(world.branch.id), name="Trần Thị Bình")).status_code == 303
    assert "Tổng số: <strong>2</strong>" in client.get("/hoi-vien/").get_data(as_text=True)
    member = db.session.scalar(select(Member).where(Member.ten == "Bình"))
    client.post(f"/hoi-vien/{member.id}/ra-khoi-hoi", data={"status": "left", "ended_on": "2025-01-10", "reason": "Xin thôi"})
    assert "Tổng số: <strong>1</strong>" in client.get("/hoi-vien/").get_data(as_text=True)
    assert "Tổng số: <strong>1</strong>" in client.get("/hoi-vien/?trang_thai=ra").get_data(as_text=True)


def test_digits_search_the_member_number_or_the_whole_phone(world, as_user):
    make_member(world.commune, "Nguyễn Văn An", number=7, phone="0912 345 678")
    make_member(world.branch, "Trần Thị Bình", number=7)
    make_member(world.commune, "Lê Văn Châu", phone="0988 000 111")
    client = as_user(world.users["viewer"])

    def names(q):
        page = client.get("/hoi-vien/", query_string={"q": q}).get_data(as_text=True)
        return {n for n in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Châu") if n in page}

    assert names("7") == {"Nguyễn Văn An", "Trần Thị Bình"}  # number 7 of each unit in the scope
    assert names("+84 912 345 678") == {"Nguyễn Văn An"}
    assert names("0988.000.111") == {"Lê Văn Châu"}
    assert names("8") == {"Lê Văn Châu"}  # the next number after 7
    assert names("9") == set() and names(".") == set()
    assert names("chau") == {"Lê Văn Châu"}
