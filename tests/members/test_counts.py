"""The organisation counts (app.members.counts): members on the roll, joined, ended and against the
year before, the share of the population, chi hội by kind and the learning titles step by step,
for a small world whose figures are known; and the sentences the year report opens with."""
from datetime import date
from types import SimpleNamespace

import pytest

from app.commendations import issuing
from app.extensions import db
from app.members import counts
from app.members.models import UnitPopulation
from app.reports import sentences
from app.units.services import set_active
from tests.factories import make_unit
from tests.factories_commendations import add, make_assessment, make_decision, make_set
from tests.factories_members import end_member, make_member

FULL = [10] * 10   # passes make_set's rule
WEAK = [5] * 10    # scored, not passed


def org_world(world):
    """Members of commune A (world.commune) and B (world.other_commune) across 2024-2026:

        A1 (world.branch, village): m1 2020 active; m2 joined 2025-05; m3 joined 2026-03;
                                    m4 2020, left 2026-02; m5 2019, died 2025-08
        A  (own):                   m6 joined 2026-01
        A2 (school, under A):       m9 joined 2022, left 2025-03
        B1 (world.other_branch):    m7 2021 active; m8 2020, left 2026-04
    A has 1.000 people in 2025 (none for 2026: the 2025 figure serves); A1 500 in 2026; B none.
    """
    a2 = make_unit(world.commune, "Ban Khuyến học Trường THCS Tân Phú", "school")
    clan = make_unit(world.commune, "Chi hội dòng họ Lê", "clan")
    closed = make_unit(world.commune, "Chi hội ấp Cũ", "village")
    set_active(closed, False)
    m = SimpleNamespace()
    m.m1 = make_member(world.branch, joined_on=date(2020, 1, 5))
    m.m2 = make_member(world.branch, joined_on=date(2025, 5, 1))
    m.m3 = make_member(world.branch, joined_on=date(2026, 3, 1))
    m.m4 = end_member(make_member(world.branch, joined_on=date(2020, 2, 1)), ended_on=date(2026, 2, 1))
    m.m5 = end_member(make_member(world.branch, joined_on=date(2019, 1, 1)), status="deceased",
                      ended_on=date(2025, 8, 1), reason="Từ trần")
    m.m6 = make_member(world.commune, joined_on=date(2026, 1, 10))
    m.m9 = end_member(make_member(a2, joined_on=date(2022, 1, 1)), ended_on=date(2025, 3, 1))
    m.m7 = make_member(world.other_branch, joined_on=date(2021, 1, 1))
    m.m8 = end_member(make_member(world.other_branch, joined_on=date(2020, 1, 1)), ended_on=date(2026, 4, 1))
    db.session.add_all([UnitPopulation(unit_id=world.commune.id, year=2025, population=1000),
                        UnitPopulation(unit_id=world.branch.id, year=2026, population=500),
                        UnitPopulation(unit_id=world.commune.id, year=2019, population=900)])
    db.session.commit()
    return SimpleNamespace(a2=a2, clan=clan, closed=closed, m=m)


@pytest.fixture
def ow(world):
    return org_world(world)


def test_members_on_the_roll_joined_ended_and_against_last_year(world, ow):
    org = counts.compute(world.commune, 2026)
    mf = org.members
    assert (mf.on_roll, mf.joined, mf.ended, mf.last_year, mf.change) == (4, 2, 1, 3, 1)  # m1 m2 m3 m6; m3 m6; m4
    org25 = counts.compute(world.commune, 2025)
    assert (org25.members.on_roll, org25.members.joined, org25.members.ended, org25.members.last_year) == (3, 1, 2, 4)
    b = counts.compute(world.other_commune, 2026).members
    assert (b.on_roll, b.last_year, b.change, b.ended) == (1, 2, -1, 1)


def test_share_of_the_population_falls_back_on_an_earlier_year(world, ow):
    org = counts.compute(world.commune, 2026)
    assert org.members.population == 1000 and org.members.share == 0.4  # 4 of 1.000 (2025's figure)
    assert org.members.share_text == "0,4 %"
    # Before any figure of its own (2018), the commune has no population and no share.
    early = counts.compute(world.commune, 2018)
    assert early.members.population is None and early.members.share is None


def test_a_subtree_without_its_own_population_adds_up_its_children(world, ow):
    db.session.add(UnitPopulation(unit_id=world.other_commune.id, year=2026, population=300))
    db.session.commit()
    province = counts.compute(world.province, 2026)
    assert province.members.population == 1300  # A's own 1.000 (covers its chi hội) + B's 300
    assert province.members.on_roll == 5
    rows = {c.unit_id: c for c in province.children}
    assert rows[world.commune.id].members.population == 1000
    assert rows[world.other_commune.id].members.share == round(100 / 300, 1)


def test_no_population_no_share(world, ow):
    b = counts.compute(world.other_commune, 2026)
    assert b.members.population is None and b.members.share is None and b.members.share_text == ""
    assert b.children[0].members.share is None


def test_children_rows_add_up_to_the_total_with_the_units_own_members(world, ow):
    org = counts.compute(world.commune, 2026)
    rows = {c.unit_id: c for c in org.children}
    assert rows[world.commune.id].own and rows[world.commune.id].members.on_roll == 1  # m6
    assert rows[world.branch.id].members.on_roll == 3 and rows[world.branch.id].members.share == 0.6
    assert rows[ow.a2.id].members.ended == 0 and rows[ow.a2.id].members.last_year == 0
    assert sum(c.members.on_roll for c in org.children) == org.members.on_roll
    assert sum(c.members.joined for c in org.children) == org.members.joined


