"""A pupil's results, achievements and sponsorships can be corrected or removed, with an audit trail."""
from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.pupils import queries, services
from app.pupils.models import Achievement, PupilResult, Sponsorship
from tests.factories_scholarships import make_pupil, make_school


def _pupil(world):
    school = make_school(world.commune, "Trường THCS Tân Thành")
    return make_pupil(world.commune, "Đỗ Thị Hồng", school=school)


def test_result_is_corrected_with_the_same_rules_and_audited(world, as_user):
    pupil = _pupil(world)
    result = services.add_result(pupil, "2024-2025", "Tốt")
    db.session.commit()
    client = as_user(world.users["clerk"])
    form = client.get(f"/hoc-sinh/ket-qua/{result.id}/sua")
    assert form.status_code == 200 and 'value="2024-2025"' in form.get_data(as_text=True)
    bad = client.post(f"/hoc-sinh/ket-qua/{result.id}/sua", data={"school_year": "2024-2025",
                                                                  "grade_word": "Hoàn thành xuất sắc"})
    assert bad.status_code == 422 and "error" in bad.get_data(as_text=True)
    db.session.refresh(result)
    assert result.grade_word == "Tốt"
    ok = client.post(f"/hoc-sinh/ket-qua/{result.id}/sua", data={"school_year": "2024-2025", "grade_word": "Khá",
                                                                 "note": "sửa theo học bạ"})
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/hoc-sinh/{pupil.id}")
    db.session.refresh(result)
    assert (result.grade_word, result.note) == ("Khá", "sửa theo học bạ")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                        AuditEntry.object_type == "pupil_result")).one()
    assert entry.before["grade"] == "Tốt" and entry.after["grade"] == "Khá"


def test_achievement_edit_as_htmx_returns_the_form_fragment_on_error(world, as_user):
    pupil = _pupil(world)
    item = services.add_achievement(pupil, "2024-2025", "Giải Ba học sinh giỏi cấp huyện")
    db.session.commit()
    client = as_user(world.users["clerk"])
    bad = client.post(f"/hoc-sinh/thanh-tich/{item.id}/sua", data={"school_year": "2024-2025", "title": ""},
                      htmx=True)
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<html" not in body and "Vui lòng nhập thành tích" in body
    ok = client.post(f"/hoc-sinh/thanh-tich/{item.id}/sua",
                     data={"school_year": "2024-2025", "title": "Giải Nhì học sinh giỏi cấp huyện"}, htmx=True)
    assert ok.status_code == 200 and ok.headers["HX-Redirect"].endswith(f"/hoc-sinh/{pupil.id}")
    db.session.refresh(item)
    assert item.title == "Giải Nhì học sinh giỏi cấp huyện" and item.search_key.startswith("giai nhi")


def test_sponsorship_entered_twice_is_removed_after_confirmation(world, as_user):
    pupil = _pupil(world)
    keep = queries.add_sponsorship(pupil, "Ông Nguyễn Văn Tư", "donor", date(2025, 9, 1), None, 500_000, "month")
    twice = queries.add_sponsorship(pupil, "Ông Nguyễn Văn Tư", "donor", date(2025, 9, 1), None, 500_000, "month")
    db.session.commit()
    keep_id, twice_id = keep.id, twice.id
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoc-sinh/{pupil.id}").get_data(as_text=True)
    assert f"/hoc-sinh/do-dau/{twice_id}/xoa" in page
    confirm = client.get(f"/hoc-sinh/do-dau/{twice_id}/xoa")
    assert confirm.status_code == 200 and "Ông Nguyễn Văn Tư" in confirm.get_data(as_text=True)
    assert db.session.get(Sponsorship, twice_id) is not None  # the GET changed nothing
    done = client.post(f"/hoc-sinh/do-dau/{twice_id}/xoa")
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Sponsorship, twice_id) is None and db.session.get(Sponsorship, keep_id) is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).one()
    assert entry.object_type == "sponsorship" and entry.before["sponsor"] == "Ông Nguyễn Văn Tư"


def test_viewer_sees_no_edit_links_and_cannot_remove(world, as_user):
    pupil = _pupil(world)
    result = services.add_result(pupil, "2024-2025", "Tốt")
    db.session.commit()
    client = as_user(world.users["viewer"])
    page = client.get(f"/hoc-sinh/{pupil.id}").get_data(as_text=True)
    assert "/ket-qua/" not in page.replace(f"/hoc-sinh/{pupil.id}/ket-qua", "")
    assert client.post(f"/hoc-sinh/ket-qua/{result.id}/xoa").status_code == 403
    assert db.session.get(PupilResult, result.id) is not None


def test_another_communes_record_is_not_found(world, as_user):
    other = make_pupil(world.other_commune, "Lê Văn Bình")
    item = services.add_achievement(other, "2024-2025", "Học sinh tiên tiến")
    db.session.commit()
    client = as_user(world.users["clerk"])
    assert client.get(f"/hoc-sinh/thanh-tich/{item.id}/sua").status_code == 404
    assert client.post(f"/hoc-sinh/thanh-tich/{item.id}/xoa").status_code == 404
    assert db.session.get(Achievement, item.id) is not None
