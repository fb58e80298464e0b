"""A small association with known figures for the report tests, built through the services.

    P  Hội Khuyến học tỉnh Thử Báo Cáo (province)
    ├── A  Hội Khuyến học xã An Bình
    │   ├── A1  Chi hội ấp Tân Lộc
    │   │   └── A1s Chi hội dòng họ Lê
    │   └── A2  Ban Khuyến học Trường THCS An Bình
    └── B  Hội Khuyến học xã Bình Hòa
        └── B1  Chi hội ấp Mỹ Hòa

Figures of the school year 2025-2026 for P (EXPECTED below), spread so that every rule shows:
a donation collected by a branch for the commune's campaign, a voided donation, one before the
year, in kind; pigs opened to the fund, split, kept, voided; a direct income at the province, a
transfer province -> commune (counted once), a payment and a voided payment; a scholarship round
with goods, a pupil awarded twice and a nomination waiting; an issued decision with prizes and
a draft.
"""
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.funds import services as funds
from app.scholarships import payout
from app.scholarships import services as rounds
from tests.factories import make_unit, make_user
from tests.factories_donations import make_campaign, make_donation

EXPECTED = {  # root P, school year 2025-2026
    "donation_count": 6, "donation_amount": 4_900_000, "in_kind_amount": 500_000,
    "pig_openings": 3, "pig_counted": 650_000, "pig_to_fund": 400_000, "pig_kept": 250_000, "pig_units": 2,
    "other_income": 6_000_000, "raised": 11_300_000,
    "spent_scholarship": 800_000, "spent_prize": 200_000, "spent_other": 1_000_000, "transfer_net": 0,
    "awards": 4, "award_amount": 4_000_000, "awards_paid": 1, "paid_amount": 800_000,
    "honorees": 3, "honoree_amount": 200_000,
}


