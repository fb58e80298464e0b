"""Issue 13's walkthrough of a year with goods, in a real browser at 360 px, JavaScript on and off:
500 notebooks are given in kind, then handed out with the scholarships ("300.000 đ và 10 quyển vở").
The cash book moves only by the money, the stock by the notebooks, and each step prints its own paper:
a biên bản giao nhận for the gift (never a phiếu thu), a signing sheet listing the goods."""
import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_ok, path_of, settled, unique
from tests.browser.goods_data import AWARD_MONEY, AWARD_NOTEBOOKS, balance_of, gift_paper, goods_year_world, stock_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PUPILS = ["Lê Thị An", "Âu Dương Minh Anh", "Trần Văn Ánh", "Nguyễn Thị Ẩn", "Bùi Thị Ưng"]
PHONE = {"viewport": {"width": 360, "height": 740}}


def pdf_text(page, url: str) -> str:
    answer = page.request.get(url)
    assert answer.ok, (url, answer.status)
    assert answer.headers["content-type"].startswith("application/pdf")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=answer.body(), capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path_of(page)} is {width} px wide at 360 px"


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_year_with_goods_keeps_cash_stock_and_papers_right(browse, live):
    tag = unique("g")
    w = live.run(goods_year_world, tag, [f"{p} {tag}" for p in PUPILS])
    names = list(w["nominations"])
    page = browse.page(**PHONE)
    login_ok(page, browse.base, w["treasurer"], PASSWORD)
    cash_campaign = live.run(balance_of, w["campaign_fund"])
    cash_round = live.run(balance_of, w["fund"])

    # 1. The notebooks arrive as a gift in kind through the ordinary entry form.
    donor = f"Nhà sách Phương Nam {tag}"
    page.goto(browse.base + "/quyen-gop/nhap")
    no_sideways_scroll(page)
    page.select_option("#campaign_id", str(w["campaign"]))
    page.fill("#donor_name", donor)
    page.fill("#amount", "2.500.000")
    page.select_option("#method", "in_kind")
    page.fill("#item", "vở")
    page.fill("#quantity", "500")
    page.fill("#item_unit", "quyển")
    if browse.js:
        page.click("#donation-form button[type=submit]")
    else:
        submit(page, "#donation-form button[type=submit]")
    row = page.locator("#entry-list tr", has_text=donor)
    expect(row).to_contain_text("500 quyển vở")
    paper = live.run(gift_paper, w["campaign"], donor)
    assert paper["number"].startswith("GN-"), paper
    assert paper["entry_id"] is None and paper["goods_entry_id"]
    expect(page.locator("main")).to_contain_text(f"biên bản giao nhận hiện vật {paper['number']}")

    # The cash book did not move; the stock did.
    assert live.run(balance_of, w["campaign_fund"]) == cash_campaign
    assert live.run(stock_of, w["commune"]) == 500

    # Its paper is a biên bản giao nhận hiện vật, reached from the gift's page.
    page.goto(f"{browse.base}/quyen-gop/{paper['id']}")
    link = page.locator("main a:has-text('In biên bản giao nhận')")
    expect(link).to_have_count(1)
    expect(page.locator("main a:has-text('In phiếu thu')")).to_have_count(0)
    text = pdf_text(page, browse.base + link.get_attribute("href"))
    assert "BIÊN BẢN GIAO NHẬN HIỆN VẬT" in text
    assert paper["number"] in text and "500" in text and "quyển" in text
    assert re.search(r"Hai triệu năm trăm nghìn đồng", text)
    assert "Đã nhận đủ số tiền" not in text and "PHIẾU THU" not in text

    # The stock page shows the notebooks on hand.
    page.goto(browse.base + "/hien-vat/")
    no_sideways_scroll(page)
    stock_row = page.locator("main table tbody tr", has_text="vở")
    expect(stock_row.first).to_contain_text("500")

    # 2. The round pays every award: money from its fund, notebooks from the stock, in one action.
    page.goto(f"{browse.base}/hoc-bong/{w['round']}/chi-tra")
    no_sideways_scroll(page)
    for name in names:
        page.check(f"#payout-form input[aria-label='{name} đã ký nhận']")
    total = AWARD_MONEY * len(names)
    submit(page, "#payout-form button[name=scope][value=picked]")  # the confirm page asks the control total
    settled(page)
    page.fill("#control_total", f"{total:,}".replace(",", "."))
    submit(page, "#pay-confirm button[value=confirm]")
    settled(page)
    expect(page.locator("#flash")).to_contain_text(f"Đã ghi chi trả {len(names)} suất")
    assert live.run(balance_of, w["fund"]) == cash_round - total
    assert live.run(stock_of, w["commune"]) == 500 - AWARD_NOTEBOOKS * len(names)
    assert live.run(balance_of, w["campaign_fund"]) == cash_campaign  # the gift never touched cash

    # 3. The signing sheet lists the goods beside the money, with their total.
    sheet = pdf_text(page, f"{browse.base}/hoc-bong/{w['round']}/danh-sach-ky-nhan")
    assert f"{AWARD_NOTEBOOKS} quyển vở" in sheet
    assert f"{AWARD_NOTEBOOKS * len(names)} quyển vở" in sheet
    flat = re.sub(r"\s+", " ", sheet)
    for name in names:
        assert name.split()[-2] in flat  # Vietnamese names may wrap in the cell; their parts stay

    # The stock page now shows what was handed out and what is left.
    page.goto(browse.base + "/hien-vat/")
    expect(page.locator("main table tbody tr", has_text="vở").first).to_contain_text(
        str(500 - AWARD_NOTEBOOKS * len(names)))
    browse.assert_mode()
