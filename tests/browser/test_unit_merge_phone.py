"""Merging two communes on a 360 px phone with JavaScript off (issue 20 D): the province admin picks
the commune with a checkbox, previews what moves, is stopped without the explicit checkbox, confirms."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_ok, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
_WIDTH = "() => document.documentElement.scrollWidth"


def _world(tag):
    from app.funds import services as funds
    from tests.factories import make_unit, make_user
    from tests.factories_funds import give

    province = make_unit(None, f"Hội Khuyến học tỉnh Thử Nghiệm {tag}", "province")
    a = make_unit(province, f"Hội Khuyến học xã Tân Phú Đông {tag}", "commune")
    b = make_unit(province, f"Hội Khuyến học xã Hòa An {tag}", "commune")
    make_unit(a, "Chi hội Khuyến học ấp Tân Lộc Đông", "village")
    make_user(a, "treasurer", username=f"tq{tag}")
    give(funds.default_fund(a), 2_500_000, entry_date=date(2026, 3, 1))
    admin = make_user(province, "admin", username=f"qt{tag}")
    return {"admin": admin.username, "province": province.id, "a": a.id, "b": b.id, "a_name": a.name,
            "b_name": b.name}


@pytest.mark.parametrize("js", [False], ids=["nojs"])
def test_a_province_admin_merges_two_communes_on_a_phone_without_javascript(browse, live, js):
    world = live.run(_world, unique("m"))
    page = browse.page(js=False, viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, world["admin"], PASSWORD)

    page.goto(browse.base + "/don-vi/sap-nhap")
    page.select_option("#cap_tren", str(world["province"]))
    page.click("#merge-parent button[type=submit]")
    page.wait_for_url(re.compile(r"/don-vi/sap-nhap/moi"))
    page.check(f"input[name=source_ids][value='{world['a']}']")
    page.select_option("#target_id", str(world["b"]))
    page.fill("#effective_on", "2026-07-01")
    page.fill("#reason", "Nghị quyết sáp nhập đơn vị hành chính cấp xã")
    page.click("#merge-form button[type=submit]")
    page.wait_for_url(re.compile(r"/don-vi/sap-nhap/\d+$"))
    preview_url = page.url
    main = page.locator("main")
    expect(main).to_contain_text("Những gì sẽ chuyển")
    expect(main).to_contain_text("2.500.000")
    expect(main).to_contain_text("Chi hội Khuyến học ấp Tân Lộc Đông")

    # Without the explicit checkbox the browser does not send the form (the server refuses it too:
    # tests/units/test_merge_routes.py), and nothing happens.
    page.click("#confirm-form button[type=submit]")
    assert page.url == preview_url
    expect(page.locator("body")).not_to_contain_text("Đã sáp nhập vào")
    page.check("#sure")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url(preview_url)
    expect(page.locator("#flash")).to_contain_text("Đã sáp nhập")
    expect(main).to_contain_text("PC-2026-0001")

    # The same pages on the phone do not scroll sideways (measured with a script, so in a JS context).
    phone = browse.page(js=True, viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(phone, browse.base, world["admin"], PASSWORD)
    for path in (preview_url, browse.base + f"/don-vi/sap-nhap/moi?cap_tren={world['province']}",
                 browse.base + "/don-vi/sap-nhap"):
        phone.goto(path)
        assert phone.evaluate(_WIDTH) <= PHONE["width"], path
