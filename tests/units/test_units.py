"""The unit tree: create, rename, move, deactivate; scope; pages plain and htmx."""
import unicodedata

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.units import services
from app.units.models import Unit
from tests.factories import make_unit


def test_tree_of_any_depth_keeps_paths(app):
    root = make_unit(None, "Hội Khuyến học tỉnh A", "province")
    node = root
    for depth in range(1, 7):
        node = make_unit(node, f"Cấp {depth}", "other")
        assert node.depth == depth
        assert node.path.startswith(root.path) and node.path.endswith(f"/{node.id}/")


def test_move_carries_the_whole_subtree(app):
    root = make_unit(None, "Tỉnh", "province")
    a, b = make_unit(root, "Xã A", "commune"), make_unit(root, "Xã B", "commune")
    branch = make_unit(a, "Chi hội 1", "village")
    leaf = make_unit(branch, "Tổ 1", "other")
    services.move_unit(branch, b)
    db.session.commit()
    db.session.refresh(leaf)
    assert branch.parent_id == b.id
    assert leaf.path == f"{b.path}{branch.id}/{leaf.id}/" and leaf.depth == 3
    assert [u.id for u in services.subtree(a)] == [a.id]


def test_move_into_own_descendant_is_refused(app):
    root = make_unit(None, "Tỉnh", "province")
    a = make_unit(root, "Xã A", "commune")
    child = make_unit(a, "Chi hội", "village")
    with pytest.raises(services.UnitError, match="chính nó"):
        services.move_unit(a, child)


def test_deactivate_refused_while_children_active_then_allowed(app):
    root = make_unit(None, "Tỉnh", "province")
    a = make_unit(root, "Xã A", "commune")
    child = make_unit(a, "Chi hội", "village")
    with pytest.raises(services.UnitError, match="cấp dưới"):
        services.set_active(a, False)
    services.set_active(child, False)
    services.set_active(a, False)
    db.session.commit()
    assert not a.active and db.session.get(Unit, a.id) is not None  # deactivated, never deleted


def test_duplicate_name_under_same_parent_refused_ignoring_diacritics(app):
    root = make_unit(None, "Tỉnh", "province")
    make_unit(root, "Xã Tân Phú", "commune")
    with pytest.raises(services.UnitError, match="cùng tên"):
        services.create_unit(root, "xa tan phu", "commune")


def test_create_via_form_writes_unit_and_audit(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post("/don-vi/moi", data={"parent_id": world.commune.id, "name": "Chi hội ấp Mới",
                                             "kind": "village", "address": ""})
    assert resp.status_code == 303
    unit = db.session.scalar(select(Unit).where(Unit.name == "Chi hội ấp Mới"))
    assert unit.parent_id == world.commune.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "unit",
                                                       AuditEntry.object_id == unit.id))
    assert entry.action == "create" and entry.username == "admin_a" and entry.after["name"] == "Chi hội ấp Mới"


def test_nfd_input_is_stored_nfc(as_user, world):
    client = as_user(world.users["admin"])
    nfd = unicodedata.normalize("NFD", "Chi hội thôn Đông Nhuế")
    assert nfd != unicodedata.normalize("NFC", nfd)
    client.post("/don-vi/moi", data={"parent_id": world.commune.id, "name": nfd, "kind": "village"})
    stored = db.session.scalar(select(Unit.name).where(Unit.search_key == "chi hoi thon dong nhue"))
    assert stored == unicodedata.normalize("NFC", nfd)


def test_invalid_form_answers_422_keeps_input_and_writes_nothing(as_user, world):
    client = as_user(world.users["admin"])
    count = db.session.scalar(select(db.func.count()).select_from(Unit))
    resp = client.post("/don-vi/moi", data={"parent_id": world.commune.id, "name": "   ",
                                             "kind": "village", "address": "Ấp 3, xã Tân Phú"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Vui lòng nhập tên đơn vị." in body and "Ấp 3, xã Tân Phú" in body
    assert db.session.scalar(select(db.func.count()).select_from(Unit)) == count


def test_invalid_form_as_htmx_returns_only_the_form(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post("/don-vi/moi", data={"parent_id": world.commune.id, "name": "", "kind": "village"},
                       htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in body and body.lstrip().startswith("<form")


def test_successful_htmx_post_redirects_with_hx_redirect(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post("/don-vi/moi", data={"parent_id": world.commune.id, "name": "Chi hội X",
                                             "kind": "village"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].startswith("/don-vi/")


def test_cannot_create_under_a_unit_outside_scope(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post("/don-vi/moi", data={"parent_id": world.other_commune.id, "name": "Xâm nhập",
                                             "kind": "village"})
    assert resp.status_code == 422  # not among the choices: refused beside the field
    assert db.session.scalar(select(Unit).where(Unit.name == "Xâm nhập")) is None


def test_search_ignores_diacritics_and_case_plain_and_htmx(as_user, world):
    client = as_user(world.users["viewer"])
    plain = client.get("/don-vi/?q=TAN LOC").get_data(as_text=True)
    assert "Chi hội ấp Tân Lộc" in plain and "<html" in plain
    frag = client.get("/don-vi/?q=tan loc", htmx=True)
    body = frag.get_data(as_text=True)
    assert "<html" not in body and 'id="results"' in body and "Chi hội ấp Tân Lộc" in body
    assert "Hội Khuyến học xã Tân Phú" not in body
    assert "HX-Request" in frag.headers["Vary"]


def test_boosted_or_history_restore_request_gets_the_full_page(as_user, world):
    client = as_user(world.users["viewer"])
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        body = client.get("/don-vi/", htmx=True, headers=extra).get_data(as_text=True)
        assert "<html" in body


def test_deactivate_through_confirmation_page(as_user, world):
    client = as_user(world.users["admin"])
    page = client.get(f"/don-vi/{world.branch.id}/trang-thai").get_data(as_text=True)
    assert "Ngừng hoạt động" in page and "<form method=\"post\"" in page
    assert client.post(f"/don-vi/{world.branch.id}/trang-thai").status_code == 303
    db.session.expire_all()
    assert not db.session.get(Unit, world.branch.id).active


def test_move_page_refuses_moving_own_unit(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post(f"/don-vi/{world.commune.id}/chuyen", data={"parent_id": world.other_commune.id})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Unit, world.commune.id).parent_id == world.province.id
