"""The closing pages (/khoa-so): plain and htmx, the confirmation page, the menu, who sees which action."""
from datetime import date

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.funds import services as funds
from app.periods.models import ClosedPeriod
from tests.conftest import login
from tests.factories_funds import give, pay
from tests.periods.helpers import close, field_errors


@pytest.mark.parametrize("htmx", [False, True])
def test_the_page_lists_months_and_closed_periods_with_the_users_actions(world, app, htmx):
    close(world.branch, 2026, 3)

    def as_user(user):  # a client of its own per user (logging in again keeps the first user)
        client = app.test_client()
        login(client, user)
        return client

    client = as_user(world.users["treasurer"])
    resp = client.get("/khoa-so/?nam=2026", htmx=htmx)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and ("<html" in html) is not htmx and 'id="periods"' in html
    assert "Tháng 09/2026" in html and f"/khoa-so/{world.commune.id}/2026/thang-9/khoa" in html
    today = clock.today()
    assert f"thang-{today.month}/khoa" not in html  # the running month cannot be closed yet
    assert "Năm 2026 đang mở (chưa kết thúc)" in html
    assert world.branch.name in html and "Tháng 03/2026" in html  # the branch's closed month, listed
    assert "/mo-lai" not in html  # a treasurer closes, only an admin reopens
    if not htmx:
        assert 'href="/khoa-so/"' in html and ">Khóa sổ</a>" in html  # the menu entry
    admin = as_user(world.users["admin"])
    html = admin.get(f"/khoa-so/?don_vi={world.branch.id}&nam=2026", htmx=htmx).get_data(as_text=True)
    assert "/mo-lai" in html and "Đã khóa" in html
    viewer = as_user(world.users["viewer"])
    resp = viewer.get("/khoa-so/?nam=2025", htmx=htmx)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="periods"' in html  # the periods list itself
    assert "/khoa\"" not in html and "Khóa sổ năm 2025" not in html  # a viewer only reads


def test_a_unit_outside_the_scope_is_404_and_a_bad_year_falls_back(world, as_user, app):
    client = as_user(world.users["treasurer"])
    assert client.get(f"/khoa-so/?don_vi={world.other_commune.id}").status_code == 404
    assert client.get("/khoa-so/?nam=abc").status_code == 200
    assert client.get(f"/khoa-so/{world.other_commune.id}/2025/khoa").status_code == 404
    clerk = app.test_client()
    login(clerk, world.users["clerk"])
    assert clerk.get(f"/khoa-so/{world.commune.id}/2025/khoa").status_code == 403


@pytest.mark.parametrize("htmx", [False, True])
def test_closing_shows_what_is_closed_then_closes_on_post(world, as_user, htmx):
    fund = funds.default_fund(world.branch)
    db.session.commit()
    give(fund, 2_000_000, entry_date=date(2026, 9, 3))
    pay(fund, 500_000, entry_date=date(2026, 9, 20))
    client = as_user(world.users["treasurer"])
    url = f"/khoa-so/{world.commune.id}/2026/thang-9/khoa"
    resp = client.get(url, htmx=htmx)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and ("<html" in html) is not htmx
    assert "Khóa sổ tháng 09/2026 của" in html and "1 đơn vị cấp dưới" in html
    assert "<dd>2</dd>" in html and "1.500.000 đ" in html and fund.name in html
    resp = client.post(url, data={}, htmx=htmx)
    assert resp.status_code in (200, 303) and (resp.headers.get("HX-Redirect") if htmx else resp.location)
    row = db.session.scalar(select(ClosedPeriod))
    assert (row.unit_id, row.year, row.month, row.closed_by_id) == (world.commune.id, 2026, 9,
                                                                     world.users["treasurer"].id)
    with pytest.raises(funds.FundError, match="Tháng 09/2026 đã khóa sổ tại .* khóa ngày"):
        pay(fund, 1_000, entry_date=date(2026, 9, 21))
    # Again: the page says it is closed already, and a POST changes nothing.
    html = client.get(url).get_data(as_text=True)
    assert "đã khóa sổ" in html and 'type="submit"' not in html.split('id="close"')[1]
    assert client.post(url, data={}).status_code == 422
    assert db.session.query(ClosedPeriod).count() == 1


def test_a_running_period_cannot_be_closed_from_the_page(world, as_user):
    today = clock.today()
    client = as_user(world.users["admin"])
    url = f"/khoa-so/{world.commune.id}/{today.year}/thang-{today.month}/khoa"
    assert "chưa kết thúc" in client.get(url).get_data(as_text=True)
    resp = client.post(url, data={})
    assert resp.status_code == 422 and "chưa kết thúc" in resp.get_data(as_text=True)
    assert db.session.query(ClosedPeriod).count() == 0


def test_closing_a_year_from_the_page_and_reopening_it(world, as_user):
    client = as_user(world.users["admin"])
    assert client.post(f"/khoa-so/{world.commune.id}/2025/khoa", data={}).status_code == 303
    row = db.session.scalar(select(ClosedPeriod))
    assert row.month == 0 and row.closed
    page = client.get("/khoa-so/?nam=2025").get_data(as_text=True)
    assert "Năm 2025 đã khóa sổ" in page and f"/khoa-so/{row.id}/mo-lai" in page
    resp = client.post(f"/khoa-so/{row.id}/mo-lai", data={"reason": ""})
    assert resp.status_code == 422 and "lý do" in field_errors(resp.get_data(as_text=True))
    resp = client.post(f"/khoa-so/{row.id}/mo-lai", data={"reason": "Sửa sai sót tháng 12"}, htmx=True)
    assert resp.status_code == 200 and resp.headers.get("HX-Redirect")
    db.session.refresh(row)
    assert not row.closed
    page = client.get("/khoa-so/?nam=2025").get_data(as_text=True)
    assert "Năm 2025 đang mở" in page and "Khóa sổ năm 2025" in page
