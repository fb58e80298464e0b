"""A Hypothesis state machine over the ledger, meant to be subclassed.

Each example builds fresh units and funds (so numbering starts at 1 and earlier examples
cannot interfere), then runs random incomes, payments, transfers and voids. After every
step it checks, for every fund, that balance() equals the sum computed here from the rows,
equals the machine's own model, is never negative, and that receipt/voucher numbers are
unique and gap-free per unit, year and kind.

To extend (donations, piggy-bank openings): subclass, add @rule methods that call your
service, commit, then `self.expect(fund, +amount)` and `self.track(entry)`; call
`run(YourMachine)` from a test that uses the `app` fixture. Override `setup_world()` to
build more units or funds (keep the `self.funds` list).
"""
import re
from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from app.core.db import write_mode
from app.extensions import db
from app.funds import services
from app.funds.models import IN, LedgerEntry
from tests.factories import make_unit

SETTINGS = settings(max_examples=25, stateful_step_count=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
amounts = st.integers(min_value=1, max_value=5_000_000)
dates = st.dates(min_value=date(2025, 12, 20), max_value=date(2026, 1, 10))  # crosses a year end
NUMBER = re.compile(r"^(PT|PC)-(\d{4})-(\d{4,})$")


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.funds = []
        self.expected = {}  # fund id -> balance by the model
        self.entries = []  # posted, non-reversal entry ids (void candidates)

    # ---- helpers for subclasses ----
    def setup_world(self):
        province = make_unit(None)
        communes = [make_unit(province), make_unit(province)]
        self.funds = [services.default_fund(communes[0]), services.create_fund(communes[0], "Quỹ học bổng"),
                      services.default_fund(communes[1])]
        db.session.commit()

    def expect(self, fund, delta):
        self.expected[fund.id] = self.expected.get(fund.id, 0) + delta

    def track(self, entry):
        self.entries.append(entry.id)

    def write(self, fn):
        """Run fn in a write transaction and commit; on FundError roll back and return it."""
        with write_mode():
            try:
                result = fn()
            except services.FundError as err:
                db.session.rollback()
                return err
            db.session.commit()
            return result

    # ---- rules ----
    @initialize()
    def _init(self):
        with write_mode():
            self.setup_world()
        self.expected = {f.id: 0 for f in self.funds}

    @rule(i=st.integers(0, 99), amount=amounts, day=dates)
    def income(self, i, amount, day):
        fund = self.funds[i % len(self.funds)]
        entry = self.write(lambda: services.post_income(fund, amount, entry_date=day, source="donation",
                                                        counterparty="Lê Thị Hồng"))
        assert isinstance(entry, LedgerEntry), entry
        self.expect(fund, amount)
        self.track(entry)

    @rule(i=st.integers(0, 99), amount=amounts, day=dates)
    def payment(self, i, amount, day):
        fund = self.funds[i % len(self.funds)]
        result = self.write(lambda: services.post_payment(fund, amount, entry_date=day, recipient="Phạm Văn Nam",
                                                          purpose="Học bổng"))
        if self.expected[fund.id] >= amount:
            assert isinstance(result, LedgerEntry), result
            self.expect(fund, -amount)
            self.track(result)
        else:
            assert isinstance(result, services.FundError) and result.field == "amount"

    @rule(i=st.integers(0, 99), j=st.integers(1, 99), amount=amounts, day=dates)
    def transfer(self, i, j, amount, day):
        a = self.funds[i % len(self.funds)]
        b = self.funds[(i + j) % len(self.funds)]
        if a.id == b.id:
            return
        result = self.write(lambda: services.transfer(a, b, amount, entry_date=day, reason="Điều chuyển quỹ"))
        if self.expected[a.id] >= amount:
            out, into = result
            assert out.transfer_id == into.transfer_id and out.number.startswith("PC")
            self.expect(a, -amount)
            self.expect(b, amount)
            self.track(out)
        else:
            assert isinstance(result, services.FundError)

    @rule(k=st.integers(0, 999), day=dates)
    def void(self, k, day):
        if not self.entries:
            return
        entry = db.session.get(LedgerEntry, self.entries[k % len(self.entries)])
        legs = services.transfer_legs(entry)
        already = any(services.is_reversed(leg) for leg in legs)
        would_go_negative = any(leg.direction == IN and self.expected[leg.fund_id] < leg.amount for leg in legs)
        result = self.write(lambda: services.reverse(entry, "Ghi nhầm số tiền", entry_date=day))
        if already or would_go_negative:
            assert isinstance(result, services.FundError), result
            return
        assert not isinstance(result, services.FundError), result
        for leg in legs:
            self.expect(leg.fund, -leg.signed)
        again = self.write(lambda: services.reverse(entry, "Lần nữa"))
        assert isinstance(again, services.FundError)

    # ---- invariants ----
    @invariant()
    def balances_match_rows_and_model(self):
        for fund in self.funds:
            rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.fund_id == fund.id)).all()
            from_rows = sum(e.amount if e.direction == IN else -e.amount for e in rows)
            assert services.balance(fund) == from_rows == self.expected.get(fund.id, 0)
            assert from_rows >= 0

    @invariant()
    def numbers_unique_and_gap_free(self):
        unit_ids = {f.unit_id for f in self.funds}
        rows = db.session.execute(select(LedgerEntry.unit_id, LedgerEntry.number).where(
            LedgerEntry.unit_id.in_(unit_ids), LedgerEntry.number.is_not(None))).all()
        assert len(rows) == len(set(rows)), "a number was issued twice in one unit"
        series = defaultdict(list)
        for unit_id, number in rows:
            kind, year, n = NUMBER.match(number).groups()
            series[(unit_id, kind, year)].append(int(n))
        for key, ns in series.items():
            assert sorted(ns) == list(range(1, len(ns) + 1)), (key, sorted(ns))


def run(machine_cls=LedgerMachine, settings_=SETTINGS):
    """Run a machine as a test (call from a test using the `app` fixture)."""
    run_state_machine_as_test(machine_cls, settings=settings_)
