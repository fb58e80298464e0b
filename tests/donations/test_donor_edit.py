"""Editing a donor's details: page and fragment, 422 keeping input, scope, audit before/after."""
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.donations.donors import Donor
from app.extensions import db
from tests.conftest import login
from tests.factories_donations import make_donor

URL = "/quyen-gop/nha-hao-tam/{}/sua"


def _data(**kw):
    data = {"name": "Nguyễn Văn Hùng", "kind": "person", "address": "Ấp Tân Lộc", "phone": "0912 345 678",
            "note": ""}
    data.update(kw)
    return data


def _client(app, user):
    """A separate logged-in client: one test client cannot switch users."""
    client = app.test_client()
    login(client, user)
    return client


def _edits(donor_id):
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "donor", AuditEntry.object_id == donor_id, AuditEntry.action == "update"))


def test_form_page_and_fragment_show_current_details(world, as_user):
    donor = make_donor(world.commune, "Trần Thị Mai", address="Ấp Hòa Bình")
    client = as_user(world.users["clerk"])
    page = client.get(URL.format(donor.id)).get_data(as_text=True)
    assert "<html" in page and 'value="Trần Thị Mai"' in page and 'value="Ấp Hòa Bình"' in page
    frag = client.get(URL.format(donor.id), htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="donor-form"' in frag and 'value="Trần Thị Mai"' in frag


def test_detail_page_links_to_edit_only_for_writers(app, world):
    donor = make_donor(world.commune)
    link, detail = f'href="{URL.format(donor.id)}"', f"/quyen-gop/nha-hao-tam/{donor.id}"
    assert link in _client(app, world.users["clerk"]).get(detail).get_data(as_text=True)
    seen = _client(app, world.users["viewer"]).get(detail)
    assert seen.status_code == 200 and donor.name in seen.get_data(as_text=True)  # the donor's page itself
    assert link not in seen.get_data(as_text=True)


def test_plain_post_saves_redirects_and_audits_before_and_after(world, as_user):
    donor = make_donor(world.commune, "Nguyen Van Hung", address="Ấp Tân Lộc")
    client = as_user(world.users["clerk"])
    resp = client.post(URL.format(donor.id), data=_data(note="Ủng hộ hằng năm"))
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyen-gop/nha-hao-tam/{donor.id}")
    db.session.expire_all()
    donor = db.session.get(Donor, donor.id)
    assert (donor.name, donor.phone, donor.note) == ("Nguyễn Văn Hùng", "0912 345 678", "Ủng hộ hằng năm")
    assert donor.search_key == "nguyen van hung" and donor.phone_key == "0912345678"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "donor",
                                                        AuditEntry.action == "update")).one()
    assert entry.before["name"] == "Nguyen Van Hung" and entry.before["phone"] == ""
    assert entry.after["name"] == "Nguyễn Văn Hùng" and entry.after["note"] == "Ủng hộ hằng năm"
    assert entry.username == world.users["clerk"].username


def test_htmx_post_answers_hx_redirect(world, as_user):
    donor = make_donor(world.commune)
    resp = as_user(world.users["treasurer"]).post(URL.format(donor.id), data=_data(kind="household"), htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].endswith(f"/nha-hao-tam/{donor.id}")
    db.session.expire_all()
    assert db.session.get(Donor, donor.id).kind == "household"


def test_missing_name_answers_422_beside_the_field_keeps_input_and_writes_nothing(world, as_user):
    donor = make_donor(world.commune, "Lê Văn Tám", address="Ấp 3")
    client = as_user(world.users["clerk"])
    for htmx in (False, True):
        resp = client.post(URL.format(donor.id), data=_data(name="   ", address="Ấp Mới, xã Tân Phú"), htmx=htmx)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422 and ("<html" in body) != htmx
        assert 'id="name-err"' in body and "Vui lòng nhập họ tên" in body
        assert 'value="Ấp Mới, xã Tân Phú"' in body
    db.session.expire_all()
    donor = db.session.get(Donor, donor.id)
    assert (donor.name, donor.address) == ("Lê Văn Tám", "Ấp 3") and _edits(donor.id) == 0


def test_anonymous_kind_without_name_gets_the_anonymous_name(world, as_user):
    donor = make_donor(world.commune, "Người giấu tên")
    resp = as_user(world.users["clerk"]).post(URL.format(donor.id), data=_data(name="", kind="anonymous"))
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Donor, donor.id).name == "Nhà hảo tâm ẩn danh"


def test_refused_edits_write_nothing(app, world):
    own = make_donor(world.commune, "Phạm Văn Bảy")
    other = make_donor(world.other_commune, "Võ Thị Tư")
    viewer = _client(app, world.users["viewer"])
    assert viewer.post(URL.format(own.id), data=_data()).status_code == 403
    clerk = _client(app, world.users["clerk"])
    assert clerk.post(URL.format(other.id), data=_data()).status_code == 404
    assert clerk.get(URL.format(other.id)).status_code == 404
    db.session.expire_all()
    assert db.session.get(Donor, own.id).name == "Phạm Văn Bảy"
    assert db.session.get(Donor, other.id).name == "Võ Thị Tư"
    assert _edits(own.id) == 0 and _edits(other.id) == 0
