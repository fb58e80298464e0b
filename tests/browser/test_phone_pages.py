"""Every page, as every role, on a 360 px phone as it looks without JavaScript (issue 14, C).

The demo association (`flask seed-demo`) gives each role real lists, reports and forms. From the
dashboard the check follows every in-app link (one page per URL pattern, downloads skipped) and on
each page asks: is the document no wider than the screen, has every form control a label, and
does axe-core (pinned in package.json) find nothing serious or critical? It prints a summary and
fails listing every finding.
"""
import os

import pytest

from tests.browser.conftest import login_ok
from tests.browser.phone_crawl import AXE, MEASURE, PhonePage, crawl

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LIMIT = int(os.environ.get("PHONE_PAGE_LIMIT", "150"))  # pages per role; the walk is deduped by pattern
ROLES = {"admin": "quantrixa", "treasurer": "thuquy", "clerk": "nhaplieu", "viewer": "kiemtra"}


@pytest.fixture(scope="module")
def demo_logins(live):
    from app.demo.services import seed

    return {username: password for username, password, _role, _unit in live.run(seed)}


@pytest.mark.parametrize("js", [False], ids=["nojs"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_is_labelled(browse, demo_logins, role, js):
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing (scripts/vendor-static.sh installs it)")
    username = ROLES[role]
    phone = PhonePage(browse.context(js=True, viewport=PHONE, is_mobile=True, has_touch=True))
    login_ok(phone.page, browse.base, username, demo_logins[username])
    checked, findings = crawl(phone, browse.base, LIMIT)
    summary = f"phone check, {role} ({username}): {len(checked)} pages checked, {len(findings)} findings"
    print("\n" + summary + "".join("\n  " + f for f in findings))
    report = os.environ.get("PHONE_REPORT")
    if report:
        with open(f"{report}.{role}.txt", "w", encoding="utf-8") as out:
            out.write(summary + "\n" + "".join(f"  page {p}\n" for p in checked)
                      + "".join(f"  {f}\n" for f in findings))
    assert len(checked) >= 10, f"the walk reached only {checked}"
    assert not findings, summary + "".join("\n  " + f for f in findings)


@pytest.mark.parametrize("js", [False], ids=["nojs"])
def test_the_check_sees_a_wide_page_an_unlabelled_box_and_an_axe_finding(browse, js):
    """A positive control: the three measures really catch what they look for."""
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is missing (scripts/vendor-static.sh installs it)")
    bad = ('<!doctype html><html lang="vi"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Thử</title></head><body><main>'
           '<div style="width:500px">rộng</div><input name="x"><label>Có nhãn <input name="y"></label>'
           '<img src="/static/img/none.png"></main></body></html>')
    phone = PhonePage(browse.context(js=True, viewport=PHONE, is_mobile=True))
    phone.show(browse.base + "/thu-axe", bad)
    seen = phone.page.evaluate(MEASURE)
    assert seen["scrollWidth"] > PHONE["width"] and seen["widest"]
    assert len(seen["unlabelled"]) == 1 and 'name="x"' in seen["unlabelled"][0]
    assert "image-alt" in [v["id"] for v in phone.violations()]


@pytest.mark.parametrize("js", [False, True], ids=["nojs", "js"])
def test_the_phone_menu_says_where_you_are_and_opens_on_every_section(browse, demo_logins, js):
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, "thuquy", demo_logins["thuquy"])
    page.goto(browse.base + "/hoc-bong/")
    nav = page.get_by_role("navigation", name="Chức năng chính")
    toggle = nav.locator("label.menu-toggle")
    assert " ".join(toggle.inner_text().split()).endswith(": Học bổng")
    links = nav.locator(".menu-links a")  # get_by_role would skip the folded, hidden links
    assert links.count() >= 10 and not links.first.is_visible()  # folded: the page starts right below
    toggle.click()
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert all(b and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] and b["height"] >= 44 for b in boxes)
    assert nav.locator("a[aria-current=page]").inner_text() == "Học bổng"
    nav.get_by_role("link", name="Quyên góp", exact=True).click()
    page.wait_for_url("**/quyen-gop/")
    assert " ".join(toggle.inner_text().split()).endswith(": Quyên góp")
    # A report belongs to the home page's section, where its link is.
    page.goto(browse.base + "/bao-cao/tong-hop")
    assert nav.locator("a[aria-current=page]").get_attribute("href") == "/"
    page.set_viewport_size({"width": 1024, "height": 740})  # a wide screen shows the bar, no toggle
    assert links.first.is_visible() and not toggle.is_visible()
