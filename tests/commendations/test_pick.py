"""Adding an honoree by picking a pupil or donor from the register: search, prefill, the stored link."""
import re
from datetime import date

import pytest

from app.commendations import issuing, queries, services
from app.commendations.models import Honoree
from app.extensions import db
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_donor
from tests.factories_scholarships import make_pupil, make_school

PREFIX = "/khen-thuong"


@pytest.fixture
def admin(world, as_user):
    return as_user(world.users["admin"])


@pytest.fixture
def draft(world):
    return make_decision(world.commune, number="11/QĐ-HKH")


@pytest.fixture
def dao(world):
    school = make_school(world.branch, "Trường THCS Tân Phú")
    return make_pupil(world.branch, "Nguyễn Thị Đào", birth_date=date(2013, 2, 5), school=school, class_name="7A1",
                      village="Ấp Tân Lộc")


def test_search_without_diacritics_lists_pupils_with_a_choose_button(admin, world, draft, dao):
    make_pupil(world.other_branch, "Nguyễn Thị Đào", birth_date=date(2013, 3, 3))  # another commune: never shown
    url = f"{PREFIX}/quyet-dinh/{draft.id}/chon-nguoi?loai=hoc-sinh&q=NGUYEN+thi+dao"
    plain = admin.get(url)
    body = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" in body
    assert "Nguyễn Thị Đào" in body and "05/02/2013" in body and "Lớp 7A1, Trường THCS Tân Phú" in body
    assert body.count(">Chọn</button>") == 1  # the other commune's namesake is out of scope
    assert f'action="{PREFIX}/quyet-dinh/{draft.id}/them"' in body and f'name="hoc_sinh" value="{dao.id}"' in body
    frag = admin.get(url, htmx=True).get_data(as_text=True)
    assert "<html" not in frag and frag.lstrip().startswith('<div id="pick-results"') and "Nguyễn Thị Đào" in frag
    assert "Không tìm thấy ai tên “xyz”" in admin.get(
        f"{PREFIX}/quyet-dinh/{draft.id}/chon-nguoi?q=xyz", htmx=True).get_data(as_text=True)


def test_add_page_offers_the_search_form_without_javascript(admin, draft):
    body = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/them").get_data(as_text=True)
    assert f'<form method="get" action="{PREFIX}/quyet-dinh/{draft.id}/chon-nguoi"' in body
    assert 'id="pick-results"' in body and 'hx-target="#pick-results"' in body


def test_choosing_a_pupil_prefills_the_form_and_stores_the_link(admin, draft, dao):
    url = f"{PREFIX}/quyet-dinh/{draft.id}/them?hoc_sinh={dao.id}"
    for htmx in (False, True):
        body = admin.get(url, htmx=htmx).get_data(as_text=True)
        assert 'value="Nguyễn Thị Đào"' in body and 'value="05/02/2013"' in body
        assert 'value="Lớp 7A1, Trường THCS Tân Phú"' in body
        assert re.search(rf'name="pupil_id" type="hidden" value="{dao.id}"', body)
        assert "Liên kết với hồ sơ học sinh" in body
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/them?hoc_sinh={dao.id}", data={
        "name": "Nguyễn Thị Đào", "kind": "pupil", "birth_text": "05/02/2013", "place": "Lớp 7A1",
        "achievement": "Giải Nhất học sinh giỏi", "pupil_id": str(dao.id)})
    assert resp.status_code == 303
    [h] = services.honorees(draft)
    assert h.pupil_id == dao.id and h.place == "Lớp 7A1"
    assert "hồ sơ học sinh" in admin.get(f"{PREFIX}/quyet-dinh/{draft.id}").get_data(as_text=True)


def test_choosing_a_donor_prefills_a_collective(admin, world, draft):
    company = make_donor(world.branch, "Công ty TNHH Minh Phát", kind="business", address="Ấp Tân Lộc")
    body = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/chon-nguoi?loai=nha-hao-tam&q=minh+phat").get_data(as_text=True)
    assert f'name="nha_hao_tam" value="{company.id}"' in body
    body = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/them?nha_hao_tam={company.id}").get_data(as_text=True)
    assert 'value="Công ty TNHH Minh Phát"' in body and '<option selected value="donor">' in body
    assert '<input checked id="collective"' in body and 'value="Ấp Tân Lộc"' in body
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/them", data={
        "name": "Công ty TNHH Minh Phát", "kind": "donor", "collective": "y", "donor_id": str(company.id),
        "achievement": "Tặng 100 bộ sách giáo khoa"}, htmx=True)
    assert resp.headers.get("HX-Redirect")
    [h] = services.honorees(draft)
    assert (h.donor_id, h.collective, h.ten) == (company.id, True, "Công ty TNHH Minh Phát")


def test_records_of_another_commune_cannot_be_picked_or_posted(admin, world, draft):
    stranger = make_pupil(world.other_branch, "Trần Văn Lạ", birth_date=date(2013, 1, 1))
    assert admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/them?hoc_sinh={stranger.id}").status_code == 404
    assert admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/them?hoc_sinh=abc").status_code == 404
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/them", data={
        "name": "Trần Văn Lạ", "kind": "pupil", "pupil_id": str(stranger.id)}, htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "không thuộc đơn vị ra quyết định" in body
    assert "Trần Văn Lạ</a>" not in body  # the stranger's record is not described
    assert services.honorees(draft) == []


