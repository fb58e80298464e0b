"""A commune's year 2025 in its books, built through the services: the disclosure tests read it.

Opening balance from 2024, donations to a campaign (a named donor twice, a donor who asked to
stay anonymous, a business giving notebooks in kind, a gift voided within the year), a piggy-bank
opening, scholarships paid on a decision, prizes paid on an issued commendation, an ordinary
payment, a transfer to a branch, and a 2024 receipt voided in 2025 (an adjustment).
"""
from datetime import date, datetime
from types import SimpleNamespace

from app.commendations import issuing
from app.extensions import db
from app.funds import services as funds
from app.scholarships import payout
from app.scholarships import services as rounds
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_piggybanks import make_opening, make_pig
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

YEAR = 2025
PHONE = "0912 345 678"
ADDRESS = "Số 12 đường Nguyễn Huệ, ấp Tân Lộc"
SECRET_NAME = "Trần Văn Kín Tiếng"
PUPIL_BIRTH = date(2012, 3, 4)


def reopen(s, reason="Nhập bổ sung chứng từ năm cũ"):
    """Publishing closed the year's books (app.periods): an admin reopens it before late entries."""
    from app.periods import services as periods

    periods.reopen(periods.closing_period(s.unit, d(1, 1)), reason)
    db.session.commit()


def d(month, day, year=YEAR):
    return date(year, month, day)


def build(world):
    unit = world.commune
    fund = funds.default_fund(unit)
    db.session.commit()
    old = funds.post_income(fund, 3_000_000, entry_date=d(5, 1, 2024), source="donation",
                            counterparty="Khoản thu năm trước")
    old_wrong = funds.post_income(fund, 400_000, entry_date=d(12, 20, 2024), source="donation",
                                  counterparty="Ghi trùng")
    db.session.commit()

    campaign = make_campaign(unit, "Tháng Khuyến học 2025", start_date=d(9, 1), end_date=d(9, 30), fund=fund)
    named = make_donor(unit, "Nguyễn Văn An", address=ADDRESS, phone=PHONE)
    secret = make_donor(unit, SECRET_NAME, kind="anonymous", address="Ấp Mỹ Hòa", phone="0987 654 321")
    shop = make_donor(unit, "Nhà sách Phương Nam", kind="business", address="Chợ Tân Phú")
    make_donation(campaign, 500_000, named, d(9, 5))
    make_donation(campaign, 1_500_000, named, d(9, 20))
    make_donation(campaign, 2_000_000, secret, d(9, 6))
    make_donation(campaign, 1_000_000, shop, d(9, 7), method="in_kind", item="vở", quantity=50, item_unit="quyển")
    wrong = make_donation(campaign, 700_000, make_donor(unit, "Lê Văn Nhầm"), d(9, 8))
    # What void_donation() does, on a day within the year (it voids "today").
    funds.reverse(wrong.entry, "Ghi nhầm", entry_date=d(9, 9))
    wrong.voided_at, wrong.void_reason = datetime(YEAR, 9, 9, 3, 0), "Ghi nhầm"
    funds.reverse(old_wrong, "Ghi trùng phiếu năm trước", entry_date=d(1, 15))

    pig = make_pig(unit, "Lê Thị Heo Con", holder_type="pupil", issued_on=d(1, 10))
    opening = make_opening(pig, 250_000, opened_on=d(8, 1))

    school = make_school(unit, commit=False)
    pupil = make_pupil(unit, "Phạm Thị Học Giỏi", commit=False, school=school, birth_date=PUPIL_BIRTH)
    pupil2 = make_pupil(unit, "Võ Văn Chăm", commit=False, school=school)
    rnd = make_round(unit, fund=fund, fund_money=0, commit=False, name="Học bổng Tiếp bước đến trường 2025")
    cat = make_category(rnd, 500_000, commit=False)
    n1, n2 = make_nomination(rnd, pupil, cat, commit=False), make_nomination(rnd, pupil2, cat, commit=False)
    rounds.approve(rnd, [n1, n2])
    payout.pay(n1, d(10, 1))
    payout.pay(n2, d(10, 1))
    db.session.commit()

    decision = make_decision(unit, number="30/QĐ-HKH", fund=fund, day=d(11, 20),
                             title="Về việc khen thưởng học sinh giỏi năm học 2024-2025")
    add(decision, "Đỗ Thị Xuất Sắc", amount=200_000)
    add(decision, "Hoàng Văn Giỏi", amount=200_000)
    issuing.issue(decision)
    db.session.commit()

    funds.post_payment(fund, 300_000, entry_date=d(12, 1), recipient="Phạm Thị Riêng Tư",
                       purpose="Mua tủ sách cho điểm sinh hoạt cộng đồng", basis="45/QĐ-HKH")
    branch_fund = funds.default_fund(world.branch)
    funds.transfer(fund, branch_fund, 1_000_000, entry_date=d(12, 10), reason="Hỗ trợ chi hội tặng quà Tết")
    db.session.commit()
    return SimpleNamespace(unit=unit, fund=fund, campaign=campaign, named=named, secret=secret, shop=shop,
                           wrong=wrong, old=old, old_wrong=old_wrong, round=rnd, decision=decision,
                           pupil=pupil, pig=pig, opening=opening, branch_fund=branch_fund)
