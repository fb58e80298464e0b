"""The posting rules of app.funds.services."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.funds import services
from app.funds.models import LedgerEntry
from tests.factories import make_unit
from tests.factories_funds import give, make_fund, pay


@pytest.fixture
def commune(app):
    return make_unit(make_unit(None))


def test_default_fund_is_created_once(commune):
    first = services.default_fund(commune)
    db.session.commit()
    assert services.default_fund(commune).id == first.id
    assert first.name == "Quỹ khuyến học" and first.is_default


def test_fund_names_are_unique_per_unit_ignoring_diacritics(commune):
    make_fund(commune, "Quỹ học bổng")
    with pytest.raises(services.FundError) as err:
        services.create_fund(commune, "quy hoc bong")
    assert err.value.field == "name"


def test_income_gets_receipt_numbers_per_unit_and_year(commune):
    fund = services.default_fund(commune)
    a = give(fund, 100, entry_date=date(2026, 1, 2))
    b = give(fund, 100, entry_date=date(2026, 5, 2))
    c = give(fund, 100, entry_date=date(2025, 12, 30))  # dates stay inside the books' window (app.core.books)
    p = pay(fund, 50, entry_date=date(2026, 6, 1))
    other = give(services.default_fund(make_unit(commune.parent)), 100, entry_date=date(2026, 1, 2))
    assert [a.number, b.number, c.number, p.number] == ["PT-2026-0001", "PT-2026-0002", "PT-2025-0001",
                                                        "PC-2026-0001"]
    assert other.number == "PT-2026-0001"


@pytest.mark.parametrize("amount", [0, -5, 100_000_000_001, 10**15, 1.5, "1000", True])
def test_service_refuses_bad_amounts(commune, amount):
    with pytest.raises(services.FundError) as err:
        services.post_income(services.default_fund(commune), amount, entry_date=date(2026, 1, 1),
                             source="donation")
    assert err.value.field == "amount"


def test_largest_amount_is_accepted(commune):
    # MAX_AMOUNT (app.core.books): 100 tỷ đồng by default.
    assert give(services.default_fund(commune), 100_000_000_000).amount == 100_000_000_000


def test_payment_refused_when_balance_would_go_negative(commune):
    fund = services.default_fund(commune)
    give(fund, 1_000_000)
    with pytest.raises(services.FundError) as err:
        services.post_payment(fund, 1_000_001, entry_date=date(2026, 3, 1), recipient="A", purpose="B")
    assert err.value.field == "amount" and "không đủ" in str(err.value) and "1.000.000 đ" in str(err.value)
    assert pay(fund, 1_000_000).number == "PC-2026-0001"
    assert services.balance(fund) == 0


def test_every_post_is_audited(commune):
    fund = services.default_fund(commune)
    entry = give(fund, 700)
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "ledger_entry",
                                                     AuditEntry.object_id == entry.id))
    assert row.action == "post" and row.after["amount"] == 700 and row.unit_id == commune.id


def test_reverse_posts_opposite_entry_without_number_and_only_once(commune):
    fund = services.default_fund(commune)
    entry = give(fund, 300_000)
    rev = services.reverse(entry, "Ghi nhầm", entry_date=date(2026, 3, 11))
    db.session.commit()
    assert (rev.direction, rev.amount, rev.number, rev.reversal_of_id) == ("out", 300_000, None, entry.id)
    assert services.is_reversed(entry) and services.reversal_of(entry).id == rev.id
    assert services.balance(fund) == 0
    with pytest.raises(services.FundError, match="đã được hủy"):
        services.reverse(entry, "Lần nữa")
    with pytest.raises(services.FundError, match="bút toán hủy"):
        services.reverse(rev, "Hủy cái hủy")


def test_reverse_requires_a_reason(commune):
    entry = give(services.default_fund(commune), 1000)
    with pytest.raises(services.FundError) as err:
        services.reverse(entry, "   ")
    assert err.value.field == "reason"


def test_reversing_income_that_would_make_fund_negative_is_refused(commune):
    fund = services.default_fund(commune)
    income = give(fund, 1_000_000)
    pay(fund, 600_000)
    with pytest.raises(services.FundError, match="âm"):
        services.reverse(income, "Nhầm")


def test_transfer_posts_a_pair_and_voiding_reverses_both(commune):
    a = services.default_fund(commune)
    b = services.default_fund(make_unit(commune.parent))
    give(a, 2_000_000)
    out, into = services.transfer(a, b, 1_500_000, entry_date=date(2026, 4, 1), reason="Bàn giao quỹ")
    db.session.commit()
    assert out.transfer_id == into.transfer_id
    assert (out.number, into.number) == ("PC-2026-0001", "PT-2026-0001")
    assert (services.balance(a), services.balance(b)) == (500_000, 1_500_000)
    reversals = services.reverse(into, "Chuyển nhầm")
    db.session.commit()
    assert {r.reversal_of_id for r in reversals} == {out.id, into.id}
    assert (services.balance(a), services.balance(b)) == (2_000_000, 0)


def test_transfer_refused_beyond_balance_and_to_same_fund(commune):
    a = services.default_fund(commune)
    give(a, 100)
    with pytest.raises(services.FundError):
        services.transfer(a, a, 10, entry_date=date(2026, 1, 1), reason="x")
    with pytest.raises(services.FundError, match="không đủ"):
        services.transfer(a, make_fund(commune), 101, entry_date=date(2026, 1, 1), reason="x")


def test_balances_for_many_funds_in_one_query(commune):
    a, b, c = services.default_fund(commune), make_fund(commune), make_fund(commune)
    give(a, 500)
    give(b, 300)
    pay(b, 100)
    assert services.balances([a, b, c]) == {a.id: 500, b.id: 200, c.id: 0}
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 3
