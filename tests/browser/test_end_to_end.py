"""Issue 2 end to end: an admin sets up a branch and its clerk; the clerk works inside it only;
the admin prints the commune's users, listed the Vietnamese way (tên, tên đệm, họ)."""
import re
import subprocess
import unicodedata

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_ok, logout, make_commune, path_of, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NAMED = ["Nguyễn Văn Ánh", "Trần Thị Anh", "Lê Đức Bình", "Phạm Thị Ảnh", "Đỗ Văn An"]
ADMIN_NAME = "Hoàng Minh Tâm"
CLERK_NAME = "Võ Thị Hồng"


def _world(tag):
    from app.extensions import db
    from app.units.models import Unit
    from tests.factories import make_user

    world = make_commune(tag, branches=("Chi hội ấp Hòa Bình",), admin_name=ADMIN_NAME)

    commune = db.session.get(Unit, world["commune"])
    for i, name in enumerate(NAMED):
        make_user(commune, "viewer", username=f"kt{tag}x{i}", full_name=name)
    return world


def _expected_order(names):
    from app.vn.names import name_sort_key, split_name

    return sorted(names, key=lambda n: name_sort_key(*split_name(n)))


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "danh-sach.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True, timeout=30)
    return unicodedata.normalize("NFC", out.stdout.decode("utf-8"))


def test_admin_sets_up_a_branch_and_clerk_who_then_works_inside_it(browse, live, tmp_path):
    tag = unique("e")
    world = live.run(_world, tag)
    branch_name = f"Chi hội ấp Long Hưng {tag}"
    clerk, first_password, own_password = f"nv{tag}", "Tam-thoi-2026-ok", "Rieng-cua-toi-2026"

    admin = browse.page()
    login_ok(admin, browse.base, world["admin"], PASSWORD)
    admin.goto(browse.base + "/don-vi/moi")
    admin.select_option("#parent_id", str(world["commune"]))
    admin.fill("#name", branch_name)
    admin.select_option("#kind", "village")
    admin.click("#unit-form button[type=submit]")
    admin.wait_for_url(re.compile(r"/don-vi/\d+$"))
    branch_id = path_of(admin).rsplit("/", 1)[1]

    admin.goto(browse.base + "/nguoi-dung/moi")
    admin.fill("#username", clerk)
    admin.fill("#full_name", CLERK_NAME)
    admin.select_option("#unit_id", branch_id)
    admin.get_by_label("Cán bộ nhập liệu", exact=True).check()
    admin.fill("#password", first_password)
    admin.click("#user-form button[type=submit]")
    admin.wait_for_url(re.compile(r"/nguoi-dung/\d+$"))
    expect(admin.locator("#flash")).to_contain_text(f"Đã tạo tài khoản “{clerk}”")
    expect(admin.locator("#unit_id")).to_have_value(branch_id)
    logout(admin)

    page = browse.page()
    login_ok(page, browse.base, clerk, first_password)
    page.wait_for_url("**/doi-mat-khau")
    expect(page.locator("main")).to_contain_text("Vui lòng đặt mật khẩu riêng")
    page.fill("#current", first_password)
    page.fill("#password", own_password)
    page.fill("#confirm", own_password)
    page.click("#password-form button[type=submit]")
    page.wait_for_url(browse.base + "/")
    expect(page.locator("#flash")).to_contain_text("Đã đổi mật khẩu.")
    expect(page.locator("main h1")).to_have_text(branch_name)

    page.goto(browse.base + "/don-vi/")
    results = page.locator("#results")
    expect(results).to_contain_text(branch_name)
    expect(results).not_to_contain_text("Chi hội ấp Hòa Bình")
    expect(results).not_to_contain_text(world["commune_name"])
    assert results.locator("tbody tr").count() == 1

    resp = page.goto(browse.base + "/nguoi-dung/")
    assert resp.status == 403
    expect(page.locator(".error-page")).to_contain_text("Không có quyền")
    expect(page.locator(".error-page")).to_contain_text("Tài khoản của bạn không được phép làm việc này.")

    # The admin prints the commune's users with the browser's own session cookie.
    admin = browse.page()
    login_ok(admin, browse.base, world["admin"], PASSWORD)
    admin.goto(f"{browse.base}/don-vi/{world['commune']}")
    href = admin.get_by_role("link", name="In danh sách người dùng (PDF)").get_attribute("href")
    pdf = admin.context.request.get(browse.base + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    text = _pdf_text(pdf.body(), tmp_path)
    names = NAMED + [ADMIN_NAME, CLERK_NAME]
    positions = {}
    for name in names:
        found = re.search(re.escape(name) + r"(?!\w)", text)
        assert found, f"{name} missing from the PDF:\n{text}"
        positions[name] = found.start()
    assert sorted(names, key=positions.get) == _expected_order(names)
    assert "Tổng cộng: 7 người dùng." in text
    browse.assert_mode()
