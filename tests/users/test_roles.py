"""Several roles per user: stored once, granted together, shown everywhere, audited."""
import subprocess

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.authz import can, roles_for, who_can
from app.extensions import db
from app.users import services
from app.users.models import User, UserRole
from tests.conftest import login
from tests.factories import make_user


def _post_roles(client, user, roles):
    return client.post(f"/nguoi-dung/{user.id}", data={"full_name": user.full_name, "phone": "",
                                                       "unit_id": user.unit_id, "roles": roles})


def test_factory_accepts_role_and_roles(world):
    one = make_user(world.commune, "viewer")
    both = make_user(world.commune, roles=["treasurer", "admin"])
    assert one.roles == ["viewer"] and one.role == "viewer"
    assert both.roles == ["admin", "treasurer"] and both.role == "admin"  # stored in ROLE_LABELS' order
    rows = db.session.scalars(select(UserRole.role).where(UserRole.user_id == both.id)).all()
    assert sorted(rows) == ["admin", "treasurer"]


def test_a_user_gets_the_rights_of_every_role(world):
    chair = make_user(world.commune, roles=["admin", "treasurer"])
    assert can(chair, "nomination.decide") and can(chair, "scholarship.pay")  # admin's and treasurer's
    assert not can(world.users["admin"], "scholarship.pay")
    assert not can(chair, "donation.write", world.other_commune)  # scope still applies


def test_admin_ticks_several_roles_and_the_change_is_audited(as_user, world):
    client = as_user(world.users["admin"])
    target = world.users["clerk"]
    page = client.get(f"/nguoi-dung/{target.id}").get_data(as_text=True)
    assert 'type="checkbox"' in page and 'value="treasurer"' in page and "Thủ quỹ / kế toán" in page
    assert 'required' not in page.split('<fieldset class="roles')[1].split("</fieldset>")[0]
    resp = _post_roles(client, target, ["clerk", "treasurer"])
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, target.id).roles == ["treasurer", "clerk"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "user_account",
                                                        AuditEntry.object_id == target.id,
                                                        AuditEntry.action == "update")).one()
    assert entry.before["roles"] == ["clerk"] and entry.after["roles"] == ["treasurer", "clerk"]
    body = client.get("/nguoi-dung/").get_data(as_text=True)
    assert "Thủ quỹ / kế toán, Cán bộ nhập liệu" in body
    assert client.get("/nguoi-dung/?role=treasurer").get_data(as_text=True).count(target.username) == 1


def test_changing_roles_ends_the_users_sessions(app, as_user, world):
    target = world.users["viewer"]
    victim = app.test_client()
    login(victim, target)
    client = as_user(world.users["admin"])
    assert _post_roles(client, target, ["viewer", "clerk"]).status_code == 303
    assert victim.get("/").status_code == 302  # signs in again with the new rights


@pytest.mark.parametrize("roles,message", [([], "ít nhất một vai trò"), (["clerk", "boss"], "không hợp lệ")])
def test_bad_roles_refused_beside_the_field(as_user, world, roles, message):
    client = as_user(world.users["admin"])
    target = world.users["clerk"]
    resp = _post_roles(client, target, roles)
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert message in body and 'id="roles-err"' in body
    db.session.expire_all()
    assert db.session.get(User, target.id).roles == ["clerk"]


def test_create_with_several_roles_plain_and_htmx(as_user, world):
    client = as_user(world.users["admin"])
    data = {"username": "chutich", "full_name": "Võ Thị Chủ", "phone": "", "unit_id": world.commune.id,
            "roles": ["admin", "treasurer"], "password": "Hoc-tap-suot-doi"}
    assert client.post("/nguoi-dung/moi", data=data, htmx=True).status_code in (200, 204, 303)
    user = db.session.scalar(select(User).where(User.username == "chutich"))
    assert user.roles == ["admin", "treasurer"]


def test_header_export_and_pdf_show_every_role(as_user, world):
    chair = make_user(world.commune, roles=["admin", "treasurer"], username="chutich", full_name="Võ Thị Chủ")
    client = as_user(chair)
    assert "Quản trị, Thủ quỹ / kế toán" in client.get("/").get_data(as_text=True)
    csv = client.get("/nguoi-dung/xuat.xlsx?format=csv").get_data(as_text=True)
    assert "Quản trị, Thủ quỹ / kế toán" in csv
    pdf = client.get(f"/nguoi-dung/danh-sach.pdf?don_vi={world.commune.id}").data
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert "Thủ quỹ / kế" in text.decode()


def test_who_can_names_the_roles_in_vietnamese():
    assert roles_for("donation.write") == ["treasurer", "clerk"]
    assert who_can("donation.write") == "Thủ quỹ / kế toán hoặc cán bộ nhập liệu"
    assert who_can("pupil.write") == "Quản trị viên, thủ quỹ / kế toán hoặc cán bộ nhập liệu"
    assert who_can("nomination.decide") == "Quản trị viên"


def test_service_keeps_self_from_changing_own_roles(world):
    admin = world.users["admin"]
    with pytest.raises(services.UserError):
        services.update_user(admin, actor=admin, full_name=admin.full_name, unit=admin.unit,
                             roles=["admin", "treasurer"])


def test_demo_has_a_small_commune_whose_chair_keeps_the_books(app):
    from app.demo.services import seed

    logins = seed()
    db.session.commit()
    chair = db.session.scalar(select(User).where(User.username == "chutichph"))
    assert chair.roles == ["admin", "treasurer"] and chair.unit.kind == "commune"
    assert ("chutichph", "admin+treasurer") in {(u, r) for u, _p, r, _unit in logins}
