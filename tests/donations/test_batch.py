"""Batch entry of a paper sheet: all or nothing, checked against the control total."""
import uuid

from sqlalchemy import func, select

from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.factories_donations import make_campaign


def _sheet(campaign, rows, control, **kw):
    data = {"idem_key": uuid.uuid4().hex, "campaign_id": campaign.id, "donation_date": "2026-09-10",
            "collector_name": "Lê Thị Ánh Tuyết", "collector_unit_id": "0", "control_total": control,
            "count": str(len(rows))}
    for i, (name, amount) in enumerate(rows):
        data.update({f"rows-{i}-name": name, f"rows-{i}-kind": "household", f"rows-{i}-address": "Ấp Tân Lộc" if name else "",
                     f"rows-{i}-amount": amount, f"rows-{i}-method": "cash", f"rows-{i}-note": ""})
    data.update(kw)
    return data


def _count(model=Donation):
    return db.session.scalar(select(func.count()).select_from(model))


ROWS = [("Hộ ông Nguyễn Văn Tư", "200.000"), ("Hộ bà Trần Thị Lựu", "300.000"), ("Hộ ông Lê Văn Sáu", "500.000")]


def test_wrong_control_total_writes_nothing_and_shows_the_difference(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    resp = client.post("/quyen-gop/nhap-theo-danh-sach", data=_sheet(campaign, ROWS, "1.100.000"), htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in html
    assert "Chênh lệch" in html and "100.000" in html and 'value="Hộ bà Trần Thị Lựu"' in html
    assert _count() == 0 and _count(LedgerEntry) == 0


def test_bad_rows_are_marked_with_reasons_and_nothing_is_saved(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    rows = ROWS + [("", "100.000"), ("Hộ ông Đỗ Văn Bảy", "một trăm")]
    resp = client.post("/quyen-gop/nhap-theo-danh-sach", data=_sheet(campaign, rows, "1.000.000"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Thiếu họ tên." in html and 'id="rows-3-err"' in html and 'id="rows-4-err"' in html
    assert 'id="rows-0-err"' not in html and 'value="một trăm"' in html
    assert _count() == 0


def test_matching_sheet_saves_every_row_once(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    data = _sheet(campaign, ROWS + [("", "")], "1.000.000")
    resp = client.post("/quyen-gop/nhap-theo-danh-sach", data=data)
    assert resp.status_code == 303
    again = client.post("/quyen-gop/nhap-theo-danh-sach", data=data)
    assert again.status_code == 303
    assert _count() == 3 and _count(LedgerEntry) == 3
    assert {d.collector_name for d in db.session.scalars(select(Donation))} == {"Lê Thị Ánh Tuyết"}


def test_add_rows_without_javascript_keeps_input(world, as_user):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    page = client.get("/quyen-gop/nhap-theo-danh-sach?so_dong=30").get_data(as_text=True)
    assert page.count('-amount"') == 30
    assert page.index('class="primary">Lưu cả danh sách') < page.index('name="them_dong"')
    resp = client.post("/quyen-gop/nhap-theo-danh-sach", data=_sheet(campaign, ROWS, "", them_dong="1", so_dong="5"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.count('-amount"') == 8 and 'value="Hộ ông Lê Văn Sáu"' in html
    assert _count() == 0
