from tests.conftest import login


def test_login_page_is_vietnamese_and_full_page(client):
    resp = client.get("/dang-nhap")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "<html lang=\"vi\">" in body and "Đăng nhập" in body


def test_world_admin_sees_units(world, as_user):
    client = as_user(world.users["admin"])
    resp = client.get("/don-vi/")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Chi hội ấp Tân Lộc" in body  # the list itself, with one's own branch
    assert "Chi hội ấp Mỹ Hòa" not in body
