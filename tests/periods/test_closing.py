"""Closing and reopening periods, and the check every posting goes through (app.periods.services)."""
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.funds import services as funds
from app.periods import services as periods
from app.periods.models import ClosedPeriod
from tests.periods.helpers import OCT, SEPT, close


def test_a_closed_month_refuses_its_days_and_only_them(world):
    close(world.commune, 2026, 9)
    with pytest.raises(periods.PeriodClosed) as err:
        periods.ensure_open(world.commune, SEPT, "entry_date")
    assert err.value.field == "entry_date"
    assert str(err.value).startswith("Tháng 09/2026 đã khóa sổ (khóa ngày ")
    assert "Hãy ghi bút toán điều chỉnh vào ngày hôm nay." in str(err.value)
    assert isinstance(err.value, funds.FundError)  # every `except FundError` shows it beside its field
    periods.ensure_open(world.commune, OCT, "entry_date")  # the next month stays open
    periods.ensure_open(world.commune, date(2026, 8, 31), "entry_date")
    periods.ensure_open(world.other_commune, SEPT, "entry_date")  # another commune is not concerned


def test_closing_a_unit_closes_every_unit_below_it_and_names_where(world):
    close(world.commune, 2025, 0)
    with pytest.raises(periods.PeriodClosed) as err:
        periods.ensure_open(world.branch, date(2025, 6, 1))
    assert str(err.value).startswith(f"Năm 2025 đã khóa sổ tại {world.commune.name} (")
    periods.ensure_open(world.province, date(2025, 6, 1))  # the unit above is not closed by it
    # A branch's own month does not bind its commune.
    close(world.branch, 2026, 9)
    periods.ensure_open(world.commune, SEPT)
    with pytest.raises(periods.PeriodClosed):
        periods.ensure_open(world.branch, SEPT)


def test_only_ended_periods_can_be_closed_and_not_twice(world):
    today = clock.today()
    with pytest.raises(periods.PeriodError, match="chưa kết thúc"):
        periods.close(world.commune, today.year, today.month)
    with pytest.raises(periods.PeriodError, match="chưa kết thúc"):
        periods.close(world.commune, today.year, 0)
    with pytest.raises(periods.PeriodError, match="Năm không hợp lệ"):
        periods.close(world.commune, 1999, 0)
    with pytest.raises(periods.PeriodError, match="Tháng không hợp lệ"):
        periods.close(world.commune, 2025, 13)
    close(world.commune, 2025, 0)
    with pytest.raises(periods.PeriodError, match="Năm 2025 đã khóa sổ"):
        periods.close(world.commune, 2025, 3)  # a closed year holds its months
    with pytest.raises(periods.PeriodError, match="Năm 2025 đã khóa sổ tại"):
        periods.close(world.branch, 2025, 0)  # closed above already


def test_close_and_reopen_are_audited_and_reopening_needs_a_reason(world):
    row = close(world.commune, 2026, 9)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "close"))
    assert entry.object_type == "closed_period" and entry.after["month"] == 9 and entry.after["closed"] is True
    with pytest.raises(periods.PeriodError, match="lý do"):
        periods.reopen(row, "   ")
    periods.reopen(row, "Nhập sót phiếu chi ngày 20/9")
    db.session.commit()
    assert not row.closed and row.reopen_reason == "Nhập sót phiếu chi ngày 20/9"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reopen"))
    assert entry.before["closed"] is True and entry.after["reopen_reason"] == "Nhập sót phiếu chi ngày 20/9"
    periods.ensure_open(world.commune, SEPT)  # open again
    with pytest.raises(periods.PeriodError, match="đang mở"):
        periods.reopen(row, "Lần nữa")
    # Closing it again reuses the row (one per unit and period).
    again = close(world.commune, 2026, 9)
    assert again.id == row.id and again.closed
    assert db.session.query(ClosedPeriod).count() == 1


def test_bulk_imports_are_checked_too(world):
    fund = funds.default_fund(world.commune)
    db.session.commit()
    close(world.commune, 2026, 9)
    items = [{"amount": 100_000, "entry_date": OCT, "source": "donation"},
             {"amount": 100_000, "entry_date": SEPT, "source": "donation"}]
    with pytest.raises(periods.PeriodClosed, match="Tháng 09/2026"):
        funds.post_incomes_bulk(fund, items)
    db.session.rollback()
    assert funds.balance(fund) == 0
    assert funds.post_incomes_bulk(fund, items[:1])  # a positive control: the open month goes in


def test_summary_counts_the_entries_and_balances_at_the_period_end(world):
    from tests.factories_funds import give, pay

    fund = funds.default_fund(world.branch)
    db.session.commit()
    give(fund, 2_000_000, entry_date=date(2026, 9, 3))
    pay(fund, 500_000, entry_date=date(2026, 9, 20))
    give(fund, 7_000_000, entry_date=OCT)  # after the period: not in its balance
    got = periods.summary(world.commune, 2026, 9)
    assert got["entries"] == 2 and got["units_below"] == 1
    assert got["funds"] == [(fund, 1_500_000)] and got["total"] == 1_500_000
