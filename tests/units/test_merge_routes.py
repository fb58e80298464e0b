"""The merge and rename pages (issue 20 D), plain and through htmx: the form, the preview, confirm
with its explicit checkbox, cancel with a reason, rename; only an admin of the unit above."""
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.units.models import Unit, UnitMerge
from tests.conftest import login
from tests.factories_funds import give


def _draft(client, world, **data):
    form = {"source_ids": [str(world.commune.id)], "target_id": str(world.other_commune.id), "new_name": "",
            "effective_on": "2026-07-01", "numbering": "continue", "reason": "Nghị quyết 1656/NQ-UBTVQH15"}
    form.update(data)
    return client.post(f"/don-vi/sap-nhap/moi?cap_tren={world.province.id}", data=form)


def test_the_form_offers_the_children_as_checkboxes_and_saves_a_draft(as_user, world):
    client = as_user(world.province_admin)
    page = client.get(f"/don-vi/sap-nhap/moi?cap_tren={world.province.id}").get_data(as_text=True)
    assert 'type="checkbox"' in page and world.commune.name in page and world.other_commune.name in page
    resp = _draft(client, world)
    assert resp.status_code == 303
    merge = db.session.scalar(select(UnitMerge))
    assert resp.headers["Location"].endswith(f"/don-vi/sap-nhap/{merge.id}")
    assert merge.is_draft and [u.id for u in merge.source_units] == [world.commune.id]


def test_a_form_without_sources_is_answered_422_with_the_reason(as_user, world):
    client = as_user(world.province_admin)
    resp = _draft(client, world, source_ids=[])
    assert resp.status_code == 422 and "ít nhất một đơn vị" in resp.get_data(as_text=True)
    resp = client.post(
        f"/don-vi/sap-nhap/moi?cap_tren={world.province.id}", htmx=True,
        data={"target_id": "0", "effective_on": "2026-07-01", "numbering": "continue"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" not in body and 'id="merge-form"' in body


def test_preview_then_confirm_needs_the_checkbox_and_moves_the_money(as_user, world):
    fund = funds.default_fund(world.commune)
    db.session.commit()
    give(fund, 400_000, entry_date=date(2026, 3, 1))
    client = as_user(world.province_admin)
    _draft(client, world)
    merge = db.session.scalar(select(UnitMerge))
    page = client.get(f"/don-vi/sap-nhap/{merge.id}").get_data(as_text=True)
    assert "Những gì sẽ chuyển" in page and "400.000" in page and "Xác nhận sáp nhập" in page
    assert client.post(f"/don-vi/sap-nhap/{merge.id}/xac-nhan", data={}).status_code == 422
    assert db.session.get(Unit, world.commune.id).active  # nothing done without the checkbox
    resp = client.post(f"/don-vi/sap-nhap/{merge.id}/xac-nhan", data={"sure": "y"})
    assert resp.status_code == 303
    again = client.post(f"/don-vi/sap-nhap/{merge.id}/xac-nhan", data={"sure": "y"}, htmx=True)
    assert again.headers.get("HX-Redirect", "").endswith(f"/don-vi/sap-nhap/{merge.id}")
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.source == "transfer")) == 2  # one merge, not two
    assert not db.session.get(Unit, world.commune.id).active
    done = client.get(f"/don-vi/sap-nhap/{merge.id}").get_data(as_text=True)
    assert "Đã sáp nhập" in done and "PC-2026-0001" in done


def test_cancel_asks_a_reason(as_user, world):
    client = as_user(world.province_admin)
    _draft(client, world)
    merge = db.session.scalar(select(UnitMerge))
    assert client.post(f"/don-vi/sap-nhap/{merge.id}/huy", data={"reason": ""}).status_code == 422
    assert client.post(f"/don-vi/sap-nhap/{merge.id}/huy", data={"reason": "Chờ nghị quyết"}).status_code == 303
    db.session.refresh(merge)
    assert merge.status == "cancelled"
    assert "Xác nhận sáp nhập" not in client.get(f"/don-vi/sap-nhap/{merge.id}").get_data(as_text=True)


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_rename_by_the_admin_above_only(app, as_user, world):
    client = as_user(world.province_admin)
    resp = client.post(f"/don-vi/{world.commune.id}/doi-ten",
                       data={"name": "Hội Khuyến học phường Tân Phú", "effective_on": "2025-07-01"})
    assert resp.status_code == 303
    assert db.session.get(Unit, world.commune.id).name == "Hội Khuyến học phường Tân Phú"
    page = client.get(f"/don-vi/{world.commune.id}/doi-ten").get_data(as_text=True)
    assert "Hội Khuyến học xã Tân Phú" in page  # the old name, listed with its dates
    commune_admin = _client(app, world.users["admin"])
    assert commune_admin.get(f"/don-vi/{world.commune.id}/doi-ten").status_code == 404  # its own: not above it
    assert commune_admin.get(f"/don-vi/{world.branch.id}/doi-ten").status_code == 200
    assert _client(app, world.users["treasurer"]).get(f"/don-vi/{world.branch.id}/doi-ten").status_code == 403


def test_the_unit_page_links_rename_and_merge_only_for_the_admin_above(app, as_user, world):
    page = as_user(world.province_admin).get(f"/don-vi/{world.province.id}").get_data(as_text=True)
    assert "/don-vi/sap-nhap/moi" in page
    own = _client(app, world.users["admin"]).get(f"/don-vi/{world.commune.id}").get_data(as_text=True)
    assert "doi-ten" not in own and "/don-vi/sap-nhap/moi" in own


def test_numbering_is_chosen_for_all_and_per_series(as_user, world):
    fund = funds.default_fund(world.other_commune)
    db.session.commit()
    give(fund, 100_000, entry_date=date(2026, 3, 1))  # the target has used PT-2026-0001
    client = as_user(world.province_admin)
    _draft(client, world, num_pt="restart", num_member="continue")
    merge = db.session.scalar(select(UnitMerge))
    assert merge.numbering == {"*": "continue", "PT": "restart", "member": "continue"}
    page = client.get(f"/don-vi/sap-nhap/{merge.id}").get_data(as_text=True)
    assert "không thể bắt đầu lại" in page and "Xác nhận sáp nhập" not in page
    edit = client.get(f"/don-vi/sap-nhap/{merge.id}/sua").get_data(as_text=True)
    assert '<option selected value="restart">' in edit or 'value="restart" selected' in edit
