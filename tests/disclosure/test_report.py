"""The yearly disclosure computed from the ledger: balances, income by campaign, spending by purpose."""
from datetime import date

from app.disclosure import report
from app.donations.donors import ANONYMOUS_NAME
from app.extensions import db
from app.funds import services as funds
from tests.disclosure import data
from tests.factories_funds import give, make_fund, pay


def _names(group):
    return [line.name for line in group.lines]


def test_each_fund_opening_plus_income_minus_spending_is_its_closing_balance(world):
    s = data.build(world)
    rep = report.build(s.unit, data.YEAR)
    [line] = rep.funds
    assert line.opening == 3_400_000  # both 2024 receipts stood on 31 December 2024
    assert line.closing == funds.balance(s.fund)  # nothing is dated after 2025 in this world
    assert line.opening + line.income - line.spending == line.closing
    assert line.income == rep.income_total + rep.adjustment_total  # the 2024 receipt voided in 2025
    assert line.spending == rep.spending_total
    # The notebooks given in kind (1.000.000 đ) are goods: in the goods register, not the fund.
    assert rep.figures() == {"opening": 3_400_000, "income": 4_250_000, "spending": 2_700_000,
                             "adjustments": -400_000, "closing": 4_550_000, "goods_income": 1_000_000,
                             "goods_given": 0, "goods_closing": 1_000_000}


def test_next_year_opens_with_this_years_closing(world):
    s = data.build(world)
    assert report.build(s.unit, data.YEAR + 1).opening == report.build(s.unit, data.YEAR).closing == 4_550_000
    assert report.build(s.unit, data.YEAR + 1).goods_opening == report.build(s.unit, data.YEAR).goods_closing \
        == 1_000_000


def test_donors_are_listed_per_campaign_largest_first_and_anonymous_by_the_label_only(world):
    s = data.build(world)
    rep = report.build(s.unit, data.YEAR)
    campaign = next(g for g in rep.income if g.campaign_id == s.campaign.id)
    # Equal amounts: names first (Vietnamese order), the anonymous donor after them; the shop gave goods.
    assert _names(campaign) == ["Nguyễn Văn An", ANONYMOUS_NAME]
    assert campaign.lines[0].amount == 2_000_000 and campaign.lines[0].gifts == 2
    assert campaign.total == 4_000_000
    assert all(data.SECRET_NAME not in line.name for g in rep.income for line in g.lines)


def test_in_kind_gifts_count_at_their_value_and_name_the_goods_apart_from_the_money(world):
    s = data.build(world)
    rep = report.build(s.unit, data.YEAR)
    money = next(g for g in rep.income if g.campaign_id == s.campaign.id)
    assert "Nhà sách Phương Nam" not in _names(money) and money.in_kind_total == 0
    [goods] = rep.goods_income
    assert goods.campaign_id == s.campaign.id and _names(goods) == ["Nhà sách Phương Nam"]
    assert goods.lines[0].in_kind == "50 quyển vở" and goods.lines[0].amount == 1_000_000
    assert (rep.income_total, rep.goods_income_total, rep.received_total) == (4_250_000, 1_000_000, 5_250_000)


def test_a_gift_voided_within_the_year_drops_out_with_its_reversal(world):
    s = data.build(world)
    rep = report.build(s.unit, data.YEAR)
    assert all(line.name != "Lê Văn Nhầm" for g in rep.income for line in g.lines)


def test_a_gift_voided_after_the_year_stays_in_that_year_and_is_an_adjustment_of_the_next(world):
    s = data.build(world)
    entry = give(s.fund, 600_000, entry_date=date(data.YEAR, 12, 30), counterparty="Thu cuối năm")
    funds.reverse(entry, "Nhập sai số tiền", entry_date=date(data.YEAR + 1, 1, 5))
    db.session.commit()
    assert report.build(s.unit, data.YEAR).income_total == 4_250_000 + 600_000
    nxt = report.build(s.unit, data.YEAR + 1)
    assert [a.amount for a in nxt.adjustments] == [-600_000]
    assert nxt.funds[0].income == -600_000 and nxt.closing == nxt.opening - 600_000


