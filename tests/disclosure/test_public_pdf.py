"""The public PDF: the published snapshot, for anyone, without personal fields, printed once."""
import pytest

from app.core import blobs
from app.disclosure import documents, services
from app.donations.donors import ANONYMOUS_NAME
from app.extensions import db
from tests.disclosure import data
from tests.disclosure.test_pdf import _text
from tests.factories_donations import make_donation, make_donor

pytestmark = pytest.mark.skipif(not __import__("shutil").which("pdftotext"), reason="poppler-utils not installed")

YEAR = data.YEAR


def _urls(s):
    return f"/cong-khai/{s.unit.id}/{YEAR}", f"/cong-khai/{s.unit.id}/{YEAR}.pdf", \
        f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}/cong-bo"


def test_public_page_links_a_pdf_of_the_published_report_without_personal_fields(world, as_user, app):
    s = data.build(world)
    page_url, pdf_url, publish_url = _urls(s)
    anon = app.test_client()
    assert anon.get(pdf_url).status_code == 404  # not published yet
    as_user(world.users["admin"]).post(publish_url)
    for htmx in (False, True):
        assert f'href="{pdf_url}"' in anon.get(page_url, htmx=htmx).get_data(as_text=True)
    resp = anon.get(pdf_url)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _text(resp.data)
    assert "HỘI KHUYẾN HỌC XÃ TÂN PHÚ" in text and "NĂM 2025" in text and "4.550.000" in text
    assert "Nguyễn Văn An" in text and ANONYMOUS_NAME in text and "50 quyển vở" in text
    for private in (data.SECRET_NAME, "0912", "0987", "Nguyễn Huệ", "Ấp Mỹ Hòa", "Chợ Tân Phú", "04/03/2012",
                    "Phạm Thị Học Giỏi", "Lê Thị Heo Con", "Phạm Thị Riêng Tư"):
        assert private not in text, private


def test_public_pdf_shows_the_snapshot_and_is_printed_once_per_publication(world, as_user, app, monkeypatch):
    s = data.build(world)
    _, pdf_url, publish_url = _urls(s)
    admin = as_user(world.users["admin"])
    admin.post(publish_url)
    anon = app.test_client()
    first = anon.get(pdf_url).data
    data.reopen(s)  # publishing closed 2025: late entries need the year reopened
    make_donation(s.campaign, 900_000, make_donor(s.unit, "Đinh Văn Đến Muộn"), data.d(9, 25))
    db.session.commit()

    def no_second_print(pub):
        raise AssertionError("printed again")

    monkeypatch.setattr(documents, "_public_pdf", no_second_print)
    assert anon.get(pdf_url).data == first and "Đinh Văn Đến Muộn" not in _text(first)
    monkeypatch.undo()
    admin.post(publish_url)  # a new snapshot: a new PDF
    assert "Đinh Văn Đến Muộn" in _text(anon.get(pdf_url).data)


def test_a_long_public_pdf_is_printed_in_the_background_when_published(world, as_user, app, monkeypatch):
    s = data.build(world)
    _, pdf_url, publish_url = _urls(s)
    monkeypatch.setattr(documents, "DIRECT_MAX", 2)  # the report has 11 lines
    as_user(world.users["admin"]).post(publish_url)  # tests run the print queue at once
    pub = services.published(s.unit, YEAR)
    anon = app.test_client()
    assert "Nguyễn Văn An" in _text(anon.get(pdf_url).data)
    blobs.delete(documents.public_key(pub))  # still printing (or the file was cleaned away)

    def no_print_in_request(pub):
        raise AssertionError("a long PDF printed in a public request")

    monkeypatch.setattr(documents, "_public_pdf", no_print_in_request)
    for htmx in (False, True):
        wait = anon.get(pdf_url, htmx=htmx)
        html = wait.get_data(as_text=True)
        assert wait.status_code == 503 and wait.headers["Retry-After"] and "đang được chuẩn bị" in html
        assert ("<html" in html) != htmx
