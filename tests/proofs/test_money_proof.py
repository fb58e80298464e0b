"""Proof: money is never created, lost or rewritten (Hypothesis state machine, SQLite and PostgreSQL).

One machine combines the ledger machines of the domains (tests/funds/ledger_machine.py: incomes,
payments, transfers, voids; tests/donations, tests/piggybanks, tests/scholarships: donations and
their voids, piggy-bank openings and their voids, approvals, payouts and reversals) and adds the
issuing of commendation decisions with prize money. After every step:

- every fund's balance equals the sum of its entries and the machine's own model, never negative
  (the base machine);
- no posted ledger entry has changed in any column since it was first seen (append-only);
- receipt and voucher numbers (PT/PC) are unique and gap-free per unit, year and kind (base
  machine), and register numbers (số sổ vàng) unique and gap-free per unit.

Run it on PostgreSQL with TEST_DATABASE_URL. Full size (PROVE_FULL=1): 60 runs of 40 steps.
"""
from collections import Counter, defaultdict

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import invariant, rule
from sqlalchemy import select

from app.commendations import issuing
from app.commendations.models import Honoree
from app.commendations.services import CommendationError
from app.core.db import write_mode
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.donations import test_ledger_machine as donations
from tests.factories_commendations import add, make_decision
from tests.funds.ledger_machine import dates, run
from tests.piggybanks import test_ledger_machine as piggybanks
from tests.proofs import support as S
from tests.proofs.report import report, size
from tests.scholarships import test_ledger_invariant as scholarships

STATS = Counter()


class MoneyMachine(donations.DonationLedgerMachine, piggybanks.PiggyLedgerMachine,
                   scholarships.ScholarshipLedgerMachine):
    def __init__(self):
        super().__init__()
        self.seen: dict[int, tuple] = {}  # ledger entry id -> its columns when first seen
        self.decisions = 0
        STATS["runs"] += 1

    @rule(k=st.integers(0, 99), prizes=st.lists(st.sampled_from([0, 50_000, 300_000, 1_500_000]), min_size=1,
                                                 max_size=3), day=dates, each=st.booleans(), richest=st.booleans())
    def issue_decision(self, k, prizes, day, each, richest):
        """A decision with prize money out of one fund (often the one with most money, so both outcomes
        happen): issued (register numbers, phiếu chi) only when the fund can pay the whole list;
        otherwise nothing is issued or numbered."""
        fund = max(self.funds, key=lambda f: self.expected[f.id]) if richest else self.funds[k % len(self.funds)]
        self.decisions += 1
        with write_mode():
            d = make_decision(fund.unit, number=f"{self.decisions}/QĐ-MM", fund=fund, day=day, commit=False,
                              payment_mode="each" if each else "total")
            for i, amount in enumerate(prizes):
                add(d, f"Nguyễn Văn Thưởng {i}", amount=amount, commit=False)
            db.session.commit()
        total = sum(prizes)
        can_pay = self.expected[fund.id] >= total
        with write_mode():
            try:
                issuing.issue(d)
                db.session.commit()
                issued = True
            except CommendationError:
                db.session.rollback()
                issued = False
        assert issued == can_pay, (issued, can_pay, total, self.expected[fund.id])
        if issued:
            self.expect(fund, -total)
        STATS["issued" if issued else "refused"] += 1

    @invariant()
    def posted_entries_never_change(self):
        STATS["checks"] += 1
        unit_ids = {f.unit_id for f in self.funds}
        rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.unit_id.in_(unit_ids))).all()
        for e in rows:
            now = tuple(getattr(e, c.key) for c in LedgerEntry.__table__.columns)
            before = self.seen.setdefault(e.id, now)
            assert before == now, f"ledger entry {e.id} changed: {before} -> {now}"
        STATS["entries"] = max(STATS["entries"], len(rows))

    @invariant()
    def register_numbers_unique_and_gap_free(self):
        unit_ids = {f.unit_id for f in self.funds}
        numbers = defaultdict(list)
        for unit_id, number in db.session.execute(select(Honoree.unit_id, Honoree.register_number).where(
                Honoree.unit_id.in_(unit_ids), Honoree.register_number.is_not(None))):
            numbers[unit_id].append(number)
        for unit_id, ns in numbers.items():
            assert sorted(ns) == list(range(1, len(ns) + 1)), (unit_id, sorted(ns))
        db.session.commit()


def test_money_is_never_created_lost_or_rewritten(app):
    STATS.clear()
    examples, steps = size((10, 20), (60, 40))
    label = S.db_label()
    name, target = f"Money invariants ({label})", "balances = sums of entries, 0 changes, numbers gap-free"
    try:
        run(MoneyMachine, settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    except BaseException as err:
        report(name, f"counterexample after {STATS['runs']} runs: {str(err).splitlines()[0][:200]}", False, target)
        raise
    report(name, f"{STATS['runs']} runs of up to {steps} random steps (donate, void, open piggy bank, pay, "
                 f"transfer, approve, pay scholarship, reverse, issue decision: {STATS['issued']} decisions issued, "
                 f"{STATS['refused']} refused for want of money), "
                 f"{STATS['checks']} checks after steps, up to {STATS['entries']} entries per run: every balance = "
                 f"sum of its entries, 0 posted entries changed, PT/PC and register numbers unique and gap-free",
           True, target)
    assert STATS["runs"] >= examples and STATS["checks"] > examples
