"""Funds and ledger routes."""
from tests.authz import ALL, Rule
from tests.factories_funds import fund_world

TREASURER = frozenset({"treasurer"})


def fund(world, own):
    f = fund_world(world)
    return {"fund_id": (f.own if own else f.other).id}


def payment_entry(world, own):
    f = fund_world(world)
    return {"entry_id": (f.own_payment if own else f.other_payment).id}


def income_entry(world, own):
    f = fund_world(world)
    return {"entry_id": (f.own_income if own else f.other_income).id}


TABLE = {
    "funds.index": Rule(ALL),
    "funds.index_export": Rule(ALL),
    "funds.detail": Rule(ALL, args=fund),
    "funds.export": Rule(ALL, args=fund),
    "funds.create": Rule(TREASURER),
    "funds.payment": Rule(TREASURER, args=fund),
    "funds.transfer": Rule(TREASURER, args=fund),
    "funds.void": Rule(TREASURER, args=payment_entry),
    "funds.receipt_pdf": Rule(ALL, args=income_entry),
}
