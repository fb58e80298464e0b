"""Issue 5's commendation flow in a real browser, with JavaScript on and off: an admin opens a draft
decision, previews a certificate, issues the decision, asks for all certificates, watches the
progress page until the print worker has finished, and downloads the certificates and the list.

The live server of this module runs its print queue for real (HUEY_IMMEDIATE off, a queue file of
its own), so the progress page is seen queued; the test then does the worker's part itself
(work_one) and the page must notice the finished job on its own (meta refresh / htmx polling).
"""
import re

import pytest
from playwright.sync_api import expect

from app.vn.names import name_sort_key, split_name
from tests.browser.commendation_data import (HONOREES, commendation_world, job_status, pdf_fonts, pdf_info,
                                             pdf_pages, pdf_text, register_numbers, save, work_one)
from tests.browser.conftest import login_ok, path_of, start_live, stop_live, unique
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

A4_LANDSCAPE = (842, 595)


@pytest.fixture(scope="module")
def live(database, tmp_path_factory):
    """This module's server: print jobs wait in a real queue until the test works them."""
    folder = tmp_path_factory.mktemp("print")
    server = start_live(database, tmp_path_factory, HUEY_IMMEDIATE=False,
                        HUEY_URL=str(folder / "queue.db"), PRINT_DIR=str(folder / "prints"))
    yield server
    stop_live(server)


def test_draft_to_downloaded_certificates_and_list(browse, live, tmp_path):
    tag = unique("k")
    w = live.run(commendation_world, tag)
    page = browse.page()
    login_ok(page, browse.base, w["admin"], PASSWORD)
    detail = f"{browse.base}/khen-thuong/quyet-dinh/{w['decision']}"
    page.goto(detail)
    rows = page.locator("#honorees tbody tr")
    expect(rows).to_have_count(3)
    for name in HONOREES:
        expect(page.locator("#honorees")).to_contain_text(name)

    # Preview one certificate: an HTML page with the same markup as the PDF.
    longest = HONOREES[-1]
    page.locator("#honorees tr", has_text=longest).get_by_role("link", name="Xem giấy khen").click()
    page.wait_for_url(f"**/khen-thuong/nguoi/{w['honorees'][longest]}/xem-giay-khen")
    expect(page.locator("#certificate-preview")).to_contain_text(longest)
    page.get_by_role("link", name=f"‹ Quyết định {w['number']}").click()
    page.wait_for_url(detail)

    # Issue: confirmation page, then the decision is frozen with register numbers in the list.
    page.locator("nav.actions a.button.primary", has_text="Ban hành").click()
    page.wait_for_url("**/ban-hanh")
    with page.expect_navigation(url=detail):
        page.click("#issue-form button[type=submit]")
    expect(page.locator("main")).to_contain_text(f"Đã ban hành Quyết định số {w['number']}.")
    numbers = live.run(register_numbers, w["decision"])
    assert all(numbers.values()) and len(set(numbers.values())) == 3, numbers
    for name, number in numbers.items():
        expect(rows.filter(has_text=name).locator("td.num").last).to_have_text(str(number))
    expect(page.get_by_role("link", name="Sửa thông tin quyết định")).to_have_count(0)

    # "In giấy khen": the job is queued and the progress page says so.
    page.get_by_role("button", name="In tất cả giấy khen (chạy nền)").click()
    page.wait_for_url(re.compile(r"/in-an/\d+$"))
    job_id = int(path_of(page).rsplit("/", 1)[1])
    assert live.run(job_status, job_id) == "queued"
    expect(page.locator("h1")).to_have_text(f"Giấy khen theo Quyết định {w['number']}")
    status = page.locator("#print-job")
    expect(status.locator("progress")).to_be_visible()
    expect(status).to_contain_text("Trang này tự cập nhật")
    expect(status.get_by_role("link", name="Tải về tệp PDF")).to_have_count(0)
    if browse.js:
        expect(status).to_have_attribute("hx-trigger", "every 1s")
        page.evaluate("window.__sameDocument = true")
    else:
        expect(page.locator("meta[http-equiv=refresh]")).to_have_attribute("content", "2")

    # The worker renders it; the page finds out by itself (htmx polling, or the meta refresh).
    assert work_one(live.app)
    assert live.run(job_status, job_id) == "done"
    link = status.get_by_role("link", name="Tải về tệp PDF")
    expect(link).to_be_visible()
    expect(status).to_contain_text("Đã in xong: 3 trang.")
    expect(status.locator("progress")).to_have_count(0)
    if browse.js:
        assert page.evaluate("window.__sameDocument === true")
        expect(status).not_to_have_attribute("hx-trigger", "every 1s")
    else:
        expect(page.locator("meta[http-equiv=refresh]")).to_have_count(0)

    # Download with the session's cookies and read the PDF the way a person would print it.
    answer = page.context.request.get(browse.base + link.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/pdf")
    assert "attachment" in answer.headers.get("content-disposition", "")
    certs = save(tmp_path, "giay-khen.pdf", answer.body())
    assert pdf_info(certs) == (3, A4_LANDSCAPE)
    pages = pdf_pages(certs)
    assert len(pages) == 3
    expected = sorted(HONOREES, key=lambda n: name_sort_key(*split_name(n)))
    assert expected[0] == HONOREES[-1]  # "Bích" comes first: Vietnamese order is not the input order
    for name, text in zip(expected, pages):  # one page each, every diacritic intact, in list order
        assert name in text, (name, text)
        assert f"Số sổ vàng: {numbers[name]}" in text, text
    fonts = pdf_fonts(certs)
    assert fonts and all(embedded for _f, embedded in fonts), fonts

    # The attached list, printed directly (short list), in Vietnamese name order.
    page.goto(detail)
    href = page.get_by_role("link", name="In danh sách (PDF)").get_attribute("href")
    answer = page.context.request.get(browse.base + href)
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/pdf")
    text = pdf_text(save(tmp_path, "danh-sach.pdf", answer.body()))
    positions = [text.find(name) for name in expected]
    assert -1 not in positions, (positions, text)
    assert positions == sorted(positions), text
    browse.assert_mode()
