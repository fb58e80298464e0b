"""Decisions: numbers, honorees, warnings, issuing (register numbers, prize payments), freezing."""
import pytest
from sqlalchemy import select

from app.commendations import bulk, issuing, queries, services
from app.commendations.models import Honoree
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.factories_commendations import add, make_assessment, make_decision, make_set
from tests.factories_funds import give, make_fund


def test_number_suggested_from_the_counter_and_unique_per_unit(world):
    assert services.suggest_number(world.commune, 2026) == "1/QĐ-HKH"
    make_decision(world.commune, number="1/QĐ-HKH")
    assert services.suggest_number(world.commune, 2026) == "2/QĐ-HKH"
    with pytest.raises(services.CommendationError) as err:
        make_decision(world.commune, number="1/QĐ-HKH")
    assert err.value.field == "number"
    db.session.rollback()
    make_decision(world.other_commune, number="1/QĐ-HKH")  # another unit may use the same number


def test_register_numbers_follow_vietnamese_order_and_continue_across_decisions(world):
    d1 = make_decision(world.commune)
    for name in ("Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Phạm Thị Ánh"):
        add(d1, name)
    issuing.issue(d1)
    db.session.commit()
    order = [(h.full_name, h.register_number) for h in services.honorees(d1)]
    # tên first (An < Ánh < Bình), then tên đệm (Thị), then họ (Nguyễn < Phạm)
    assert order == [("Lê Văn An", 1), ("Nguyễn Thị Ánh", 2), ("Phạm Thị Ánh", 3), ("Trần Văn Bình", 4)]
    d2 = make_decision(world.commune)
    add(d2, "Đỗ Thị Yến")
    issuing.issue(d2)
    db.session.commit()
    numbers = db.session.scalars(select(Honoree.register_number).where(Honoree.unit_id == world.commune.id)).all()
    assert sorted(numbers) == [1, 2, 3, 4, 5]


def test_frozen_decision_refuses_every_change(world):
    d = make_decision(world.commune)
    h = add(d, "Lê Văn An")
    issuing.issue(d)
    db.session.commit()
    data = services.HonoreeData(name="Lê Văn Ân")
    for attempt in (lambda: services.add_honoree(d, data), lambda: services.update_honoree(h, data),
                    lambda: services.remove_honoree(h), lambda: issuing.issue(d),
                    lambda: bulk.from_text(d, "Nguyễn Văn Mới"),
                    lambda: services.update_decision(d, services.DecisionData(
                        number="99/QĐ-HKH", decision_date=d.decision_date, title="Khác"))):
        with pytest.raises(services.CommendationError, match="đã ban hành"):
            attempt()
    db.session.rollback()
    assert d.number != "99/QĐ-HKH" and len(services.honorees(d)) == 1


def test_amending_decision_is_a_new_draft_pointing_at_the_old(world):
    d = make_decision(world.commune)
    add(d, "Lê Văn An")
    issuing.issue(d)
    new = services.amending_draft(d)
    db.session.commit()
    assert new.status == "draft" and new.amends_id == d.id and d.number in new.title


def test_prize_payments_one_per_honoree(world):
    fund = make_fund(world.commune)
    give(fund, 5_000_000)
    d = make_decision(world.commune, fund=fund)
    add(d, "Lê Văn An", amount=500_000)
    add(d, "Trần Thị Bình", amount=300_000)
    add(d, "Võ Văn Chí", amount=0)
    issuing.issue(d)
    db.session.commit()
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source == "prize")).all()
    assert sorted(e.amount for e in entries) == [300_000, 500_000]
    assert all(e.basis == f"QĐ {d.number}" and e.direction == "out" for e in entries)
    assert {e.counterparty for e in entries} == {"Lê Văn An", "Trần Thị Bình"}


def test_prize_payment_as_one_total_document(world):
    fund = make_fund(world.commune)
    give(fund, 5_000_000)
    d = make_decision(world.commune, fund=fund, payment_mode="total")
    add(d, "Lê Văn An", amount=500_000)
    add(d, "Trần Thị Bình", amount=300_000)
    issuing.issue(d)
    db.session.commit()
    [entry] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source == "prize")).all()
    assert entry.amount == 800_000 and d.payment_entry_id == entry.id


def test_fund_short_of_money_refuses_and_issues_nothing(world):
    fund = make_fund(world.commune)
    give(fund, 100_000)
    d = make_decision(world.commune, fund=fund)
    add(d, "Lê Văn An", amount=500_000)
    with pytest.raises(services.CommendationError, match="không đủ") as err:
        issuing.issue(d)
    assert "100.000 đ" in str(err.value) and "500.000 đ" in str(err.value)
    db.session.rollback()
    assert d.status == "draft"
    assert db.session.scalars(select(LedgerEntry).where(LedgerEntry.source == "prize")).all() == []
    # No register number was used up: the next issued honour still gets 1.
    d2 = make_decision(world.commune)
    add(d2, "Trần Văn Bình")
    issuing.issue(d2)
    assert services.honorees(d2)[0].register_number == 1


def test_prize_without_a_fund_is_refused(world):
    d = make_decision(world.commune)
    add(d, "Lê Văn An", amount=500_000)
    with pytest.raises(services.CommendationError) as err:
        issuing.issue(d)
    assert err.value.field == "fund_id"


def test_empty_decision_cannot_be_issued(world):
    with pytest.raises(services.CommendationError, match="trống"):
        issuing.issue(make_decision(world.commune))