def test_active_branches_counted_by_kind(world, ow):
    org = counts.compute(world.commune, 2026)
    assert org.branches == {"village": 1, "school": 1, "agency": 0, "clan": 1, "religious": 0, "other": 0}
    assert org.branch_total == 3  # the closed chi hội is left out
    province = counts.compute(world.province, 2026)
    assert province.branches["village"] == 2 and province.branch_total == 4  # communes are not chi hội


def title_world(world):
    """Families of 2026 in A1: 4 registered, 3 scored (2 passed), 1 recognised by the commune's issued
    decision and 1 on a draft; a clan in 2025 (another year); a family in B."""
    cset = make_set("family")
    clan_set = make_set("clan")
    fams = [make_assessment(world.branch, cset, f"Trần Văn {n}", year=2026) for n in ("An", "Bình", "Cường", "Dũng")]
    assess_scores = [(fams[0], FULL), (fams[1], FULL), (fams[2], WEAK)]
    from app.commendations import assessments as assess
    for a, s in assess_scores:
        assess.score(a, s)
    make_assessment(world.branch, clan_set, "Dòng họ Lê", year=2025)
    make_assessment(world.other_branch, cset, "Lê Văn Em", year=2026)
    issued = make_decision(world.commune, title="Về việc công nhận Gia đình học tập năm 2026")
    add(issued, "Trần Văn An", "Gia đình học tập", kind="family", assessment_id=fams[0].id)
    issuing.issue(issued)
    draft = make_decision(world.commune, title="Về việc công nhận Gia đình học tập (dự thảo)")
    add(draft, "Trần Văn Bình", "Gia đình học tập", kind="family", assessment_id=fams[1].id)
    db.session.commit()
    return fams


def test_learning_titles_registered_assessed_recognised(world):
    title_world(world)
    org = counts.compute(world.commune, 2026)
    fam = next(t for t in org.titles if t.kind == "family")
    assert (fam.registered, fam.assessed, fam.recognised) == (4, 3, 1)
    assert fam.percent == 25.0 and fam.percent_text == "25 %"
    assert next(t for t in org.titles if t.kind == "clan").registered == 0  # registered for 2025
    assert next(t for t in counts.compute(world.commune, 2025).titles if t.kind == "clan").registered == 1
    assert next(t for t in counts.compute(world.province, 2026).titles if t.kind == "family").registered == 5


def test_one_grouped_query_per_family_whatever_the_number_of_units(world, ow, app):
    from sqlalchemy import event

    def run(root):
        seen = []
        assert root.path  # loaded before counting
        listener = lambda *a: seen.append(a[2]) or print("SQL", a[2][:150])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            counts.compute(root, 2026)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    small = run(world.other_commune)
    for i in range(6):
        make_member(make_unit(world.other_commune, f"Chi hội thêm {i}", "village"))
    assert small == 5  # the tree, members joined, members ended, populations, learning titles
    assert run(world.other_commune) == small


def test_the_cached_counts_follow_a_new_member_and_a_decision_issued_above(world, ow):
    before = counts.organisation(world.branch, 2026)
    assert counts.organisation(world.branch, 2026) is before  # cached
    make_member(world.branch, joined_on=date(2026, 6, 1))
    assert counts.organisation(world.branch, 2026).members.on_roll == before.members.on_roll + 1
    cset = make_set("family")
    a = make_assessment(world.branch, cset, "Phạm Văn Tư", year=2026, scores=FULL)
    seen = counts.organisation(world.branch, 2026)
    assert next(t for t in seen.titles if t.kind == "family").registered == 1
    d = make_decision(world.commune)
    add(d, "Phạm Văn Tư", "Gia đình học tập", kind="family", assessment_id=a.id)
    issuing.issue(d)
    db.session.commit()
    assert next(t for t in counts.organisation(world.branch, 2026).titles if t.kind == "family").recognised == 1


# ---- sentences -----------------------------------------------------------------------------------

def test_sentence_of_an_increase_with_the_share():
    assert sentences.members_sentence("commune", 2026, 1245, 1158, 9.6) == (
        "Toàn xã có 1.245 hội viên (tăng 87 so với năm 2025), chiếm 9,6 % dân số.")


def test_sentence_of_a_decrease_without_population():
    assert sentences.members_sentence("province", 2026, 30000, 30012, None) == (
        "Toàn tỉnh có 30.000 hội viên (giảm 12 so với năm 2025).")


def test_sentence_of_an_equal_year():
    assert sentences.members_sentence("village", 2026, 40, 40, 10.0) == (
        "Chi hội có 40 hội viên (bằng năm 2025), chiếm 10 % dân số.")


def test_title_sentence():
    assert sentences.title_sentence("family", 312, 250) == (
        "Có 312 gia đình đăng ký Gia đình học tập, 250 được công nhận (80,1 %).")
    assert sentences.title_sentence("clan", 0, 0) == ""


def test_the_organisation_sentences_of_the_small_world(world, ow):
    title_world(world)
    said = sentences.organisation_sentences(counts.compute(world.commune, 2026))
    assert said == [
        "Toàn xã có 3 chi hội, ban khuyến học (1 chi hội thôn, ấp, tổ dân phố; 1 chi hội, ban khuyến học trường học; "
        "1 chi hội dòng họ).",
        "Toàn xã có 4 hội viên (tăng 1 so với năm 2025), chiếm 0,4 % dân số.",
        "Có 4 gia đình đăng ký Gia đình học tập, 1 được công nhận (25 %).",
    ]
