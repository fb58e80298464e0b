"""The monthly summaries (app/reports/summaries.py, migration 0036) stay equal to their rows.

The rule: triggers update donation_month and ledger_month in the same transaction as every write
to donation (insert, void, any change of a key or amount) and ledger_entry (insert). These tests
post and void through the services and compare each summary with the aggregate of its base rows,
and the reports' figures read through the summaries with the same figures read from the rows.
"""
from datetime import date

import pytest
from sqlalchemy import select, text

from app.donations.services import void_donation
from app.extensions import db
from app.reports import figures, summaries
from app.reports.periods import calendar_year, school_year
from tests.factories import make_unit
from tests.factories_donations import make_campaign, make_donation
from tests.factories_reports import report_world


def _d_row(d):
    c = summaries.donation_month.c
    return db.session.execute(select(c.n, c.amount, c.in_kind).where(
        c.unit_id == d.unit_id, c.collector_unit_id == (d.collector_unit_id or 0), c.campaign_id == d.campaign_id,
        c.month == d.donation_date.strftime("%Y-%m"))).one_or_none()


def _l_sum(fund_id, plain, month=None):
    c = summaries.ledger_month.c
    stmt = select(c.n, c.amount).where(c.fund_id == fund_id, c.plain == plain)
    return db.session.execute(stmt.where(c.month == month) if month else stmt).all()


def test_a_posting_and_its_void_keep_both_summaries_equal_to_their_rows(app):
    commune = make_unit(None, "Hội Khuyến học xã Tổng Hợp", "commune")
    branch = make_unit(commune, "Chi hội ấp Một", "village")
    campaign = make_campaign(commune, "Tháng Khuyến học 2026")
    assert summaries.differences() == {"donation_month": 0, "ledger_month": 0}

    gift = make_donation(campaign, 700_000, day=date(2026, 9, 5), collector_unit=branch)
    make_donation(campaign, 300_000, day=date(2026, 9, 20), collector_unit=branch)
    assert tuple(_d_row(gift)) == (2, 1_000_000, 0)
    assert [tuple(r) for r in _l_sum(campaign.fund_id, 1, "2026-09")] == [(2, 1_000_000)]
    assert summaries.differences() == {"donation_month": 0, "ledger_month": 0}

    void_donation(gift, "Ghi nhầm")
    db.session.commit()
    assert tuple(_d_row(gift)) == (1, 300_000, 0)  # the void took it out of the live gifts
    # The reversal is a ledger entry of its own (not plain, dated the day of the void); the income stays.
    assert [tuple(r) for r in _l_sum(campaign.fund_id, 0)] == [(1, 700_000)]
    assert [tuple(r) for r in _l_sum(campaign.fund_id, 1, "2026-09")] == [(2, 1_000_000)]
    assert summaries.differences() == {"donation_month": 0, "ledger_month": 0}


def test_a_summary_that_disagrees_with_its_rows_is_found(app):
    """Positive control: differences() sees a summary row nobody's rows account for."""
    commune = make_unit(None, "Hội Khuyến học xã Lệch Số", "commune")
    make_donation(make_campaign(commune), 500_000, day=date(2026, 3, 1))
    db.session.execute(text("UPDATE donation_month SET amount = amount + 1"))
    assert summaries.differences()["donation_month"] == 2  # the row as kept, and as its rows give it
    db.session.rollback()


def test_rebuild_gives_what_the_triggers_kept(app):
    report_world()
    kept = sorted(tuple(r) for r in db.session.execute(
        select(summaries.donation_month).where(summaries.donation_month.c.n != 0)))
    summaries.rebuild(db.session.connection())
    assert sorted(tuple(r) for r in db.session.execute(select(summaries.donation_month))) == kept
    assert summaries.differences() == {"donation_month": 0, "ledger_month": 0}


@pytest.mark.parametrize("period", [school_year(2025), calendar_year(2026), calendar_year(2025), school_year(2024)])
def test_the_reports_read_the_same_figures_through_the_summaries(app, monkeypatch, period):
    """report_world has a voided gift, gifts in kind, reversals, a transfer and a payment."""
    w = report_world()
    assert summaries.differences() == {"donation_month": 0, "ledger_month": 0}
    for root in (w.P, w.A, w.A1):
        for last in (period.end, None):
            via_summaries = figures.load_facts(root, period.start, last)
            with monkeypatch.context() as m:
                m.setattr(summaries, "whole_months", lambda facts: False)
                from_rows = figures.load_facts(root, period.start, last)
            assert via_summaries.donations == from_rows.donations
            assert via_summaries.campaign_money == from_rows.campaign_money
            assert via_summaries.fund_opening == from_rows.fund_opening
            assert via_summaries.ledger == from_rows.ledger
            assert via_summaries == from_rows
    assert figures.load_facts(w.P, period.start, period.end).donations  # positive control: figures exist


def test_a_range_that_is_not_whole_months_reads_the_rows(app):
    class F:
        first, last = date(2026, 9, 2), None
    assert not summaries.whole_months(F)
    F.first, F.last = date(2026, 9, 1), date(2026, 9, 29)
    assert not summaries.whole_months(F)
    F.last = date(2026, 9, 30)
    assert summaries.whole_months(F)
