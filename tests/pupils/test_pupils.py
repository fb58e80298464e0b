"""Pupils: name splitting, search without diacritics, Vietnamese order, duplicates and merge."""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.pupils import services
from app.pupils.models import Pupil
from app.scholarships.models import Nomination
from tests.factories_scholarships import (make_category, make_nomination, make_pupil, make_round, make_school,
                                          scholarship_world)


def test_full_name_typed_in_one_box_is_split_with_compound_family_name(world, as_user):
    client = as_user(world.users["clerk"])
    resp = client.post("/hoc-sinh/moi", data={"full_name": "Tôn Nữ Thị Minh Khuê", "birth": "2013",
                                               "gender": "female", "school_id": "0", "circumstances": ["poor"]})
    assert resp.status_code == 303, resp.get_data(as_text=True)
    pupil = db.session.scalar(select(Pupil))
    assert (pupil.ho, pupil.dem, pupil.ten) == ("Tôn Nữ", "Thị Minh", "Khuê")
    assert pupil.birth_year == 2013 and pupil.birth_date is None and pupil.poor


def test_three_boxes_correct_the_automatic_split(world, as_user):
    client = as_user(world.users["clerk"])
    resp = client.post("/hoc-sinh/moi", data={"full_name": "Nguyễn Phúc Hậu", "ho": "Nguyễn Phúc", "dem": "",
                                               "ten": "Hậu", "school_id": "0"})
    assert resp.status_code == 303
    pupil = db.session.scalar(select(Pupil))
    assert (pupil.ho, pupil.dem, pupil.ten) == ("Nguyễn Phúc", "", "Hậu")


def test_nfd_input_is_stored_nfc_and_found_without_diacritics(world, as_user):
    import unicodedata

    client = as_user(world.users["clerk"])
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Đào")
    assert client.post("/hoc-sinh/moi", data={"full_name": nfd, "school_id": "0"}).status_code == 303
    pupil = db.session.scalar(select(Pupil))
    assert pupil.full_name == "Nguyễn Thị Đào" and pupil.search_key == "nguyen thi dao"
    page = client.get("/hoc-sinh/?q=NGUYEN+thi+dao").get_data(as_text=True)
    assert "Nguyễn Thị Đào" in page
    assert "Nguyễn Thị Đào" not in client.get("/hoc-sinh/?q=dung").get_data(as_text=True)


def test_list_is_in_vietnamese_order_and_filters_by_circumstance_and_school(world, as_user):
    school = make_school(world.commune)
    for name in ["Trần Văn Ánh", "Lê Thị An", "Phạm Văn Bình", "Âu Dương Minh Anh"]:
        make_pupil(world.commune, name, school=school if "Lê" in name else None,
                   circumstances={"orphan"} if "Phạm" in name else set())
    client = as_user(world.users["viewer"])
    page = client.get("/hoc-sinh/").get_data(as_text=True)
    order = [page.index(n) for n in ["Lê Thị An", "Âu Dương Minh Anh", "Trần Văn Ánh", "Phạm Văn Bình"]]
    assert order == sorted(order)
    orphan = client.get("/hoc-sinh/?hoan_canh=orphan").get_data(as_text=True)
    assert "Phạm Văn Bình" in orphan and "Lê Thị An" not in orphan
    by_school = client.get(f"/hoc-sinh/?truong={school.id}").get_data(as_text=True)
    assert "Lê Thị An" in by_school and "Phạm Văn Bình" not in by_school


def test_other_units_pupils_are_not_listed(world, as_user):
    make_pupil(world.other_commune, "Hoàng Phủ Ngọc Tường")
    make_pupil(world.commune, "Trần Văn Tường")  # positive control: the search does find a pupil of one's own
    resp = as_user(world.users["viewer"]).get("/hoc-sinh/?q=tuong")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Trần Văn Tường" in page
    assert "Hoàng Phủ Ngọc Tường" not in page


