"""Criteria sets and learning-title assessments: the pass rule, versions, the village share."""
import pytest

from app.commendations import assessments as assess
from app.commendations import criteria as crit
from app.extensions import db
from tests.factories_commendations import make_assessment, make_set


@pytest.fixture
def citizen_set(app):
    return make_set("citizen", pass_total=80, min_each=5)


def test_citizen_passes_at_80_with_every_indicator_at_least_5(world, citizen_set):
    a = make_assessment(world.branch, citizen_set, scores=[8] * 10)
    assert (a.total, a.passed) == (80, True)


def test_citizen_fails_below_80(world, citizen_set):
    a = make_assessment(world.branch, citizen_set, scores=[8] * 9 + [7])
    assert (a.total, a.passed) == (79, False)


def test_one_indicator_under_5_fails_even_with_a_high_total(world, citizen_set):
    a = make_assessment(world.branch, citizen_set, scores=[10] * 9 + [4])
    assert (a.total, a.passed) == (94, False)


def test_score_outside_the_criterion_range_is_refused(world, citizen_set):
    a = make_assessment(world.branch, citizen_set)
    with pytest.raises(crit.CriteriaError):
        assess.score(a, [11] + [8] * 9)
    with pytest.raises(crit.CriteriaError):
        assess.score(a, [8] * 9)


def test_shipped_family_set_is_out_of_100_and_seeding_twice_adds_nothing(app):
    added = crit.seed_sets()
    db.session.commit()
    family = next(s for s in added if s.title_kind == "family")
    citizen = next(s for s in added if s.title_kind == "citizen")
    assert family.max_total == 100 and len(family.criteria) == 4
    assert (citizen.max_total, citizen.pass_total, citizen.min_each) == (100, 80, 5)
    assert crit.seed_sets() == []


def test_set_in_use_cannot_be_edited_only_superseded(world, citizen_set):
    old = make_assessment(world.branch, citizen_set, scores=[8] * 10)
    with pytest.raises(crit.CriteriaError):
        crit.update_set(citizen_set, name=citizen_set.name, year=2020, criteria=citizen_set.criteria,
                        pass_total=70)
    new = crit.new_version(citizen_set, year=2024, criteria=citizen_set.criteria, pass_total=90, min_each=5)
    db.session.commit()
    assert new.version == 2 and citizen_set.superseded_by_id == new.id
    db.session.refresh(old)
    assert old.criteria_set_id == citizen_set.id and old.passed is True  # scored under the old rule
    with pytest.raises(crit.CriteriaError):
        assess.register(world.branch, citizen_set, "Lê Văn Tám", 2026)


def test_unused_set_can_be_edited(app):
    cset = make_set(pass_total=80)
    crit.update_set(cset, name=cset.name, year=2016, criteria=cset.criteria, pass_total=85, min_each=5)
    assert cset.pass_total == 85


def test_village_share_recognised(world, citizen_set):
    for i, scores in enumerate([[8] * 10, [9] * 10, [5] * 10]):
        make_assessment(world.branch, citizen_set, f"Nguyễn Văn Hộ{i} A", scores=scores)
    make_assessment(world.branch, citizen_set, "Trần Văn Chưa Chấm")  # not scored: not counted
    rows = db.session.scalars(assess.in_scope(world.commune, 2026)).all()
    [summary] = assess.village_summary(rows)
    assert (summary.assessed, summary.passed, summary.percent) == (3, 2, 67)


def test_family_is_split_like_a_person_and_clan_kept_whole(world):
    family = make_set("family", criteria=[{"name": "A", "max": 100}], pass_total=70, min_each=0)
    clan = make_set("clan", criteria=[{"name": "A", "max": 100}], pass_total=70, min_each=0)
    f = make_assessment(world.branch, family, "Tôn Nữ Thị Hà")
    c = make_assessment(world.branch, clan, "Dòng họ Nguyễn Văn")
    assert (f.ho, f.dem, f.ten) == ("Tôn Nữ", "Thị", "Hà")
    assert (c.ho, c.dem, c.ten) == ("", "", "Dòng họ Nguyễn Văn")


def test_an_assessment_honoured_by_an_issued_decision_cannot_be_rescored(world, citizen_set, as_user):
    from app.commendations import bulk, issuing
    from tests.factories_commendations import make_decision

    a = make_assessment(world.branch, citizen_set, scores=[9] * 10)
    d = make_decision(world.commune)
    bulk.from_assessments(d, world.commune, 2026)
    assess.score(a, [8] * 10)  # a draft does not freeze it
    issuing.issue(d)
    db.session.commit()
    with pytest.raises(crit.CriteriaError, match=d.number):
        assess.score(a, [5] * 10)
    db.session.rollback()
    client = as_user(world.users["admin"])
    page = client.get(f"/khen-thuong/danh-gia/{a.id}").get_data(as_text=True)
    assert f"Đã được công nhận tại Quyết định số {d.number}" in page and "Lưu điểm" not in page
    resp = client.post(f"/khen-thuong/danh-gia/{a.id}/cham-diem", data={f"c{i}": 5 for i in range(10)}, htmx=True)
    assert resp.status_code == 422 and "không chấm lại" in resp.get_data(as_text=True)
    db.session.refresh(a)
    assert (a.total, a.passed) == (80, True)
