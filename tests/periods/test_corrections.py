"""Correcting an entry of a closed period: a new entry dated today (source "adjustment", no number)
that refers to the old one, offered by the ledger instead of "Hủy"; counted as what it corrects."""
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.periods import services as periods
from tests.factories_donations import make_campaign, make_donation
from tests.factories_funds import give, pay
from tests.periods.helpers import OCT, SEPT, close


@pytest.fixture
def book(world):
    """The commune's fund: an income in August, a payment in September (closed), one in October."""
    fund = funds.default_fund(world.commune)
    db.session.commit()
    income = give(fund, 5_000_000, entry_date=date(2026, 8, 1))
    closed = pay(fund, 300_000, entry_date=SEPT)
    opened = pay(fund, 200_000, entry_date=OCT)
    close(world.commune, 2026, 9)
    return fund, income, closed, opened


@pytest.mark.parametrize("htmx", [False, True])
def test_the_ledger_offers_a_correction_for_a_closed_entry_and_posts_it_dated_today(world, as_user, book, htmx):
    fund, _, closed, opened = book
    client = as_user(world.users["treasurer"])
    page = client.get(f"/quy/{fund.id}").get_data(as_text=True)
    row = page[page.index(f'id="entry-{closed.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Ghi điều chỉnh" in row and "/huy" not in row
    open_row = page[page.index(f'id="entry-{opened.id}"'):]
    assert "/huy" in open_row[:open_row.index("</tr>")]  # an open month's entry is still voided

    url = f"/quy/but-toan/{closed.id}/dieu-chinh"
    confirm = client.get(url, htmx=htmx)
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and ("<html" in text) is not htmx and 'id="correct-form"' in text
    assert client.post(url, data={"reason": ""}, htmx=htmx).status_code == 422
    resp = client.post(url, data={"reason": "Chi trùng phiếu"}, htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)
    fix = db.session.scalar(select(LedgerEntry).where(LedgerEntry.corrects_id == closed.id))
    assert (fix.source, fix.number, fix.direction, fix.amount) == ("adjustment", None, "in", 300_000)
    assert fix.entry_date == clock.today() and fix.basis == closed.number and fix.description == "Chi trùng phiếu"
    assert funds.balance(fund) == 5_000_000 - 200_000
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "correct"))
    assert audit.object_id == fix.id and audit.after["corrects_id"] == closed.id
    # The PC series stays gap-free: the next payment takes the next number.
    assert pay(fund, 10_000, entry_date=OCT).number == "PC-2026-0003"

    page = client.get(f"/quy/{fund.id}").get_data(as_text=True)
    assert f"Điều chỉnh phiếu {closed.number}" in page and "Đã điều chỉnh ngày" in page
    row = page[page.index(f'id="entry-{closed.id}"'):]
    assert "Ghi điều chỉnh" not in row[:row.index("</tr>")]  # corrected once
    assert client.post(url, data={"reason": "Lần nữa"}).status_code == 303  # refused with a flash
    csv = client.get(f"/quy/{fund.id}/so-quy.xlsx?format=csv").get_data(as_text=True)
    assert f"Điều chỉnh phiếu {closed.number}" in csv and "Đã điều chỉnh" in csv
    assert len(db.session.scalars(select(LedgerEntry).where(LedgerEntry.corrects_id == closed.id)).all()) == 1


def test_what_cannot_be_corrected(world, book):
    fund, income, closed, opened = book
    with pytest.raises(funds.FundError, match="chưa khóa sổ"):
        funds.correct(opened, "Sai")  # an open month's entry is voided, not corrected
    campaign = make_campaign(world.commune, start_date=date(2026, 8, 1), end_date=date(2026, 12, 31))
    gift = make_donation(campaign, 400_000, day=date(2026, 8, 20))
    close(world.commune, 2026, 8)
    with pytest.raises(funds.FundError, match="mở lại kỳ"):
        funds.correct(gift.entry, "Sai")  # the gift owns it: the ledger alone would go out of step
    fix = funds.correct(closed, "Chi trùng")
    db.session.commit()
    with pytest.raises(funds.FundError, match="điều chỉnh"):
        funds.correct(fix, "Sai")
    with pytest.raises(funds.FundError, match="đã được điều chỉnh"):
        funds.correct(closed, "Sai")
    # Reopened, the corrected entry still cannot be voided on top of its correction.
    row = periods.closing_period(world.commune, SEPT)
    periods.reopen(row, "Kiểm tra lại")
    db.session.commit()
    with pytest.raises(funds.FundError, match="đã được điều chỉnh"):
        funds.reverse(closed, "Sai")


