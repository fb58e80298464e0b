"""The verification page in a real browser at 360 px, JavaScript on and off, without signing in: the
code typed loosely into the field labelled "Mã xác minh" lands on the paper's answer; a mistyped code
answers "Không tìm thấy" with the form to try again; text that cannot be a code gets its message
beside the field. With JavaScript on the form goes through htmx and the address follows the answer.
Nothing scrolls sideways, every field has a visible label."""
import re

import pytest

from tests.browser.conftest import browse, js, live, path_of, settled, unique  # noqa: F401  (fixtures)
from tests.browser.phone_crawl import MEASURE
from tests.papers.helpers import flip

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 360, "height": 740}}


def a_receipt(tag: str) -> dict:
    from app.funds import services
    from app.papers import codes
    from tests.factories import make_unit
    from tests.factories_funds import give

    province = make_unit(None, f"Hội Khuyến học tỉnh Xác Minh {tag}", "province")
    commune = make_unit(province, "Hội Khuyến học xã Có Một Tên Rất Dài Để Thử Màn Hình Hẹp", "commune")
    entry = give(services.default_fund(commune), 1_250_000, counterparty="Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh")
    return {"code": codes.code_for("receipt", entry.id), "number": entry.number}


def measured(page) -> None:
    seen = page.evaluate(MEASURE)
    assert seen["scrollWidth"] <= seen["clientWidth"], (path_of(page), seen["widest"])
    assert not seen["unlabelled"], seen["unlabelled"]


def ask(page, js: bool, typed: str) -> None:
    page.get_by_label("Mã xác minh").fill(typed)
    page.click("#verify form button[type=submit]")
    page.wait_for_load_state()
    if js:
        settled(page)


def test_a_stranger_checks_a_receipt_on_a_phone(browse, live):
    paper = live.run(a_receipt, unique("xm"))
    code = paper["code"]
    page = browse.page(**PHONE)
    page.goto(f"{browse.base}/xac-minh")
    measured(page)
    loose = " ".join([code[:5], code[6:11], code[12:]]).lower()
    ask(page, browse.js, loose)
    page.wait_for_url(re.compile(f"/xac-minh/{code}$"))
    card = page.inner_text("#verify")
    assert "Còn hiệu lực" in card and paper["number"] in card and "1.250.000 đ" in card
    assert "Công Tằng Tôn Nữ T. H. Ph. Quỳnh" in card and "Hoàng" not in card
    measured(page)

    wrong = flip(code, 3)
    ask(page, browse.js, wrong)
    page.wait_for_url(re.compile(f"/xac-minh/{wrong}$"))
    assert "Không tìm thấy giấy tờ có mã này" in page.inner_text("#verify")
    assert page.get_by_label("Mã xác minh").input_value() == wrong  # to correct it in place
    measured(page)

    ask(page, browse.js, "mã in trên giấy")
    assert "Mã xác minh gồm 15 chữ và số" in page.inner_text("#ma-err")
    assert page.get_by_label("Mã xác minh").input_value() == "mã in trên giấy"
    measured(page)

    via_htmx = [u for m, u, hx in browse.requests if m == "GET" and hx and "/xac-minh" in u]
    assert bool(via_htmx) == browse.js
