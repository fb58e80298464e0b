"""The ledger invariants still hold with piggy-bank openings and their voids in the mix."""
from hypothesis import strategies as st
from hypothesis.stateful import rule

from app.core.db import write_mode
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import services as funds
from app.piggybanks import services
from app.piggybanks.models import PiggyBankOpening
from tests.factories_piggybanks import make_pig
from tests.funds.ledger_machine import LedgerMachine, dates, run


class PiggyLedgerMachine(LedgerMachine):
    def setup_world(self):
        super().setup_world()
        self.pig_unit = self.funds[0].unit  # its default fund is self.funds[0]
        self.openings = []

    def _write(self, fn):
        """Like write(), for piggy-bank services: roll back on a refusal (theirs or the fund's), else commit."""
        with write_mode():
            try:
                result = fn()
            except Refusal as err:
                db.session.rollback()
                return err
            db.session.commit()
            return result

    @rule(amount=st.integers(0, 2_000_000), kept_share=st.integers(0, 100),
          disposition=st.sampled_from(["fund", "kept", "split"]), day=dates)
    def open_piggy_bank(self, amount, kept_share, disposition, day):
        pig = self.write(lambda: make_pig(self.pig_unit, issued_on=day.replace(day=1, month=12, year=2025),
                                          commit=False))
        kept = amount * kept_share // 100
        opening = self._write(lambda: services.open_pig(
            pig, opened_on=day, amount=amount, disposition=disposition, to_fund=amount - kept, kept=kept,
            witness1="Trần Văn Bảy", witness2="Lê Thị Tám"))
        assert isinstance(opening, PiggyBankOpening), opening
        assert opening.to_fund + opening.kept == amount
        if opening.to_fund:
            assert opening.ledger_entry.fund_id == self.funds[0].id
            self.expect(self.funds[0], opening.to_fund)
            self.openings.append(opening.id)
        else:
            assert opening.ledger_entry_id is None

    @rule(k=st.integers(0, 999))
    def void_piggy_bank_opening(self, k):
        if not self.openings:
            return
        opening = db.session.get(PiggyBankOpening, self.openings[k % len(self.openings)])
        entry = opening.ledger_entry
        ok = not opening.voided and not funds.is_reversed(entry) and self.expected[entry.fund_id] >= entry.amount
        result = self._write(lambda: services.void_opening(opening, "Đếm nhầm"))
        if ok:
            assert isinstance(result, PiggyBankOpening) and result.voided, result
            self.expect(entry.fund, -entry.amount)
        else:
            assert isinstance(result, Refusal), result


def test_ledger_invariant_with_piggy_bank_openings(app):
    run(PiggyLedgerMachine)
