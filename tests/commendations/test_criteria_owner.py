"""Who changes the criteria sets (issue 15, finding 3): the shared sets only the top unit's admins; a
commune keeps its own copy, used by that commune (and its branches) only."""
import pytest

from app.commendations import criteria as crit
from app.commendations.models import CriteriaSet
from app.extensions import db
from tests.conftest import login
from tests.factories import make_user
from tests.factories_commendations import make_assessment, make_set

PREFIX = "/khen-thuong"
SET_FORM = {"year": 2027, "pass_total": 1, "min_each": 0, "criteria": "Tham gia | 100"}


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _rows():
    db.session.commit()
    return sorted((s.id, s.name, s.version, s.pass_total, s.superseded_by_id, s.unit_id)
                  for s in db.session.scalars(db.select(CriteriaSet)))


@pytest.fixture
def shared(world):
    return make_set(name="Tiêu chí Công dân học tập")


def test_commune_admin_cannot_change_the_shared_sets(app, world, shared):
    """The finding: a commune admin's new version passing at 1/100 became every commune's default."""
    admin = _client(app, world.users["admin"])
    before = _rows()
    for url, data in ((f"{PREFIX}/tieu-chi/{shared.id}/phien-ban-moi", SET_FORM),
                      (f"{PREFIX}/tieu-chi/{shared.id}/sua", {**SET_FORM, "name": shared.name}),
                      (f"{PREFIX}/tieu-chi/moi", {**SET_FORM, "title_kind": "citizen", "name": "Bộ mới"}),
                      (f"{PREFIX}/tieu-chi/them-mau", {})):
        for htmx in (False, True):
            assert admin.post(url, data=data, htmx=htmx).status_code == 403, url
            assert admin.get(url).status_code == 403, url
    assert _rows() == before
    assert [s.id for s in crit.sets_for(world.other_commune)] == [shared.id]


def test_top_unit_admin_versions_the_shared_set_for_everyone(app, world, shared):
    top = _client(app, world.province_admin)
    resp = top.post(f"{PREFIX}/tieu-chi/{shared.id}/phien-ban-moi", data={**SET_FORM, "pass_total": 90})
    assert resp.status_code == 303
    new = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.version == 2))
    assert new.unit_id is None and new.pass_total == 90
    for unit in (world.commune, world.other_branch):
        assert [s.id for s in crit.sets_for(unit)] == [new.id]


def test_a_second_top_unit_takes_the_shared_sets_out_of_anyones_hands(app, world, shared):
    """With two top units neither admin's scope is the whole database: neither changes what both use."""
    from tests.factories import make_unit

    make_unit(None, "Hội Khuyến học tỉnh Khác", "province")
    top = _client(app, world.province_admin)
    assert top.post(f"{PREFIX}/tieu-chi/{shared.id}/phien-ban-moi", data=SET_FORM).status_code == 403


def test_commune_copy_is_used_by_that_commune_only(app, world, shared):
    admin = _client(app, world.users["admin"])
    page = admin.get(f"{PREFIX}/tieu-chi/{shared.id}").get_data(as_text=True)
    assert "Tạo bản riêng của đơn vị" in page and "Tạo phiên bản mới" not in page
    confirm = admin.get(f"{PREFIX}/tieu-chi/{shared.id}/ban-rieng")
    assert confirm.status_code == 200 and "<form" in confirm.get_data(as_text=True)
    assert "<html" not in admin.get(f"{PREFIX}/tieu-chi/{shared.id}/ban-rieng", htmx=True).get_data(as_text=True)
    resp = admin.post(f"{PREFIX}/tieu-chi/{shared.id}/ban-rieng")
    assert resp.status_code == 303
    copy = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.unit_id == world.commune.id))
    assert copy.origin_id == shared.id and world.commune.name in copy.name
    # A second copy of the same set is refused beside the button, nothing written.
    before = _rows()
    again = admin.post(f"{PREFIX}/tieu-chi/{shared.id}/ban-rieng", htmx=True)
    assert again.status_code == 422 and "đã có bản riêng" in again.get_data(as_text=True)
    assert _rows() == before

    # The commune's admin edits its copy; the shared set stays as it was.
    resp = admin.post(f"{PREFIX}/tieu-chi/{copy.id}/sua", data={**SET_FORM, "name": copy.name, "pass_total": 60})
    assert resp.status_code == 303
    db.session.refresh(copy)
    db.session.refresh(shared)
    assert copy.pass_total == 60 and shared.pass_total == 80

    # The commune and its branches register against the copy; the other commune against the shared set.
    assert [s.id for s in crit.sets_for(world.commune)] == [copy.id]
    assert [s.id for s in crit.sets_for(world.branch)] == [copy.id]
    assert [s.id for s in crit.sets_for(world.other_commune)] == [shared.id]
    assert make_assessment(world.branch, copy).criteria_set_id == copy.id
    with pytest.raises(crit.CriteriaError):
        make_assessment(world.branch, shared, "Lê Văn Chung")
    with pytest.raises(crit.CriteriaError):
        make_assessment(world.other_branch, copy, "Trần Văn Lạ")

    # The other commune never sees the copy: not listed, its page and its writes answer 404.
    other_admin = make_user(world.other_commune, "admin", username="admin_b")
    other = _client(app, other_admin)
    listing = other.get(f"{PREFIX}/tieu-chi").get_data(as_text=True)
    assert shared.name in listing and copy.name not in listing
    assert other.get(f"{PREFIX}/tieu-chi/{copy.id}").status_code == 404
    before = _rows()
    for path in ("sua", "phien-ban-moi", "ban-rieng"):
        assert other.post(f"{PREFIX}/tieu-chi/{copy.id}/{path}", data={**SET_FORM, "name": "X"}).status_code == 404
    assert _rows() == before
    # The registration form offers the other commune the shared set, never the copy.
    form = other.get(f"{PREFIX}/danh-gia/moi").get_data(as_text=True)
    assert f'value="{shared.id}"' in form and f'value="{copy.id}"' not in form


def test_a_new_shared_version_leaves_the_commune_copy_in_use(app, world, shared):
    copy = crit.copy_set(world.commune, shared)
    db.session.commit()
    crit.new_version(shared, year=2027, criteria=shared.criteria, pass_total=85, min_each=5)
    db.session.commit()
    assert [s.id for s in crit.sets_for(world.branch)] == [copy.id]
    newer = crit.new_version(copy, year=2027, criteria=copy.criteria, pass_total=70, min_each=0)
    db.session.commit()
    assert (newer.unit_id, newer.origin_id, newer.version) == (world.commune.id, shared.id, 2)
    assert [s.id for s in crit.sets_for(world.branch)] == [newer.id]


def test_registration_refuses_a_set_the_unit_does_not_use(app, world, shared):
    """A district or province user picks among the copies below; the service checks the chosen unit."""
    crit.copy_set(world.commune, shared)
    db.session.commit()
    top = _client(app, world.province_admin)
    resp = top.post(f"{PREFIX}/danh-gia/moi", data={
        "criteria_set_id": shared.id, "unit_id": world.branch.id, "name": "Nguyễn Văn Tư", "year": 2026,
        "idem_key": "d" * 32}, htmx=True)
    assert resp.status_code == 422 and "không dùng bộ tiêu chí này" in resp.get_data(as_text=True)


def test_existing_assessments_keep_their_shared_set(world, shared):
    a = make_assessment(world.branch, shared)
    crit.copy_set(world.commune, shared)
    db.session.commit()
    db.session.refresh(a)
    assert a.criteria_set_id == shared.id
