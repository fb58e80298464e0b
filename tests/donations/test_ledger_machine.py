"""The ledger invariant with donations and donation voids mixed into incomes, payments, transfers."""
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import invariant, rule
from sqlalchemy import select

from app.core.refusal import Refusal
from app.campaigns import services as campaign_services
from app.donations import donor_services, services
from app.donations.models import Donation
from app.extensions import db
from tests.funds.ledger_machine import LedgerMachine, amounts, dates, run


class DonationLedgerMachine(LedgerMachine):
    def setup_world(self):
        super().setup_world()
        self.campaigns = [campaign_services.create_campaign(f.unit, f"Vận động {i}", fund=f)
                          for i, f in enumerate(self.funds)]
        self.donor = donor_services.create_donor(self.funds[0].unit, "Nhà hảo tâm Lê Thị Hồng")
        self.raised = {c.id: 0 for c in self.campaigns}
        self.donations = []
        db.session.commit()

    @rule(i=st.integers(0, 99), amount=amounts, day=dates)
    def donate(self, i, amount, day):
        campaign = self.campaigns[i % len(self.campaigns)]
        result = self.write(lambda: services.record_donation(campaign, self.donor, amount, donation_date=day))
        assert isinstance(result, Donation), result
        assert result.entry.source == "donation" and result.entry.source_id == result.id
        self.expect(campaign.fund, amount)
        self.raised[campaign.id] += amount
        self.donations.append(result.id)

    @rule(k=st.integers(0, 999))
    def void_donation(self, k):
        if not self.donations:
            return
        donation = db.session.get(Donation, self.donations[k % len(self.donations)])

        def attempt():
            try:
                return services.void_donation(donation, "Ghi nhầm")
            except Refusal as err:  # the donation's, or the ledger's let through
                db.session.rollback()
                return err

        from app.core.db import write_mode

        with write_mode():
            was_voided = donation.voided
            covered = self.expected[donation.campaign.fund_id] >= donation.amount
            result = attempt()
            if isinstance(result, Donation):
                db.session.commit()
        if was_voided or not covered:
            assert isinstance(result, Refusal)
            return
        assert isinstance(result, Donation) and result.voided
        self.expect(donation.campaign.fund, -donation.amount)
        self.raised[donation.campaign_id] -= donation.amount

    @invariant()
    def campaign_totals_match(self):
        for c in getattr(self, "campaigns", []):
            assert campaign_services.campaign_total(c) == self.raised[c.id]
        standing = db.session.scalars(select(Donation).where(Donation.voided_at.is_(None))).all()
        assert all(d.entry is not None and not d.entry.reversal for d in standing)


def test_ledger_invariant_holds_with_donations_and_voids(app):
    # Fewer examples than the base machine: its own test already covers the fund-only rules.
    run(DonationLedgerMachine, settings(max_examples=8, stateful_step_count=15, deadline=None,
                                        suppress_health_check=[HealthCheck.too_slow]))
