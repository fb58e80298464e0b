"""The books' bounds (app.core.books): the largest single amount, the window of entry dates, overflow-safe sums."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select
from werkzeug.datastructures import MultiDict

from app.core import books, clock
from app.core.fields import MoneyField
from app.core.forms import BaseForm
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from tests.factories_funds import fund_world, give

TOO_BIG = "Số tiền quá lớn: tối đa 100.000.000.000 đ (một trăm tỷ đồng)."
MAX = 100_000_000_000


def _window_message(app):
    latest = clock.today() + timedelta(days=31)
    return f"Ngày phải từ 01/01/2000 đến {latest:%d/%m/%Y}."


# ---- amounts -----------------------------------------------------------------------------------

def test_check_amount_takes_whole_dong_up_to_the_setting(app):
    assert books.max_amount() == MAX
    assert books.check_amount(MAX) == MAX and books.check_amount(1) == 1
    assert books.check_amount(0, allow_zero=True) == 0
    for bad, message in [(MAX + 1, TOO_BIG), (10**15, TOO_BIG), (0, "Số tiền phải lớn hơn 0."),
                         (-1, "Số tiền phải lớn hơn 0."), (True, "Số tiền phải là số nguyên đồng."),
                         (1.0, "Số tiền phải là số nguyên đồng."), ("5", "Số tiền phải là số nguyên đồng.")]:
        with pytest.raises(books.BooksError) as err:
            books.check_amount(bad, "amount")
        assert (err.value.message, err.value.field) == (message, "amount"), bad
    with pytest.raises(books.BooksError, match="Ngân sách không được âm"):
        books.check_amount(-1, "budget", allow_zero=True, label="Ngân sách")


def test_check_amount_raises_the_callers_own_error_with_its_field(app):
    with pytest.raises(funds.FundError) as err:
        books.check_amount(MAX + 1, "amount", error=funds.FundError)
    assert str(err.value) == TOO_BIG and err.value.field == "amount"


def test_the_bound_is_read_from_the_config_at_each_call(app):
    app.config["MAX_AMOUNT"] = 5_000_000
    assert books.check_amount(5_000_000) == 5_000_000
    with pytest.raises(books.BooksError, match=re.escape("tối đa 5.000.000 đ (năm triệu đồng).")):
        books.check_amount(5_000_001)
    app.config["MAX_AMOUNT"] = 10**20  # a setting cannot lift it past what the parser takes (15 digits)
    assert books.max_amount() == 10**15 - 1


class _Form(BaseForm):
    class Meta:
        csrf = False

    amount = MoneyField("Số tiền")


def _typed(app, value):
    with app.test_request_context("/", method="POST", data={"amount": value}):
        form = _Form(formdata=MultiDict({"amount": value}))
        form.validate()
        return form


def test_money_field_refuses_more_than_the_bound_beside_the_field_keeping_the_input(app):
    form = _typed(app, "100.000.000.001")
    assert form.amount.errors == [TOO_BIG] and form.amount.data is None
    assert form.amount._value() == "100.000.000.001"  # what was typed is shown back
    ok = _typed(app, "100.000.000.000 đ")
    assert ok.amount.errors == [] and ok.amount.data == MAX


def test_money_field_reads_the_bound_at_request_time_not_at_import(app):
    app.config["MAX_AMOUNT"] = 2_000_000
    assert _typed(app, "2.000.001").amount.errors == ["Số tiền quá lớn: tối đa 2.000.000 đ (hai triệu đồng)."]
    app.config["MAX_AMOUNT"] = MAX
    assert _typed(app, "2.000.001").amount.errors == []


def test_the_fund_ledger_refuses_an_amount_above_the_bound(world):
    fund = funds.default_fund(world.commune)
    with pytest.raises(funds.FundError) as err:
        funds.post_income(fund, MAX + 1, entry_date=date(2026, 3, 1), source="donation")
    assert (str(err.value), err.value.field) == (TOO_BIG, "amount")
    assert give(fund, MAX).amount == MAX


def test_payment_form_shows_the_bound_beside_the_amount(world, as_user):
    f = fund_world(world)
    client = as_user(world.users["treasurer"])
    before = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    resp = client.post(f"/quy/{f.own.id}/chi", htmx=True, data={
        "idem_key": _key(client.get(f"/quy/{f.own.id}/chi").get_data(as_text=True)), "entry_date": "2026-09-05",
        "amount": "999.999.999.999.999", "recipient": "A", "purpose": "B", "method": "cash"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and re.search(r'id="amount-err">[^<]*' + re.escape(TOO_BIG), body)
    assert 'value="999.999.999.999.999"' in body
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == before


# ---- dates (finding 4 of issue 13: a voucher PC-1-0001, a gift dated 9999) -----------------------

def _key(html):
    return re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def test_check_entry_date_window(app):
    earliest, latest = books.date_window()
    assert earliest == date(2000, 1, 1) and latest == clock.today() + timedelta(days=31)
    assert books.check_entry_date(earliest) == earliest and books.check_entry_date(latest) == latest
    for bad in (date(1, 1, 1), date(1999, 12, 31), latest + timedelta(days=1), date(9999, 12, 31)):
        with pytest.raises(books.BooksError) as err:
            books.check_entry_date(bad, "entry_date")
        assert (err.value.message, err.value.field) == (_window_message(app), "entry_date")
    with pytest.raises(books.BooksError, match="Vui lòng nhập ngày hợp lệ."):
        books.check_entry_date("2026-01-01")


def test_the_window_is_read_from_the_config(app):
    app.config.update(BOOKS_EARLIEST_DATE=date(2020, 1, 1), BOOKS_DAYS_AHEAD=0)
    assert books.date_window() == (date(2020, 1, 1), clock.today())
    with pytest.raises(books.BooksError, match="Ngày phải từ 01/01/2020 đến"):
        books.check_entry_date(date(2019, 12, 31))
    with pytest.raises(books.BooksError):
        books.check_entry_date(clock.today() + timedelta(days=1))


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_a_payment_dated_year_1_or_9999_is_refused_beside_the_date_and_nothing_is_written(world, as_user, app,
                                                                                         typed):
    f = fund_world(world)
    client = as_user(world.users["treasurer"])
    before = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    for htmx in (False, True):
        resp = client.post(f"/quy/{f.own.id}/chi", htmx=htmx, data={
            "idem_key": _key(client.get(f"/quy/{f.own.id}/chi").get_data(as_text=True)), "entry_date": typed,
            "amount": "100.000", "recipient": "Võ Thị Ngọc", "purpose": "Học bổng", "method": "cash"})
        body = resp.get_data(as_text=True)
        assert resp.status_code == 422, body[:300]
        assert re.search(r'id="entry_date-err">[^<]*' + re.escape(_window_message(app)), body)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == before
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.number.like("PC-1-%") | LedgerEntry.number.like("PC-9999-%"))) == 0


def test_every_posting_path_of_the_ledger_keeps_to_the_window(world):
    fund = funds.default_fund(world.commune)
    other = funds.default_fund(world.branch)
    give(fund, 1_000_000)
    calls = [
        lambda d: funds.post_income(fund, 1, entry_date=d, source="donation"),
        lambda d: funds.post_incomes_bulk(fund, [{"amount": 1, "entry_date": d, "source": "donation"}]),
        lambda d: funds.post_payment(fund, 1, entry_date=d, recipient="A", purpose="B"),
        lambda d: funds.transfer(fund, other, 1, entry_date=d, reason="C"),
    ]
    for call in calls:
        for d in (date(1, 1, 1), date(9999, 1, 1)):
            with pytest.raises(funds.FundError) as err:
                call(d)
            assert err.value.field == "entry_date" and str(err.value).startswith("Ngày phải từ 01/01/2000 đến")
    entry = give(fund, 5)
    with pytest.raises(funds.FundError, match="Ngày phải từ"):
        funds.reverse(entry, "Ghi nhầm", entry_date=date(1, 1, 1))  # reversals too
    db.session.rollback()


# ---- rows above the bound, sums that cannot overflow --------------------------------------------

def _raw_income(fund, amount, n=1, day=date(2026, 3, 10), start=90_000):
    """Ledger rows written as data from before the bound could have been (raw SQL: no service check)."""
    ids = list(db.session.scalars(insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True), [
        {"fund_id": fund.id, "unit_id": fund.unit_id, "entry_date": day, "amount": amount, "direction": "in",
         "source": "donation", "number": f"PT-{day.year}-{start + i}", "counterparty": "Dữ liệu cũ"}
        for i in range(n)]))
    db.session.commit()
    return ids


def test_money_columns_cover_every_money_table(app):
    found = {(c.table.name, c.name) for c in books.money_columns()}
    assert {("ledger_entry", "amount"), ("donation", "amount"), ("piggy_bank_opening", "to_fund"),
            ("scholarship_round", "budget"), ("nomination", "amount"), ("honoree", "amount"),
            ("campaign", "target_amount"), ("sponsorship", "amount")} <= found
    assert ("report_version", "version") not in found


def test_amounts_over_bound_lists_old_rows_above_the_bound(world):
    fund = funds.default_fund(world.commune)
    give(fund, MAX)  # at the bound: fine
    assert books.amounts_over_bound() == []  # the positive control below shows it can find one
    (old,) = _raw_income(fund, 999_999_999_999_999)
    assert books.amounts_over_bound() == [books.OverBound("ledger_entry", "amount", old, 999_999_999_999_999)]


def test_sums_never_fail_and_stay_exact_below_2_to_the_53(world):
    """9,400 rows of 999.999.999.999.999 đ (the issue's two imports) sum past 2**63: SQLite's SUM()
    raised "integer overflow"; the sums of app.core.books give the figure (approximate past 2**53)."""
    fund = funds.default_fund(world.commune)
    _raw_income(fund, 999_999_999_999_999, n=4_700)
    _raw_income(fund, 999_999_999_999_999, n=4_700, start=95_000)
    exact = 9_400 * 999_999_999_999_999
    assert abs(funds.balance(fund) - exact) < exact * 1e-12  # no error; PostgreSQL's numeric is exact
    filtered = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount)
                                                      .filter(LedgerEntry.fund_id == fund.id), 0)))
    assert abs(int(filtered) - exact) < exact * 1e-12
    # Exact, and an int, while the sum stays below 2**53 (90,000 amounts of the largest size).
    small = funds.default_fund(world.other_commune)
    _raw_income(small, 2**52, start=80_000)
    _raw_income(small, 2**52 - 1, start=80_001)
    assert funds.balance(small) == 2**53 - 1 and isinstance(funds.balance(small), int)
    ordinary = funds.default_fund(world.branch)
    for amount in (1, 4_294_967_295, MAX, 123_456_789):
        give(ordinary, amount)
    funds.post_payment(ordinary, 7, entry_date=date(2026, 3, 11), recipient="A", purpose="B")
    db.session.commit()
    assert funds.balance(ordinary) == 1 + 4_294_967_295 + MAX + 123_456_789 - 7