def test_a_correction_voided_in_an_open_period_can_be_made_again(world, book):
    fund, _, closed, _ = book
    fix = funds.correct(closed, "Chi trùng")
    db.session.commit()
    funds.reverse(fix, "Điều chỉnh nhầm")  # from the ledger, like a payment
    db.session.commit()
    assert funds.balance(fund) == 5_000_000 - 300_000 - 200_000
    again = funds.correct(closed, "Chi trùng (ghi lại)")
    db.session.commit()
    assert again.id != fix.id and funds.balance(fund) == 5_000_000 - 200_000


def test_a_transfer_is_corrected_on_both_legs(world):
    own, branch = funds.default_fund(world.commune), funds.default_fund(world.branch)
    db.session.commit()
    give(own, 1_000_000, entry_date=date(2026, 8, 1))
    out, into = funds.transfer(own, branch, 400_000, entry_date=SEPT, reason="Chuyển cho chi hội")
    db.session.commit()
    close(world.commune, 2026, 9)  # closes the branch too
    fixes = funds.correct(into, "Chuyển nhầm quỹ")
    db.session.commit()
    assert sorted((f.corrects_id, f.direction) for f in fixes) == sorted([(out.id, "in"), (into.id, "out")])
    assert fixes[0].transfer_id and fixes[0].transfer_id == fixes[1].transfer_id != out.transfer_id
    assert funds.balance(own) == 1_000_000 and funds.balance(branch) == 0


def _flow(unit, fund, month):
    from app.reports.figures import load_facts

    facts = load_facts(unit, date(2026, 1, 1))
    return facts.ledger.get((fund.id, (2026, month)))


def test_a_correction_of_an_income_is_negative_income_of_its_month_not_spending(world):
    """An income with no record behind it (an opening balance brought in by hand) corrected in a
    later month: that month's income goes down, its spending stays nil; a voided correction
    puts the income back."""
    fund = funds.default_fund(world.commune)
    db.session.commit()
    income = give(fund, 3_000_000, entry_date=date(2026, 8, 1), counterparty="Số dư chuyển sang")
    close(world.commune, 2026, 8)
    fix = funds.correct(income, "Nhập trùng số dư")
    db.session.commit()
    now = clock.today().month
    flow = _flow(world.commune, fund, now)
    assert flow.income == -3_000_000 and flow.other_income == -3_000_000
    assert sum(flow.spent.values()) == 0 and flow.transfer_net == 0
    assert _flow(world.commune, fund, 8).income == 3_000_000  # the closed month stays as reported
    funds.reverse(fix, "Điều chỉnh nhầm")
    db.session.commit()
    flow = _flow(world.commune, fund, now)
    assert flow.income == 0 and sum(flow.spent.values()) == 0


def test_a_correction_of_a_payment_gives_the_spending_back(world, book):
    fund, _, closed, _ = book
    funds.correct(closed, "Chi trùng")
    db.session.commit()
    flow = _flow(world.commune, fund, clock.today().month)
    assert flow.spent.get("payment", 0) == -300_000 and flow.income == 0


def test_the_disclosure_lists_a_correction_of_last_year_as_an_adjustment(world):
    from app.disclosure import report

    fund = funds.default_fund(world.commune)
    db.session.commit()
    old = give(fund, 2_000_000, entry_date=date(2025, 11, 3), counterparty="Số dư")
    close(world.commune, 2025, 0)
    funds.correct(old, "Ghi trùng")
    give(fund, 500_000, entry_date=OCT)
    db.session.commit()
    rep = report.build(world.commune, 2026)
    assert [a.amount for a in rep.adjustments] == [-2_000_000]
    assert rep.adjustments[0].text.startswith(f"Điều chỉnh phiếu thu {old.number} ngày 03/11/2025")
    assert rep.income_total == 500_000 and rep.spending_total == 0  # not spending, not a donor line
    line = rep.funds[0]
    assert (line.opening, line.income, line.spending, line.closing) == (2_000_000, -1_500_000, 0, 500_000)
    assert line.opening + line.income - line.spending == line.closing
