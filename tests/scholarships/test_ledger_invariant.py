"""The ledger invariant still holds with scholarship approvals, payouts and reversals mixed in."""
from datetime import date

from hypothesis import strategies as st
from hypothesis.stateful import rule

from app.core.refusal import Refusal
from app.extensions import db
from app.scholarships import payout, services
from app.scholarships.models import Nomination
from tests.factories_scholarships import make_category, make_nomination, make_pupil
from tests.funds.ledger_machine import SETTINGS, LedgerMachine, run


class ScholarshipLedgerMachine(LedgerMachine):
    def setup_world(self):
        super().setup_world()
        fund = self.funds[1]  # "Quỹ học bổng" of the first commune
        self.round = services.save_round(fund, "Học bổng thử", "2025-2026", 10**11)  # MAX_AMOUNT
        self.category = make_category(self.round, 400_000, commit=False)
        self.noms = [make_nomination(self.round, make_pupil(fund.unit, commit=False), self.category, commit=False)
                     for _ in range(4)]
        db.session.commit()
        self.nom_ids = [n.id for n in self.noms]

    def _nom(self, k):
        return db.session.get(Nomination, self.nom_ids[k % len(self.nom_ids)])

    @rule(k=st.integers(0, 99))
    def approve(self, k):
        n = self._nom(k)
        t = services.totals(self.round)
        try:
            services.approve(self.round, [n])
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert t.fund_left < n.category.amount

    @rule(k=st.integers(0, 99))
    def pay(self, k):
        n = self._nom(k)
        fund = self.round.fund
        can = n.status == "approved" and not n.is_paid and self.expected[fund.id] >= n.amount
        try:
            payout.pay(n, date(2026, 1, 5))
            db.session.commit()
        except Refusal:  # the round's own refusals and the fund's, which go through as they are
            db.session.rollback()
            assert not can
            return
        assert can
        self.expect(fund, -n.amount)

    @rule(k=st.integers(0, 99))
    def reverse(self, k):
        n = self._nom(k)
        was_paid = n.is_paid
        try:
            payout.reverse_payment(n, "Ghi nhầm")
            db.session.commit()
        except Refusal:
            db.session.rollback()
            assert not was_paid
            return
        assert was_paid
        self.expect(self.round.fund, +n.category.amount)


def test_balances_stay_true_through_approvals_payouts_and_reversals(app):
    run(ScholarshipLedgerMachine, SETTINGS)
