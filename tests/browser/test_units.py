"""The unit tree in a real browser: create, list, rename, move, deactivate, refuse, search."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_ok, make_commune, path_of, settled, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# Looks like an attack, is just text: the page must show it, never run it (the dialog guard watches).
ODD_ADDRESS = 'Số 12 <script>alert("xss")</script> ấp Mới'


def test_admin_creates_edits_moves_and_deactivates_a_branch(browse, live):
    world = live.run(make_commune, unique("u"))
    my_hoa = world["branches"]["Chi hội ấp Mỹ Hòa"]
    page = browse.page()
    login_ok(page, browse.base, world["admin"], PASSWORD)

    # An empty name (spaces pass the browser's `required`, the server strips them) is refused
    # beside the field, and what was typed elsewhere stays.
    page.goto(browse.base + "/don-vi/moi")
    page.select_option("#parent_id", str(world["commune"]))
    page.fill("#name", "   ")
    page.select_option("#kind", "village")
    page.fill("#address", ODD_ADDRESS)
    page.click("#unit-form button[type=submit]")
    expect(page.locator("#name-err")).to_have_text("Vui lòng nhập tên đơn vị.")
    expect(page.locator("#address")).to_have_value(ODD_ADDRESS)
    expect(page.locator("#kind")).to_have_value("village")
    expect(page.locator("#parent_id")).to_have_value(str(world["commune"]))
    assert path_of(page) == "/don-vi/moi"
    settled(page)

    name = f"Chi hội ấp Bình Thành {unique()}"
    page.fill("#name", name)
    page.click("#unit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/don-vi/\d+$"))
    unit_url = page.url
    expect(page.locator("main h1")).to_have_text(name)
    expect(page.locator(".facts")).to_contain_text(ODD_ADDRESS)

    page.goto(browse.base + "/don-vi/")
    expect(page.locator("#results")).to_contain_text(name)

    page.goto(unit_url)
    page.click(".actions a:has-text('Sửa')")
    renamed = name.replace("Bình Thành", "Bình Thạnh")
    page.fill("#name", renamed)
    page.click("#unit-form button[type=submit]")
    page.wait_for_url(unit_url)
    expect(page.locator("main h1")).to_have_text(renamed)

    page.click(".actions a:has-text('Chuyển đơn vị cấp trên')")
    page.select_option("#parent_id", str(my_hoa))
    page.click("#move-form button[type=submit]")
    page.wait_for_url(unit_url)
    expect(page.locator("#flash")).to_contain_text("Đã chuyển")
    expect(page.locator(".crumbs")).to_contain_text("Chi hội ấp Mỹ Hòa")

    if browse.js:
        browse.expect_confirm("Ngừng hoạt động")
        page.click(".actions a:has-text('Ngừng hoạt động')")  # hx-post, then HX-Redirect back here
    else:
        page.click(".actions a:has-text('Ngừng hoạt động')")
        page.wait_for_url("**/trang-thai")
        page.click("main form button:has-text('Ngừng hoạt động')")
    expect(page.locator("#flash")).to_contain_text("Đã ngừng hoạt động đơn vị.")
    expect(page.locator(".facts")).to_contain_text("Ngừng hoạt động")
    if browse.js:
        assert browse.confirmed(f"Ngừng hoạt động “{renamed}”?")

    page.goto(browse.base + "/don-vi/")
    row = page.locator("#results tr", has_text=renamed)
    expect(row).to_contain_text("Ngừng hoạt động")
    browse.assert_mode()


def test_search_without_diacritics_finds_the_branch(browse, live):
    world = live.run(make_commune, unique("s"))
    page = browse.page()
    login_ok(page, browse.base, world["admin"], PASSWORD)
    page.goto(browse.base + "/don-vi/")
    results = page.locator("#results")
    expect(results).to_contain_text("Chi hội ấp Mỹ Hòa")

    if browse.js:
        page.evaluate("window.__sameDocument = true")
        page.locator("#q").press_sequentially("tan loc", delay=30)
        expect(results).not_to_contain_text("Chi hội ấp Mỹ Hòa")
        # hx-push-url: the address can be shared or reloaded.
        page.wait_for_url(re.compile(r"/don-vi/\?q=tan(\+|%20)loc$"))
        # Still the same document: htmx swapped the list, the page was not reloaded.
        assert page.evaluate("window.__sameDocument === true")
        assert [m for m, u, hx in browse.requests if hx and "/don-vi/?q=" in u]
    else:
        page.fill("#q", "tan loc")
        page.click("form.search button[type=submit]")
        page.wait_for_url("**/don-vi/?q=tan+loc")
        expect(results).not_to_contain_text("Chi hội ấp Mỹ Hòa")
    expect(results).to_contain_text("Chi hội ấp Tân Lộc")
    expect(page.locator("#q")).to_have_value("tan loc")
