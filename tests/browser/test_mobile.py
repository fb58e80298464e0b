"""A 360 px wide phone: no sideways scrolling, and every button big enough for a thumb."""
import pytest

from tests.browser.conftest import login_ok, make_commune, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
MIN_TOUCH = 44

_MEASURE = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  buttons: [...document.querySelectorAll('button, a.button, input[type=submit]')]
    .filter(e => e.getClientRects().length > 0)
    .map(e => [e.textContent.trim() || e.value, e.getBoundingClientRect().height]),
})"""


def _world(tag):
    from app.extensions import db
    from app.units.models import Unit
    from tests.factories import make_unit

    # Long real-world names are what pushes a narrow layout sideways.
    world = make_commune(tag, branches=("Chi hội Khuyến học ấp Tân Lộc Đông", "Chi hội ấp Mỹ Hòa"))
    branch = db.session.get(Unit, world["branches"]["Chi hội Khuyến học ấp Tân Lộc Đông"])
    make_unit(branch, "Ban Khuyến học Trường Trung học cơ sở Nguyễn Văn Trỗi", "school")
    return world


@pytest.mark.parametrize("js", [True], ids=["js"])
def test_unit_list_and_user_form_fit_a_360px_phone(browse, live, js):
    world = live.run(_world, unique("p"))
    page = browse.page(viewport=PHONE, is_mobile=True, has_touch=True)
    login_ok(page, browse.base, world["admin"], PASSWORD)
    problems = []
    for path in ("/don-vi/", "/nguoi-dung/moi"):
        page.goto(browse.base + path)
        seen = page.evaluate(_MEASURE)
        if seen["scrollWidth"] > PHONE["width"]:
            problems.append(f"{path}: scrollWidth {seen['scrollWidth']} > {PHONE['width']}")
        assert seen["buttons"], f"{path}: no buttons found"
        problems += [f"{path}: button “{label}” is {height:.0f} px tall"
                     for label, height in seen["buttons"] if height < MIN_TOUCH]
    assert not problems, "\n".join(problems)
