"""An import names a school the register does not know: the preview lists the schools the confirmation
will add, the confirmation adds them (audited, in the importing user's unit, with the pupils); a spelling
that differs only in diacritics, case or the word "Trường" is the existing school."""
import io
import re

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core.xlsx import build_workbook
from app.extensions import db
from app.pupils import importing
from app.pupils.models import Pupil, School
from app.scholarships import importing as round_import
from app.scholarships.models import Nomination
from tests.factories_scholarships import make_category, make_round, make_school


def _row(name, school):
    return [1, name, "05/02/2013", "Nữ", "Kinh", school, "7A1", "Ấp Tân Lộc", "Lê Văn Hùng", "0912345678", "Hộ nghèo"]


ROWS = [_row("Lê Văn An", "THCS Lai Vung"),  # near miss of the register's school
        _row("Lê Văn Bình", "trường thcs lai vung"),  # the same name folded: the register's school
        _row("Lê Văn Cường", "Trường Tiểu học Tân Lộc"), _row("Lê Văn Dũng", "Trường Tiểu học Tân Lộc"),
        _row("Lê Văn Em", "tiểu học Tân Lộc"),  # the same new school, spelt otherwise
        _row("Lê Văn Giang", "Trường THCS A")]
PREVIEW = "Sẽ thêm 2 trường mới: Trường THCS A (1 học sinh), Trường Tiểu học Tân Lộc (3 học sinh)."


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _confirm_fields(page):
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    key = re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"', page, re.S).group(1)
    return {"token": token, "idem_key": key}


def test_school_key_ignores_diacritics_case_and_the_word_truong():
    assert importing.school_key("Trường THCS Lai Vung") == importing.school_key("thcs lai vung") == "thcs lai vung"
    assert importing.school_key("TRƯỜNG  Tiểu học Tân Lộc") == "tieu hoc tan loc"
    assert importing.level_of("Trường Tiểu học Tân Lộc") == "primary"
    assert importing.level_of("Trường THPT Lai Vung 1") == "upper_secondary"
    assert importing.level_of("Trường Mầm non Hoa Sen") == "preschool"
    assert importing.level_of("Trường Lai Vung") == "lower_secondary"


def test_pupil_import_adds_the_unknown_schools_and_matches_near_misses(world, as_user):
    school = make_school(world.commune, "Trường THCS Lai Vung")
    clerk = world.users["clerk"]
    client = as_user(clerk)
    before = (_count(School), _count(Pupil))
    for htmx in (False, True):
        resp = client.post("/hoc-sinh/nhap-excel", content_type="multipart/form-data", htmx=htmx,
                           data={"file": (io.BytesIO(build_workbook(importing.HEADERS, ROWS)), "ds.xlsx"),
                                 "school_year": "2026-2027"})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200 and PREVIEW in page
        assert "Trường “THCS Lai Vung” được hiểu là “Trường THCS Lai Vung” đã có trong danh sách trường." in page
        assert "Trường “trường thcs lai vung” được hiểu" not in page  # the same name: nothing to say
        assert "chưa có trong danh sách trường" not in page and "6 học sinh mới" in page
    assert (_count(School), _count(Pupil)) == before  # the preview writes nothing
    assert client.post("/hoc-sinh/nhap-excel/xac-nhan", data=_confirm_fields(page)).status_code == 303
    assert (_count(School), _count(Pupil)) == (before[0] + 2, before[1] + 6)
    added = {s.name: s for s in db.session.scalars(select(School).where(School.id != school.id))}
    assert set(added) == {"Trường Tiểu học Tân Lộc", "Trường THCS A"}
    assert all(s.unit_id == clerk.unit_id for s in added.values())
    assert added["Trường Tiểu học Tân Lộc"].level == "primary"
    by_name = dict(db.session.execute(select(Pupil.ten, Pupil.school_id)).all())
    assert by_name["An"] == by_name["Bình"] == school.id
    assert by_name["Cường"] == by_name["Dũng"] == by_name["Em"] == added["Trường Tiểu học Tân Lộc"].id
    audited = db.session.scalars(select(AuditEntry.object_id).where(AuditEntry.object_type == "school",
                                                                    AuditEntry.action == "create")).all()
    assert {s.id for s in added.values()} <= set(audited)


def test_a_school_added_between_preview_and_confirm_is_used_not_added_twice(world, as_user):
    client = as_user(world.users["clerk"])
    page = client.post("/hoc-sinh/nhap-excel", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(build_workbook(importing.HEADERS, [_row("Lê Văn An", "THCS A")])),
                                      "ds.xlsx"), "school_year": "2026-2027"}).get_data(as_text=True)
    assert "Sẽ thêm 1 trường mới: THCS A (1 học sinh)." in page
    meanwhile = make_school(world.commune, "Trường THCS A")
    assert client.post("/hoc-sinh/nhap-excel/xac-nhan", data=_confirm_fields(page)).status_code == 303
    assert _count(School) == 1
    assert db.session.scalar(select(Pupil.school_id)) == meanwhile.id


def test_round_import_adds_the_unknown_schools_with_the_nominations(world, as_user):
    make_school(world.commune, "Trường THCS Lai Vung")
    rnd = make_round(world.commune)
    make_category(rnd, 500_000, name="Học bổng vượt khó")
    client = as_user(world.users["clerk"])
    rows = [r + ["Học bổng vượt khó", "", "Nhà nghèo"] for r in ROWS]
    before = (_count(School), _count(Pupil), _count(Nomination))
    for htmx in (False, True):
        resp = client.post(f"/hoc-bong/{rnd.id}/nhap-excel", content_type="multipart/form-data", htmx=htmx,
                           data={"file": (io.BytesIO(build_workbook(round_import.HEADERS, rows)), "ds.xlsx"),
                                 "proposer": ""})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200 and PREVIEW in page and "6 dòng hợp lệ" in page
    assert (_count(School), _count(Pupil), _count(Nomination)) == before
    assert client.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan", data=_confirm_fields(page)).status_code == 303
    assert (_count(School), _count(Pupil), _count(Nomination)) == (before[0] + 2, before[1] + 6, before[2] + 6)
    assert set(db.session.scalars(select(School.unit_id))) == {world.users["clerk"].unit_id}
