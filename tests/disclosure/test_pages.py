"""Disclosure pages: the admin report, publishing with confirmation, the public page and its privacy."""
import re

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.clock import today
from app.disclosure import services
from app.disclosure.models import Publication
from app.donations.donors import ANONYMOUS_NAME
from app.extensions import db
from tests.conftest import login
from tests.disclosure import data
from tests.factories import make_user

YEAR = data.YEAR


def _admin_url(s, tail=""):
    return f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}{tail}"


def _public_url(s):
    return f"/cong-khai/{s.unit.id}/{YEAR}"


def _publish(client, s):
    return client.post(_admin_url(s, "/cong-bo"))


def test_public_page_is_404_until_an_admin_publishes_it(world, as_user, app):
    s = data.build(world)
    anon = app.test_client()
    assert anon.get(_public_url(s)).status_code == 404
    assert anon.get(f"/cong-khai/{s.unit.id}").status_code == 404
    resp = _publish(as_user(world.users["admin"]), s)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(_admin_url(s))
    page = anon.get(_public_url(s))
    assert page.status_code == 200
    assert "Tháng Khuyến học 2025" in page.get_data(as_text=True)
    for htmx in (False, True):
        years = anon.get(f"/cong-khai/{s.unit.id}", htmx=htmx).get_data(as_text=True)
        assert f"/cong-khai/{s.unit.id}/{YEAR}" in years and ("<html" in years) != htmx


def test_public_page_hides_phones_addresses_birth_dates_and_anonymous_names(world, as_user, app):
    s = data.build(world)
    _publish(as_user(world.users["admin"]), s)
    for htmx in (False, True):
        html = app.test_client().get(_public_url(s), htmx=htmx).get_data(as_text=True)
        assert "Nguyễn Văn An" in html and ANONYMOUS_NAME in html and "Nhà sách Phương Nam" in html
        assert data.SECRET_NAME not in html
        for private in (data.PHONE, "0987 654 321", "0912", data.ADDRESS, "Nguyễn Huệ", "Ấp Mỹ Hòa", "Chợ Tân Phú",
                        "04/03/2012", "2012-03-04", "Phạm Thị Học Giỏi", "Lê Thị Heo Con", "Phạm Thị Riêng Tư"):
            assert private not in html, private
        assert not re.search(r"\b0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}\b", html), "something looks like a phone number"


