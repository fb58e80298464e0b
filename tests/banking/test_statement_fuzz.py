"""Damaged statement files: whatever the bytes, the reader answers lines or a StatementError (issue 17 B)."""
import random
from datetime import date

import pytest

from app.banking.statements import StatementError, read_statement, sample_statement, sheet_preview

LINES = [(date(2026, 10, d), 10_000 * d, "in" if d % 3 else "out", f"NGUYEN VAN A{d} chuyen tien KH24D{d}X", f"R{d}")
         for d in range(1, 25)]


@pytest.mark.parametrize("layout", ["vcb", "bidv", "vietinbank", "agribank", "techcombank", "mb", "generic"])
def test_mutated_csv_never_escapes(layout):
    rnd = random.Random(layout)
    data = bytearray(sample_statement(layout, LINES, fmt="csv"))
    for _ in range(60):
        bad = bytearray(data)
        for _ in range(rnd.randint(1, 12)):
            at = rnd.randrange(len(bad))
            bad[at] = rnd.choice(b";,\"\n\r0123456789-./: \x00\xff") if rnd.random() < 0.8 else rnd.randrange(256)
        for fn in (lambda b: read_statement(b, "x.csv"), lambda b: read_statement(b, "x.csv", layout=layout),
                   lambda b: sheet_preview(b, "x.csv")):
            try:
                fn(bytes(bad))
            except StatementError:
                pass


def test_mutated_xlsx_never_escapes():
    rnd = random.Random(17)
    data = sample_statement("mb", LINES, fmt="xlsx")
    for _ in range(40):
        bad = bytearray(data)
        for _ in range(rnd.randint(1, 6)):
            bad[rnd.randrange(len(bad))] = rnd.randrange(256)
        try:
            read_statement(bytes(bad), "x.xlsx")
        except StatementError:
            pass
