"""The demo commune has members in its chi hội, some who left or died, populations, linked donors,
and (once the dues pages exist) dues for two years with some members lapsed."""
import importlib.util

import pytest
from sqlalchemy import func, select

from app.core.db import write_mode
from app.extensions import db
from app.members.models import ACTIVE, DECEASED, LEFT, DuesBatch, DuesPayment, Member, UnitPopulation
from app.units.models import Unit

HAS_DUES_DEMO = importlib.util.find_spec("app.members.dues_demo") is not None


@pytest.fixture
def demo(app, client):
    from app.demo.services import seed

    with write_mode():
        logins = seed()
        db.session.commit()
    username, password = next((u, p) for u, p, _role, _unit in logins if u == "quantrixa")
    resp = client.post("/dang-nhap", data={"username": username, "password": password})
    assert resp.status_code in (302, 303)
    return client


def _unit(name: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def _count(*conds) -> int:
    return db.session.scalar(select(func.count()).select_from(Member).where(*conds))


def test_each_chi_hoi_of_the_demo_commune_has_thirty_to_sixty_members(demo):
    commune = _unit("Hội Khuyến học xã Lai Vung")
    branches = [u for u in commune.children if u.name.startswith(("Chi hội", "Ban"))
                and u.name != "Chi hội Khuyến học ấp Tân Thạnh"]  # the merged commune's, added by reports
    assert len(branches) == 3
    for branch in branches:
        assert 30 <= _count(Member.unit_id == branch.id) <= 60, branch.name
    assert 150 <= _count() <= 300
    # Numbered 1.. per unit, with no gap and no repeat.
    tan_loc = _unit("Chi hội Khuyến học ấp Tân Lộc")
    numbers = sorted(db.session.scalars(select(Member.number).where(Member.unit_id == tan_loc.id)))
    assert numbers == list(range(1, len(numbers) + 1))


def test_the_register_holds_long_names_several_occupations_and_years_of_joining(demo):
    names = {m.full_name for m in db.session.scalars(select(Member))}
    assert {"Công Tằng Tôn Nữ Thị Bảo Trâm", "Hoàng Phủ Ngọc Tường"} <= names
    trams = db.session.scalar(select(Member).where(Member.ten == "Trâm", Member.ho == "Công Tằng Tôn Nữ"))
    assert trams is not None  # the compound family name split as one
    occupations = set(db.session.scalars(select(Member.occupation).distinct()))
    assert len(occupations - {""}) >= 8
    years = {m.joined_on.year for m in db.session.scalars(select(Member))}
    assert len(years) >= 8 and min(years) <= 2014 and 2026 in years


def test_a_few_members_left_or_died_in_2025_and_2026_with_reasons(demo):
    ended = list(db.session.scalars(select(Member).where(Member.status != ACTIVE)))
    assert {m.status for m in ended} == {LEFT, DECEASED}
    assert {m.ended_on.year for m in ended} == {2025, 2026}
    assert all(m.end_reason and m.joined_on < m.ended_on for m in ended)
    assert 5 <= len(ended) <= 20 and _count(Member.status == ACTIVE) > 150


def test_some_members_are_the_demo_donors_and_the_commune_has_populations(demo):
    linked = list(db.session.scalars(select(Member).where(Member.donor_id.is_not(None))))
    assert len(linked) >= 4
    for member in linked:
        assert member.donor.name.endswith(member.full_name)
    commune = _unit("Hội Khuyến học xã Lai Vung")
    pops = dict(db.session.execute(select(UnitPopulation.year, UnitPopulation.population)
                                   .where(UnitPopulation.unit_id == commune.id)).tuples().all())
    assert set(pops) == {2025, 2026} and 10_000 < pops[2026] < 20_000


def test_the_member_list_of_the_demo_commune_shows_its_members(demo):
    html = demo.get("/hoi-vien/?q=cong tang ton nu").get_data(as_text=True)
    assert "Công Tằng Tôn Nữ Thị Bảo Trâm" in html
    html = demo.get("/hoi-vien/?q=khong-co-ai-ten-nay").get_data(as_text=True)
    assert "Công Tằng Tôn Nữ Thị Bảo Trâm" not in html


@pytest.mark.skipif(not HAS_DUES_DEMO, reason="app/members/dues_demo.py has not landed")
def test_the_demo_has_dues_for_two_years_and_some_members_lapsed(demo):
    years = set(db.session.scalars(select(DuesBatch.year).where(DuesBatch.voided_at.is_(None))))
    assert len(years) >= 2
    latest = max(years)
    paid = set(db.session.scalars(select(DuesPayment.member_id).where(DuesPayment.year == latest,
                                                                      DuesPayment.voided.is_(False))))
    assert paid
    collecting = set(db.session.scalars(select(DuesBatch.unit_id)))
    unpaid = [m for m in db.session.scalars(select(Member).where(Member.status == ACTIVE,
                                                                 Member.unit_id.in_(collecting)))
              if m.id not in paid]
    assert unpaid, "some active members of a collecting unit have not paid"
    resp = demo.get("/hoi-vien/hoi-phi/chua-dong")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert any(m.full_name in html for m in unpaid)
