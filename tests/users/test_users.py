"""Accounts: creation, password rules, roles, deactivation, the printed list."""
import subprocess

import pytest
from sqlalchemy import select

from app.extensions import db
from app.users import services
from app.users.models import User
from app.vn.names import name_sort_key, split_name
from tests.conftest import login
from tests.factories import PASSWORD, make_user


def _new_user_form(world, **over):
    data = {"username": "nguyenvana", "full_name": "Nguyễn Văn A", "phone": "", "roles": "clerk",
            "unit_id": world.branch.id, "password": "Hoc-tap-suot-doi"}
    data.update(over)
    return data


def test_admin_creates_clerk_who_must_change_password_first(app, as_user, world):
    client = as_user(world.users["admin"])
    assert client.post("/nguoi-dung/moi", data=_new_user_form(world)).status_code == 303
    clerk = app.test_client()
    login(clerk, "nguyenvana", "Hoc-tap-suot-doi")
    resp = clerk.get("/don-vi/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/doi-mat-khau")
    clerk.post("/doi-mat-khau", data={"current": "Hoc-tap-suot-doi", "password": "Khuyen-hoc-moi-nam",
                                      "confirm": "Khuyen-hoc-moi-nam"})
    body = clerk.get("/don-vi/").get_data(as_text=True)
    assert "Chi hội ấp Tân Lộc" in body and "Hội Khuyến học xã Tân Phú" not in body


@pytest.mark.parametrize("password,message", [
    ("ngan", "ít nhất 8 ký tự"),
    ("12345678", "quá phổ biến"),
    ("Matkhau123", "quá phổ biến"),
    ("nguyenvana-2026", "tên đăng nhập"),
])
def test_weak_passwords_are_refused_beside_the_field(as_user, world, password, message):
    client = as_user(world.users["admin"])
    resp = client.post("/nguoi-dung/moi", data=_new_user_form(world, password=password))
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "nguyenvana")) is None


def test_duplicate_username_refused(as_user, world):
    client = as_user(world.users["admin"])
    resp = client.post("/nguoi-dung/moi", data=_new_user_form(world, username="clerk_a"))
    assert resp.status_code == 422 and "đã có người dùng" in resp.get_data(as_text=True)


def test_admin_cannot_change_own_role_or_lock_self(as_user, world):
    admin = world.users["admin"]
    client = as_user(admin)
    resp = client.post(f"/nguoi-dung/{admin.id}", data={"full_name": admin.full_name, "phone": "",
                                                        "unit_id": admin.unit_id, "roles": "viewer"})
    assert resp.status_code == 422
    client.post(f"/nguoi-dung/{admin.id}/trang-thai")
    db.session.expire_all()
    assert db.session.get(User, admin.id).active and db.session.get(User, admin.id).role == "admin"


def test_deactivated_user_cannot_log_in(app, as_user, world):
    client = as_user(world.users["admin"])
    client.post(f"/nguoi-dung/{world.branch_user.id}/trang-thai")
    other = app.test_client()
    resp = other.post("/dang-nhap", data={"username": "clerk_branch", "password": PASSWORD})
    assert resp.status_code == 422 and "bị khóa" in resp.get_data(as_text=True)


def test_reset_password_ends_sessions_and_forces_change(app, as_user, world):
    victim = app.test_client()
    login(victim, world.branch_user)
    client = as_user(world.users["admin"])
    resp = client.post(f"/nguoi-dung/{world.branch_user.id}/dat-lai-mat-khau",
                       data={"password": "Mot-lan-dung-thoi", "confirm": "Mot-lan-dung-thoi"})
    assert resp.status_code == 303
    assert victim.get("/").status_code == 302
    user = db.session.get(User, world.branch_user.id)
    db.session.refresh(user)
    assert user.must_change_password


def test_user_list_filters_plain_and_htmx(as_user, world):
    client = as_user(world.users["admin"])
    body = client.get("/nguoi-dung/?role=viewer").get_data(as_text=True)
    assert "viewer_a" in body and "clerk_a" not in body and "<html" in body
    frag = client.get("/nguoi-dung/?q=" + world.users["clerk"].full_name.lower(), htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "clerk_a" in frag
    everyone = client.get("/nguoi-dung/")
    assert everyone.status_code == 200 and "clerk_a" in everyone.get_data(as_text=True)  # the list, own users on it
    assert "clerk_other" not in everyone.get_data(as_text=True)


def test_user_list_pdf_is_sorted_the_vietnamese_way(as_user, world):
    names = ["Nguyễn Văn Ánh", "Trần Thị Anh", "Lê Đức Bình", "Phạm Thị Ảnh", "Đỗ Văn An", "Tôn Nữ Thị Đào",
             "Hoàng Văn Dũng"]
    for i, name in enumerate(names):
        make_user(world.branch, "clerk", username=f"nguoi{i}", full_name=name)
    client = as_user(world.users["admin"])
    resp = client.get(f"/nguoi-dung/danh-sach.pdf?don_vi={world.commune.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=resp.data, capture_output=True,
                          check=True).stdout.decode()
    assert "DANH SÁCH NGƯỜI DÙNG" in text
    positions = {n: text.index(n) for n in names}
    expected = sorted(names, key=lambda n: name_sort_key(*split_name(n)))
    assert sorted(names, key=positions.get) == expected
    assert expected[:4] == ["Đỗ Văn An", "Trần Thị Anh", "Phạm Thị Ảnh", "Nguyễn Văn Ánh"]  # tone: none < hỏi < sắc
    fonts = subprocess.run(["pdffonts", "-"], input=resp.data, capture_output=True).stdout.decode()
    assert "Tinos" in fonts


def test_service_refuses_unknown_role(app, world):
    with pytest.raises(services.UserError):
        services.create_user(username="abc", full_name="A B", unit=world.branch, role="superuser",
                             password="Dai-va-kho-doan")