def report_world(tag: str = ""):
    """Build the tree and its records; returns the units and a few records by name."""
    from tests.factories_piggybanks import make_opening, make_pigs
    from tests.factories_scholarships import make_category, make_pupil, make_school

    w = SimpleNamespace()
    w.P = make_unit(None, f"Hội Khuyến học tỉnh Thử Báo Cáo{tag}", "province")
    w.A = make_unit(w.P, "Hội Khuyến học xã An Bình", "commune")
    w.B = make_unit(w.P, "Hội Khuyến học xã Bình Hòa", "commune")
    w.A1 = make_unit(w.A, "Chi hội ấp Tân Lộc", "village")
    w.A1s = make_unit(w.A1, "Chi hội dòng họ Lê", "clan")
    w.A2 = make_unit(w.A, "Ban Khuyến học Trường THCS An Bình", "school")
    w.B1 = make_unit(w.B, "Chi hội ấp Mỹ Hòa", "village")
    w.admin_p = make_user(w.P, "admin", username=f"rp_admin{tag}")
    w.viewer_a = make_user(w.A, "viewer", username=f"ra_viewer{tag}")

    # Donations -----------------------------------------------------------------------------
    old = make_campaign(w.A, "Vận động hè 2025", target=0, start_date=date(2025, 8, 1), end_date=date(2025, 8, 31))
    make_donation(old, 900_000, day=date(2025, 8, 20))  # the year before
    w.cA = make_campaign(w.A, "Tháng Khuyến học 2025", target=10_000_000, start_date=date(2025, 9, 1),
                         end_date=date(2025, 9, 30))
    make_donation(w.cA, 1_000_000, day=date(2025, 9, 5), collector_unit=w.A1, collector_name="Cô Lan")
    make_donation(w.cA, 2_000_000, day=date(2025, 9, 10), method="transfer")
    make_donation(w.cA, 500_000, day=date(2025, 9, 12), method="in_kind", item="vở", quantity="50",
                  item_unit="quyển")
    wrong = make_donation(w.cA, 3_000_000, day=date(2025, 9, 15))
    from app.donations.services import void_donation

    void_donation(wrong, "Ghi nhầm số tiền")
    db.session.commit()
    make_donation(w.cA, 700_000, day=date(2025, 9, 20), collector_unit=w.A1s)
    w.cA1 = make_campaign(w.A1, "Khuyến học ấp Tân Lộc", target=0, start_date=date(2025, 10, 1),
                          end_date=date(2025, 10, 31))
    make_donation(w.cA1, 300_000, day=date(2025, 10, 5))
    w.cB1 = make_campaign(w.B1, "Xuân khuyến học", target=5_000_000, start_date=date(2026, 1, 1),
                          end_date=date(2026, 1, 31))
    make_donation(w.cB1, 400_000, day=date(2026, 1, 10))

    # Piggy banks ----------------------------------------------------------------------------
    p1, p2, p3, p5 = make_pigs(w.A2, ["Lớp 6A1", "Lớp 7A2", "Lớp 8A3", "Lớp 9A4"], holder_type="class",
                               issued_on=date(2025, 9, 5))
    make_opening(p1, 300_000, opened_on=date(2026, 8, 10))
    make_opening(p2, 200_000, "split", to_fund=100_000, kept=100_000, opened_on=date(2026, 8, 11))
    from app.piggybanks.services import void_opening

    void_opening(make_opening(p3, 999_000, opened_on=date(2026, 8, 12)), "Đếm nhầm")
    db.session.commit()
    (p4,) = make_pigs(w.B1, ["Hộ ông Trần Văn Tư"], issued_on=date(2025, 9, 5))
    make_opening(p4, 150_000, "kept", opened_on=date(2026, 3, 1))

    # Ledger: direct incomes, a transfer, payments ---------------------------------------------
    w.fund_p, w.fund_a, w.fund_b = (funds.default_fund(u) for u in (w.P, w.A, w.B))
    funds.post_income(w.fund_p, 5_000_000, entry_date=date(2025, 12, 1), source="donation",
                      counterparty="Công ty Thủy sản Sa Đéc")
    funds.transfer(w.fund_p, w.fund_a, 2_000_000, entry_date=date(2026, 1, 5), reason="Hỗ trợ xã An Bình")
    funds.post_income(w.fund_b, 1_000_000, entry_date=date(2026, 4, 1), source="donation",
                      counterparty="Ông Nguyễn Văn Tư")
    funds.post_payment(w.fund_a, 1_000_000, entry_date=date(2026, 2, 1), recipient="Nhà sách An Bình",
                       purpose="Mua vở tặng học sinh", basis="02/QĐ-HKH")
    bad = funds.post_payment(w.fund_a, 400_000, entry_date=date(2026, 2, 2), recipient="Nhà sách An Bình",
                             purpose="Ghi trùng", basis="02/QĐ-HKH")
    funds.reverse(bad, "Ghi trùng phiếu chi", entry_date=date(2026, 2, 3))
    db.session.commit()

    # Scholarships ----------------------------------------------------------------------------
    school = make_school(w.A, "Trường THCS An Bình", "lower_secondary")
    pu1 = make_pupil(w.A, "Nguyễn Thị Đào", school=school, circumstances={"poor"})
    pu2 = make_pupil(w.A, "Lê Văn Bình", school=school, circumstances={"orphan", "minority"})
    pu3 = make_pupil(w.A, "Trần Minh Khang", school=school)
    w.round = rounds.save_round(w.fund_a, "Học bổng Tết 2026", "2025-2026", 10_000_000,
                                ceremony_date=date(2026, 1, 20), decision_number="03/QĐ-HKH")
    hardship = make_category(w.round, 800_000, name="Học bổng vượt khó", goods="10 quyển vở")
    talent = make_category(w.round, 1_200_000, name="Học bổng khuyến tài", kind="achievement")
    noms = [rounds.nominate(w.round, p, c) for p, c in ((pu1, hardship), (pu2, hardship), (pu3, talent),
                                                         (pu1, talent))]
    w.pending = rounds.nominate(w.round, pu3, hardship)
    rounds.approve(w.round, noms)
    payout.pay(noms[0], date(2026, 1, 20))
    db.session.commit()

    # Commendations ---------------------------------------------------------------------------
    from app.commendations import issuing
    from tests.factories_commendations import add, make_decision

    d = make_decision(w.B, number="07/QĐ-HKH", fund=w.fund_b, day=date(2026, 5, 10))
    add(d, "Phạm Thị Hoa", amount=100_000)
    add(d, "Võ Văn Long", amount=100_000)
    add(d, "Lê Văn Sáu", "Gia đình học tập năm 2026", kind="family")
    issuing.issue(d)
    db.session.commit()
    w.decision = d
    w.draft = make_decision(w.A, number="09/QĐ-HKH", day=date(2026, 6, 1))
    return w