def test_warnings_for_same_achievement_this_year_and_near_duplicate_names(world):
    d1 = make_decision(world.commune)
    add(d1, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi")
    d2 = make_decision(world.commune)
    h = add(d2, "nguyen thi dao", "Giải nhất học sinh giỏi")
    h2 = add(d2, "Nguyễn Thị Đảo", "Học sinh xuất sắc")
    other = add(d2, "Lê Văn An", "Giải Nhất học sinh giỏi")
    warnings = queries.warnings_for(d2, services.honorees(d2))
    assert any(d1.number in w for w in warnings[h.id])
    assert any("Trùng tên" in w for w in warnings[h2.id]) and any("Trùng tên" in w for w in warnings[h.id])
    assert other.id not in warnings


def test_names_are_split_and_collectives_kept_whole(world):
    d = make_decision(world.commune)
    person = add(d, "Hoàng Phủ Ngọc Tường")
    group = add(d, "Công ty TNHH Minh Phát", kind="donor", collective=True)
    nfd = add(d, "Nguye\u0302\u0303n Thi\u0323 \u0110a\u0300o")
    assert (person.ho, person.dem, person.ten) == ("Hoàng Phủ", "Ngọc", "Tường")
    assert (group.ho, group.dem, group.ten) == ("", "", "Công ty TNHH Minh Phát")
    assert nfd.full_name == "Nguyễn Thị Đào"


def test_paste_adds_lines_with_tab_achievements_once(world):
    d = make_decision(world.commune, amount=200_000)
    text = "Lê Văn An\tGiải Nhì môn Toán\nTrần Thị Bình\n\n"
    assert bulk.from_text(d, text) == 2
    assert bulk.from_text(d, text) == 0
    rows = {h.full_name: h for h in services.honorees(d)}
    assert rows["Lê Văn An"].achievement == "Giải Nhì môn Toán" and rows["Trần Thị Bình"].amount == 200_000


def test_passed_assessments_become_honorees(world):
    cset = make_set(pass_total=80, min_each=5)
    make_assessment(world.branch, cset, "Nguyễn Văn Tư", scores=[9] * 10)
    make_assessment(world.branch, cset, "Lê Văn Năm", scores=[10] * 9 + [4])
    make_assessment(world.other_branch, cset, "Trần Văn Sáu", scores=[9] * 10)
    d = make_decision(world.commune)
    assert bulk.from_assessments(d, world.commune, 2026) == 1
    [h] = services.honorees(d)
    assert h.full_name == "Nguyễn Văn Tư" and h.kind == "citizen" and "Công dân học tập" in h.achievement


def test_campaign_donors_above_an_amount(world):
    from tests.factories_donations import make_campaign, make_donation

    campaign = make_campaign(world.commune)
    make_donation(campaign, name="Nguyễn Văn Hảo", amount=600_000)
    make_donation(campaign, name="Nguyễn Văn Hảo", amount=600_000)  # two gifts add up
    make_donation(campaign, name="Lê Thị Nhỏ", amount=100_000)
    d = make_decision(world.commune)
    assert bulk.from_campaign(d, campaign, 1_000_000) == 1
    [h] = services.honorees(d)
    assert h.full_name == "Nguyễn Văn Hảo" and h.kind == "donor" and "1.200.000 đ" in h.achievement


def test_approved_nominations_of_a_round_become_honorees_once(world):
    from app.scholarships import services as scholarships
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

    school = make_school(world.commune, "Trường THCS Lai Vung")
    rnd = make_round(world.commune)
    cat = make_category(rnd, 500_000, name="Học bổng vượt khó")
    approved = make_nomination(rnd, make_pupil(world.commune, "Tôn Nữ Thị Minh Khuê", school=school, class_name="6A1"),
                               cat, achievement="Học sinh xuất sắc")
    make_nomination(rnd, make_pupil(world.commune, "Lê Văn Bình", school=school), cat)  # pending: not added
    scholarships.approve(rnd, [approved])
    db.session.commit()
    d = make_decision(world.commune)
    assert bulk.from_nominations(d, rnd) == 1
    assert bulk.from_nominations(d, rnd) == 0
    [h] = services.honorees(d)
    assert (h.full_name, h.achievement, h.nomination_id) == ("Tôn Nữ Thị Minh Khuê", "Học sinh xuất sắc", approved.id)
    assert h.place == "Lớp 6A1, Trường THCS Lai Vung" and h.pupil_id == approved.pupil_id


def test_register_number_is_unique_per_unit_in_the_database(world):
    from sqlalchemy.exc import IntegrityError

    d = make_decision(world.commune)
    a, b = add(d, "Lê Văn An"), add(d, "Lê Văn Bình")
    a.register_number = b.register_number = 7
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_suggested_number_follows_the_highest_number_of_the_year_typed_ones_included(world):
    """Issue 14 E: 41 and 45 typed by hand, the counter at 2: the next one offered is 46."""
    make_decision(world.commune, number="1/QĐ-HKH")
    make_decision(world.commune, number="41/QĐ-HKH")
    make_decision(world.commune, number="45/QĐ-KT")  # another suffix shares the year's sequence
    make_decision(world.commune, number="2026/QĐ")  # a year, not a sequence number
    make_decision(world.commune, number="CV-7")  # no leading number
    assert services.suggest_number(world.commune, 2026) == "46/QĐ-HKH"
    # A new year starts again from its own numbers (1/QĐ-HKH itself is taken: a number is unique per unit).
    assert services.suggest_number(world.commune, 2027) == "2/QĐ-HKH"
    assert services.suggest_number(world.other_commune, 2026) == "1/QĐ-HKH"  # per unit