def test_likely_duplicate_is_flagged_on_entry_and_saved_only_when_confirmed(world, as_user):
    make_pupil(world.commune, "Nguyễn Thị Đào", birth_date=date(2013, 5, 2))
    client = as_user(world.users["clerk"])
    data = {"full_name": "nguyen thi dao", "birth": "02/05/2013", "school_id": "0"}
    resp = client.post("/hoc-sinh/moi", data=data)
    assert resp.status_code == 422 and "có thể trùng" in resp.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Pupil)) == 1
    resp = client.post("/hoc-sinh/moi", data={**data, "not_duplicate": "y"})
    assert resp.status_code == 303
    assert db.session.scalar(select(db.func.count()).select_from(Pupil)) == 2


def test_duplicate_by_name_school_and_guardian(world):
    school = make_school(world.commune)
    make_pupil(world.commune, "Lê Văn Tám", birth_date=None, school=school, guardian="Lê Văn Sáu")
    data = services.PupilData.from_full_name("Le Van Tam", school=school, guardian="lê văn sáu")
    assert len(services.likely_duplicates(world.commune, data)) == 1


def test_merge_keeps_all_history_and_redirects_old_record(world, as_user):
    s = scholarship_world(world).own
    twin = make_pupil(world.commune, s.pupil.full_name, birth_date=s.pupil.birth_date)
    services.add_achievement(twin, "2024-2025", "Giải Ba học sinh giỏi cấp huyện môn Văn")
    rnd2 = make_round(world.commune)
    make_nomination(rnd2, twin, make_category(rnd2))
    db.session.commit()
    client = as_user(world.users["clerk"])
    assert any(b.id == twin.id for a, b in services.duplicate_pairs(world.commune))
    assert client.post(f"/hoc-sinh/{s.pupil.id}/gop/{twin.id}").status_code == 303
    db.session.expire_all()
    assert db.session.get(Pupil, twin.id).merged_into_id == s.pupil.id
    noms = db.session.scalars(select(Nomination).where(Nomination.pupil_id == s.pupil.id)).all()
    assert len(noms) == 2
    page = client.get(f"/hoc-sinh/{s.pupil.id}").get_data(as_text=True)
    assert "Giải Ba học sinh giỏi cấp huyện môn Văn" in page and "Cô Trần Thị Hoa" in page


def test_results_use_current_grading_words_by_level_and_keep_old_words_as_text(world, as_user):
    primary = make_school(world.commune, "Trường Tiểu học Lai Vung 1", "primary")
    pupil = make_pupil(world.commune, "Đỗ Thị Hồng", school=primary)
    client = as_user(world.users["clerk"])
    form = client.get(f"/hoc-sinh/{pupil.id}/ket-qua").get_data(as_text=True)
    assert "Hoàn thành xuất sắc" in form and ">Tốt<" not in form
    bad = client.post(f"/hoc-sinh/{pupil.id}/ket-qua", data={"school_year": "2025-2026", "grade_word": "Khá"})
    assert bad.status_code == 422
    ok = client.post(f"/hoc-sinh/{pupil.id}/ket-qua", data={"school_year": "2019 - 2020", "grade_word": "",
                                                            "old_text": "Học sinh giỏi"})
    assert ok.status_code == 303
    assert pupil.results[0].old_text == "Học sinh giỏi" and pupil.results[0].school_year == "2019-2020"


def test_sponsorship_shows_on_pupil_page(world, as_user):
    pupil = make_pupil(world.commune, "Võ Thị Mỹ Duyên")
    client = as_user(world.users["clerk"])
    resp = client.post(f"/hoc-sinh/{pupil.id}/do-dau", data={
        "sponsor_name": "Ông Nguyễn Văn Tư", "sponsor_kind": "donor", "start_date": "2025-09-01",
        "amount": "500.000", "period": "month"})
    assert resp.status_code == 303
    page = client.get(f"/hoc-sinh/{pupil.id}").get_data(as_text=True)
    assert "Ông Nguyễn Văn Tư" in page and "500.000 đ" in page