def test_piggy_bank_money_is_counted_without_naming_the_holder(world):
    s = data.build(world)
    rep = report.build(s.unit, data.YEAR)
    pig_group = next(g for g in rep.income if g.title == "Heo đất khuyến học")
    assert pig_group.total == 250_000 and "1 lần mổ heo" in pig_group.lines[0].name
    assert all("Heo Con" not in line.name for g in rep.income for line in g.lines)


def test_spending_by_purpose_carries_the_decision_numbers_and_no_recipient(world):
    s = data.build(world)
    rep = report.build(s.unit, data.YEAR)
    by_kind = {sp.kind: sp for sp in rep.spending}
    assert by_kind["scholarship"].basis == "Quyết định số 15/QĐ-HKH"
    assert by_kind["scholarship"].count == 2 and by_kind["scholarship"].amount == 1_000_000
    assert s.round.name in by_kind["scholarship"].purpose
    assert by_kind["prize"].basis == "Quyết định số 30/QĐ-HKH ngày 20/11/2025"
    assert by_kind["prize"].count == 2 and by_kind["prize"].amount == 400_000
    assert by_kind["payment"].purpose == "Mua tủ sách cho điểm sinh hoạt cộng đồng"
    assert by_kind["payment"].basis == "45/QĐ-HKH"
    assert by_kind["transfer"].amount == 1_000_000 and "Chi hội ấp Tân Lộc" in by_kind["transfer"].purpose
    text = " ".join(f"{sp.purpose} {sp.basis}" for sp in rep.spending)
    for private in ("Riêng Tư", "Học Giỏi", "Võ Văn Chăm", "Xuất Sắc"):
        assert private not in text


def test_a_payment_voided_within_the_year_is_not_spending(world):
    fund = make_fund(world.commune)
    give(fund, 1_000_000, entry_date=date(data.YEAR, 2, 1))
    entry = pay(fund, 200_000, entry_date=date(data.YEAR, 3, 1))
    funds.reverse(entry, "Chi nhầm", entry_date=date(data.YEAR, 3, 2))
    db.session.commit()
    rep = report.build(world.commune, data.YEAR)
    assert rep.spending == [] and rep.closing == 1_000_000


def test_only_the_units_own_funds_are_reported(world):
    s = data.build(world)
    branch = report.build(world.branch, data.YEAR)
    assert [f.fund.id for f in branch.funds] == [s.branch_fund.id]
    [group] = branch.income
    assert group.title == "Nhận chuyển từ quỹ khác" and group.total == 1_000_000
    other = report.build(world.other_commune, data.YEAR)
    assert other.funds == [] and other.empty


def test_payments_for_one_purpose_to_several_people_are_one_line(world):
    fund = make_fund(world.commune)
    give(fund, 1_000_000, entry_date=date(data.YEAR, 2, 1))
    for name in ("Nguyễn Thị Một", "Trần Văn Hai"):
        pay(fund, 100_000, entry_date=date(data.YEAR, 3, 1), recipient=name, purpose="Quà Tết cho học sinh",
            basis="5/QĐ-HKH")
    db.session.commit()
    [line] = report.build(world.commune, data.YEAR).spending
    assert (line.purpose, line.basis, line.count, line.amount) == ("Quà Tết cho học sinh", "5/QĐ-HKH", 2, 200_000)


def test_income_entered_straight_into_the_ledger_shows_its_purpose_not_the_payer(world):
    fund = make_fund(world.commune)
    for payer in ("Nguyễn Văn Riêng", "Trần Thị Tư"):
        give(fund, 300_000, entry_date=date(data.YEAR, 4, 1), counterparty=payer, description="Tiền lãi gửi ngân hàng")
    db.session.commit()
    [group] = report.build(world.commune, data.YEAR).income
    [line] = group.lines
    assert (group.title, line.name, line.amount, line.gifts) == ("Các khoản thu khác", "Tiền lãi gửi ngân hàng",
                                                                   600_000, 2)