def test_public_page_is_light_and_needs_no_javascript(world, as_user, app):
    s = data.build(world)
    _publish(as_user(world.users["admin"]), s)
    anon = app.test_client()
    resp = anon.get(_public_url(s))
    html = resp.get_data(as_text=True)
    assert "<script" not in html and "hx-" not in html
    assert "Đăng xuất" not in html and "csrf" not in html.lower()
    assert 'name="viewport"' in html and len(resp.data) < 40_000
    assert "Số dư các quỹ đến ngày 31/12/2025" in html and "4.550.000 đ" in html
    assert "Hiện vật còn trong kho, quy ra tiền: <strong>1.000.000 đ</strong>" in html
    assert "Bốn triệu năm trăm năm mươi nghìn đồng" in html
    assert "Quyết định số 15/QĐ-HKH" in html and "Quyết định số 30/QĐ-HKH" in html
    fragment = anon.get(_public_url(s), htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_publishing_asks_for_confirmation_is_audited_and_can_be_withdrawn(world, as_user, app):
    s = data.build(world)
    client = as_user(world.users["admin"])
    for htmx in (False, True):
        confirm = client.get(_admin_url(s, "/cong-bo"), htmx=htmx)
        body = confirm.get_data(as_text=True)
        assert confirm.status_code == 200 and 'method="post"' in body and "csrf_token" in body
        assert ("<html" in body) != htmx
    assert db.session.scalar(select(Publication)) is None  # a GET changes nothing
    assert client.post(_admin_url(s, "/cong-bo"), htmx=True).headers["HX-Redirect"].endswith(_admin_url(s))
    pub = services.published(s.unit, YEAR)
    assert pub.published_by_id == world.users["admin"].id and pub.figures["closing"] == 4_550_000
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publish"))
    assert entry.after["published"] is True and entry.before["published"] is False
    assert entry.unit_id == s.unit.id
    page = client.get(_admin_url(s)).get_data(as_text=True)
    assert "Đang công khai" in page and "Thu hồi công khai" in page
    for htmx in (False, True):
        confirm = client.get(_admin_url(s, "/thu-hoi"), htmx=htmx)
        assert confirm.status_code == 200 and ("<html" in confirm.get_data(as_text=True)) != htmx
    assert client.post(_admin_url(s, "/thu-hoi")).status_code == 303
    assert app.test_client().get(_public_url(s)).status_code == 404
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unpublish")) is not None


def test_publishing_needs_a_post_with_csrf(world, as_user, app):
    s = data.build(world)
    client = as_user(world.users["admin"])
    assert client.post(_admin_url(s, "/cong-bo"), csrf=False).status_code == 400
    assert services.published(s.unit, YEAR) is None


def test_only_admins_publish_and_only_in_their_scope(world, as_user, app):
    s = data.build(world)
    assert _publish(as_user(world.users["treasurer"]), s).status_code == 403
    other = app.test_client()

    login(other, make_user(world.other_commune, "admin", username="admin_other"))
    assert _publish(other, s).status_code == 404
    assert services.published(s.unit, YEAR) is None


def test_admin_report_page_shows_the_deadline_hint_and_figures(world, as_user, app):
    s = data.build(world)
    client = as_user(world.users["viewer"])
    page = client.get(_admin_url(s))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert "31/03/2026" in html and "Chưa công khai" in html
    assert "Cộng các quỹ" not in html and "4.550.000 đ" in html
    assert _admin_url(s, "/cong-bo") not in html  # a viewer reads, an admin publishes
    admin = app.test_client()
    login(admin, world.users["admin"])
    assert _admin_url(s, "/cong-bo") in admin.get(_admin_url(s)).get_data(as_text=True)
    fragment = client.get(_admin_url(s), htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="report"' in fragment


def test_deadline_hint_says_overdue_after_31_march():
    from datetime import date

    assert services.deadline(2025) == date(2026, 3, 31)
    assert services.deadline_hint(2025, date(2026, 4, 1), None).level == "warn"
    assert "quá hạn" in services.deadline_hint(2025, date(2026, 4, 1), None).text
    assert "còn 30 ngày" in services.deadline_hint(2025, date(2026, 3, 1), None).text
    assert services.deadline_hint(2026, date(2026, 11, 1), None).level == "info"


def test_index_picks_a_unit_and_year_and_lists_published_reports(world, as_user):
    s = data.build(world)
    client = as_user(world.users["admin"])
    for htmx in (False, True):
        assert client.get("/cong-khai/quan-ly", htmx=htmx).status_code == 200
    resp = client.get(f"/cong-khai/quan-ly?don_vi={s.unit.id}&nam={YEAR}")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(_admin_url(s))
    assert client.get(f"/cong-khai/quan-ly?don_vi={world.other_commune.id}&nam={YEAR}").status_code == 404
    _publish(client, s)
    assert "Trang công khai" in client.get("/cong-khai/quan-ly").get_data(as_text=True)


def test_years_outside_the_books_answer_404(world, as_user):
    client = as_user(world.users["viewer"])
    assert client.get(f"/cong-khai/quan-ly/{world.commune.id}/{today().year + 1}").status_code == 404
    assert client.get(f"/cong-khai/quan-ly/{world.commune.id}/1999").status_code == 404


def test_admin_sees_when_the_books_changed_after_publishing(world, as_user):
    from datetime import date

    from tests.factories_funds import give

    s = data.build(world)
    client = as_user(world.users["admin"])
    _publish(client, s)
    data.reopen(s)  # publishing closed 2025: late entries need the year reopened
    give(s.fund, 100_000, entry_date=date(YEAR, 12, 31))
    assert "Số liệu đã thay đổi sau khi công khai" in client.get(_admin_url(s)).get_data(as_text=True)