def test_a_branch_decision_cannot_link_a_pupil_of_its_commune(admin, world, dao):
    elsewhere = make_pupil(world.commune, "Lê Văn Xã", birth_date=date(2013, 1, 1))
    d = make_decision(world.branch, number="1/QĐ-CHKH")
    assert admin.get(f"{PREFIX}/quyet-dinh/{d.id}/them?hoc_sinh={elsewhere.id}").status_code == 404
    assert admin.get(f"{PREFIX}/quyet-dinh/{d.id}/them?hoc_sinh={dao.id}").status_code == 200


def test_editing_a_line_can_link_and_unlink(admin, draft, dao):
    h = add(draft, "Nguyễn T. Đào", "Giải Nhất học sinh giỏi")
    url = f"{PREFIX}/nguoi/{h.id}/sua"
    pick = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/chon-nguoi?q=dao&nguoi={h.id}").get_data(as_text=True)
    assert f'action="{url}"' in pick
    body = admin.get(f"{url}?hoc_sinh={dao.id}").get_data(as_text=True)
    assert 'value="Nguyễn Thị Đào"' in body
    form = {"name": "Nguyễn Thị Đào", "kind": "pupil", "achievement": "Giải Nhất học sinh giỏi",
            "pupil_id": str(dao.id)}
    assert admin.post(url, data=form).status_code == 303
    db.session.refresh(h)
    assert h.pupil_id == dao.id and h.full_name == "Nguyễn Thị Đào"
    assert "Bỏ liên kết với hồ sơ này" in admin.get(url).get_data(as_text=True)
    assert admin.post(url, data={**form, "unlink": "y"}, htmx=True).headers.get("HX-Redirect")
    db.session.refresh(h)
    assert h.pupil_id is None


def test_picker_for_another_decisions_line_is_not_found(admin, world, draft):
    other = make_decision(world.commune, number="12/QĐ-HKH")
    h = add(other, "Lê Văn An")
    assert admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/chon-nguoi?nguoi={h.id}").status_code == 404


def test_issued_decision_pages_send_the_user_back(admin, draft):
    add(draft, "Lê Văn An")
    issuing.issue(draft)
    db.session.commit()
    for path in ("chon-nguoi", "them", "sua", "dan-danh-sach"):
        resp = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/{path}")
        assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyet-dinh/{draft.id}"), path
    resp = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/them", htmx=True)
    assert resp.headers["HX-Redirect"].endswith(f"/quyet-dinh/{draft.id}")
    [h] = services.honorees(draft)
    for url in (f"{PREFIX}/nguoi/{h.id}/sua", f"{PREFIX}/nguoi/{h.id}/xoa"):
        assert admin.get(url).headers["Location"].endswith(f"/quyet-dinh/{draft.id}"), url


def test_same_pupil_on_two_decisions_is_warned_even_when_the_name_differs(world, dao):
    d1 = make_decision(world.commune)
    add(d1, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi", pupil_id=dao.id)
    d2 = make_decision(world.commune)
    same = add(d2, "Nguyễn T. Đào", "Giải nhất học sinh giỏi", pupil_id=dao.id)
    other_achievement = add(d2, "Nguyễn Thị Đào", "Học sinh tiêu biểu", pupil_id=dao.id)
    namesake = add(d2, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi",
                   pupil_id=make_pupil(world.branch, "Nguyễn Thị Đào", birth_date=date(2014, 4, 4)).id)
    warnings = queries.warnings_for(d2, services.honorees(d2))
    assert any(f"cùng thành tích trong năm 2026 (Quyết định số {d1.number}, dự thảo)" in w for w in warnings[same.id])
    assert any("kiểm tra để không khen hai lần" in w for w in warnings[other_achievement.id])
    assert not any("Đã được khen" in w for w in warnings.get(namesake.id, []))  # another pupil, same name


def test_link_survives_only_for_records_of_the_unit(world, draft):
    stranger = make_pupil(world.other_branch, "Trần Văn Lạ", birth_date=date(2013, 1, 1))
    with pytest.raises(services.CommendationError):
        services.add_honoree(draft, services.HonoreeData(name="Trần Văn Lạ", pupil_id=stranger.id))
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Honoree)) == 0


def test_a_province_donor_who_gave_to_the_communes_drive_is_linked_by_the_bulk_source(world):
    from app.commendations import bulk
    from tests.factories_donations import make_campaign, make_donation

    campaign = make_campaign(world.commune)
    donor = make_donor(world.province, "Công ty Cổ phần Sông Hậu", kind="business", address="Cần Thơ")
    make_donation(campaign, amount=5_000_000, donor=donor)
    d = make_decision(world.commune)
    assert bulk.from_campaign(d, campaign, 1_000_000) == 1
    [h] = services.honorees(d)
    assert h.donor_id == donor.id
