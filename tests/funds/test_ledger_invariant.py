"""The ledger invariant under random incomes, payments, transfers and voids (Hypothesis)."""
from tests.funds.ledger_machine import LedgerMachine, run


def test_balances_equal_entry_sums_never_negative_and_numbers_gap_free(app):
    run(LedgerMachine)
