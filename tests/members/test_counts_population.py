"""Setting each unit's population per year (/hoi-vien/dan-so): one form for a unit and its direct
children, one save, every change audited; admins only; bad input kept beside its box, nothing written."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.members.models import UnitPopulation
from tests.conftest import login

HX = {"HX-Request": "true"}


def _pops(year):
    return {r.unit_id: r.population for r in db.session.scalars(select(UnitPopulation).where(UnitPopulation.year == year))}


def _token(client, url):
    import re
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_page_lists_the_unit_and_its_children_with_last_years_figure(client, world):
    db.session.add(UnitPopulation(unit_id=world.branch.id, year=2024, population=2345))
    db.session.commit()
    login(client, world.users["admin"])
    for headers in ({}, HX):
        resp = client.get("/hoi-vien/dan-so?nam=2026", headers=headers)
        assert resp.status_code == 200
        page = resp.get_data(as_text=True)
        assert world.commune.name in page and world.branch.name in page
        assert "2.345 (năm 2024)" in page  # the figure 2026 falls back on
        assert world.other_commune.name not in page  # positive control above: only the scope
    assert "<html" in client.get("/hoi-vien/dan-so").get_data(as_text=True)
    assert "<html" not in client.get("/hoi-vien/dan-so", headers=HX).get_data(as_text=True)


def test_one_save_sets_many_units_and_audits_each_change(client, world, app):
    db.session.add(UnitPopulation(unit_id=world.branch.id, year=2026, population=100))
    db.session.commit()
    login(client, world.users["admin"])
    url = "/hoi-vien/dan-so?nam=2026"
    data = {"csrf_token": _token(client, url), f"dan_so_{world.commune.id}": "12.500",
            f"dan_so_{world.branch.id}": "3400"}
    resp = client.post(url, data=data)
    assert resp.status_code == 303
    assert _pops(2026) == {world.commune.id: 12500, world.branch.id: 3400}
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "unit_population")).all()
    assert sorted(a.action for a in audits) == ["create", "update"]
    # A blank box clears that year's figure (audited); the same values again change nothing.
    data[f"dan_so_{world.branch.id}"] = ""
    assert client.post(url, data=data, headers=HX).headers["HX-Redirect"]
    assert _pops(2026) == {world.commune.id: 12500}
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "unit_population",
                                                      AuditEntry.action == "delete")) is not None


def test_bad_input_is_refused_beside_its_box_and_nothing_is_written(client, world):
    login(client, world.users["admin"])
    url = "/hoi-vien/dan-so?nam=2026"
    data = {"csrf_token": _token(client, url), f"dan_so_{world.commune.id}": "12.500",
            f"dan_so_{world.branch.id}": "ba nghìn"}
    resp = client.post(url, data=data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "Vui lòng nhập số dân là một số nguyên" in page and 'value="ba nghìn"' in page
    assert _pops(2026) == {}


def test_a_decimal_comma_or_a_negative_is_refused(client, world):
    login(client, world.users["admin"])
    url = "/hoi-vien/dan-so?nam=2026"
    for bad in ("1,5", "-500", "0", "٣٤"):
        resp = client.post(url, data={"csrf_token": _token(client, url), f"dan_so_{world.commune.id}": bad})
        assert resp.status_code == 422, bad
    assert _pops(2026) == {}


def test_only_admins_and_only_units_in_scope(client, world, app):
    clerk = app.test_client()
    login(clerk, world.users["clerk"])
    assert clerk.get("/hoi-vien/dan-so").status_code == 403
    assert clerk.post("/hoi-vien/dan-so", data={}).status_code == 403
    login(client, world.users["admin"])
    assert client.get(f"/hoi-vien/dan-so?don_vi={world.other_commune.id}").status_code == 404
    assert client.get(f"/hoi-vien/dan-so?don_vi={world.branch.id}").status_code == 200


def test_a_province_admin_opens_a_communes_own_page(client, world):
    login(client, world.province_admin)
    page = client.get("/hoi-vien/dan-so?nam=2026").get_data(as_text=True)
    assert world.commune.name in page and world.branch.name not in page
    assert f"/hoi-vien/dan-so?don_vi={world.commune.id}&amp;nam=2026" in page
    page = client.get(f"/hoi-vien/dan-so?don_vi={world.commune.id}&nam=2026").get_data(as_text=True)
    assert world.branch.name in page
