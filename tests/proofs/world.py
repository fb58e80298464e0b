"""The data every proof runs against: the test world (two communes, one user per role in commune A)
with records of every kind on both sides.

The other commune's records carry the marker "Zyx" in their names: a response to a commune-A user
that contains it shows data the user must not see.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from app.extensions import db
from tests.factories import make_world

LEAK = "Zyx"
# Names of the other commune itself (made by tests.factories.make_world) that no commune-A page shows.
LEAKS = (LEAK, "Hòa An", "Mỹ Hòa", "clerk_other")
DAY = date(2026, 3, 10)


def _side(unit, branch, user, tag: str, world) -> SimpleNamespace:
    """One record of each kind in `unit` (and `branch`); `tag` goes into every name."""
    from app.donations import importer
    from app.funds import services as funds
    from app.scholarships import payout, services as sch
    from app.pupils import queries as pupil_queries
    from tests.factories_commendations import add, make_assessment, make_decision
    from tests.factories_donations import make_campaign, make_donation, make_donor
    from tests.factories_funds import give, make_fund, pay
    from tests.factories_piggybanks import make_opening, make_pig
    from tests.factories_printing import make_job
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school
    from tests.factories import make_unit, make_user

    s = SimpleNamespace(unit=unit, branch=branch)
    s.subunit = make_unit(branch, f"Tổ khuyến học {tag}", "village")
    s.fund = funds.default_fund(unit)
    s.fund2 = make_fund(unit, f"Quỹ học bổng {tag}")
    s.income = give(s.fund, 50_000_000, counterparty=f"Nhà hảo tâm {tag}")
    give(s.fund2, 20_000_000, counterparty=f"Mạnh thường quân {tag}")
    s.payment = pay(s.fund, 1_000_000, recipient=f"Người nhận {tag}")
    s.campaign = make_campaign(unit, name=f"Tháng Khuyến học {tag}", fund=s.fund)
    s.donor = make_donor(branch, name=f"Nguyễn Văn {tag}", address=f"Ấp {tag}")
    s.donor2 = make_donor(branch, name=f"Nguyễn Văn {tag}", address=f"Ấp {tag}", phone="0912000111")
    s.donation = make_donation(s.campaign, donor=s.donor, amount=700_000)
    s.pig = make_pig(branch, f"Hộ bà {tag}")
    s.opened_pig = make_pig(branch, f"Hộ ông {tag}")
    s.opening = make_opening(s.opened_pig, 400_000)
    s.school = make_school(unit, f"Trường THCS {tag}")
    s.pupil = make_pupil(unit, f"Lê Thị {tag}", school=s.school)
    s.pupil2 = make_pupil(unit, f"Lê Thị {tag}", school=s.school)
    s.round = make_round(unit, name=f"Học bổng {tag}", budget=10**11, fund_money=10**10)
    s.category = make_category(s.round, 500_000, name=f"Vượt khó {tag}")
    s.pending = make_nomination(s.round, s.pupil, s.category)
    s.approved = make_nomination(s.round, make_pupil(unit, f"Trần Văn {tag}", school=s.school), s.category)
    s.paid = make_nomination(s.round, make_pupil(unit, f"Phạm Văn {tag}", school=s.school), s.category)
    sch.approve(s.round, [s.approved, s.paid])
    payout.pay(s.paid, DAY)
    pupil_queries.add_sponsorship(s.pupil, f"Cô {tag}", "teacher", DAY, None, 300_000, "month")
    s.decision = make_decision(unit, number=f"{unit.id}01/QĐ-PW", title=f"Về việc khen thưởng {tag}", fund=s.fund,
                               amount=100_000)
    s.honoree = add(s.decision, f"Hoàng Thị {tag}", amount=100_000)
    s.assessment = make_assessment(branch, world.cset, f"Hộ ông {tag}", village=f"Ấp {tag}")
    s.job = make_job(unit, user, title=f"Tài liệu {tag}")
    s.donation_import = importer.store(user, user.unit, f"{tag}.xlsx", [])
    s.user = make_user(branch, "clerk", username=f"u{tag.lower()}{unit.id}", full_name=f"Người dùng {tag}")
    db.session.commit()
    _books_side(s, unit, tag)
    return s


def _books_side(s, unit, tag: str) -> None:
    """Issue 13's records: goods on hand and a hand-out entered on the goods pages (source "issue"),
    a paid prize of an issued decision, a closed year with a payment in it (the ledger corrects it)."""
    from app.commendations import issuing, prizes
    from app.funds import services as funds
    from app.periods import services as periods
    from tests.factories import make_unit
    from tests.factories_commendations import add, make_decision
    from tests.factories_funds import give, pay
    from tests.factories_goods import hand_out, receive

    item = f"Vở {tag}"
    s.goods_in = receive(unit, 500, 5_000_000, item=item, giver=f"Công ty {tag}", day=DAY)
    s.goods_out = hand_out(unit, 5, item=item, recipient=f"Trường Tiểu học {tag}", day=DAY)
    # Prizes of issued decisions, paid (hoàn chi is offered) and reversed (chi lại is offered): per
    # person ("each") and one voucher for the whole list ("total").
    prizes_each = make_decision(unit, number=f"{unit.id}02/QĐ-PW", title=f"Về việc khen thưởng tiền {tag}",
                                fund=s.fund, amount=100_000)
    s.prize = add(prizes_each, f"Đinh Thị {tag}", amount=100_000)
    s.prize_back = add(prizes_each, f"Đinh Văn {tag}", amount=100_000)
    s.total_prize = make_decision(unit, number=f"{unit.id}03/QĐ-PW", title=f"Về việc khen thưởng tập thể {tag}",
                                  fund=s.fund, amount=100_000, payment_mode="total")
    add(s.total_prize, f"Tổ học tập {tag}", amount=100_000)
    s.total_back = make_decision(unit, number=f"{unit.id}04/QĐ-PW", title=f"Về việc khen thưởng gia đình {tag}",
                                 fund=s.fund, amount=100_000, payment_mode="total")
    add(s.total_back, f"Gia đình ông {tag}", amount=100_000)
    for d in (prizes_each, s.total_prize, s.total_back):
        issuing.issue(d)
    prizes.reverse_prize(s.prize_back, f"Trao nhầm {tag}")
    prizes.reverse_prize(s.total_back, f"Trao nhầm {tag}")
    db.session.commit()
    # 2021: apart from the dates every other record and submission uses (2026).
    s.closed_unit = make_unit(unit, f"Chi hội khóa sổ {tag}")
    fund = funds.default_fund(s.closed_unit)
    db.session.commit()
    give(fund, 300_000, entry_date=date(2021, 5, 10), counterparty=f"Nhà hảo tâm cũ {tag}")
    s.closed_entry = pay(fund, 30_000, entry_date=date(2021, 5, 11), recipient=f"Người nhận cũ {tag}")
    s.closed_period = periods.close(s.closed_unit, 2021)
    db.session.commit()


def proof_world():
    """make_world() plus a full set of records in commune A ("own") and commune B ("other", marked)."""
    from tests.factories_commendations import make_set

    w = make_world()
    w.cset = make_set(name="Bộ tiêu chí Công dân học tập")
    w.own = _side(w.commune, w.branch, w.users["clerk"], "Hòa Bình", w)
    w.other = _side(w.other_commune, w.other_branch, w.other_user, LEAK, w)
    # Each commune's own copy of the shared criteria set (issue 15, finding 3), named after the
    # commune: the other one's carries "Hòa An", so a page showing it to commune A leaks.
    from app.commendations.criteria import copy_set

    w.own.criteria_copy = copy_set(w.commune, w.cset)
    w.other.criteria_copy = copy_set(w.other_commune, w.cset)
    db.session.commit()
    # The table fixtures of tests/authz read these; share the records instead of making more.
    return w
