"""Piggy-bank test data, built through app.piggybanks.services."""
import itertools
from datetime import date

from app.extensions import db
from app.piggybanks import services

_seq = itertools.count(1)
ISSUED = date(2026, 1, 5)
OPENED = date(2026, 8, 20)


def make_pigs(unit, names=None, *, holder_type="household", prefix=None, issued_on=ISSUED, campaign=None,
              commit=True):
    """Pigs for `names` (default: one pig) with codes PREFIX-001..., issued on `issued_on`."""
    n = next(_seq)
    pigs = services.issue_many(unit, names or [f"Hộ bà Nguyễn Thị Lành {n}"], holder_type=holder_type,
                               prefix=prefix or f"T{n}", start=None, issued_on=issued_on, campaign=campaign)
    if commit:
        db.session.commit()
    return pigs


def make_pig(unit, name=None, **kw):
    return make_pigs(unit, [name] if name else None, **kw)[0]


def make_opening(pig, amount=300_000, disposition="fund", *, to_fund=None, kept=None, opened_on=OPENED,
                 commit=True):
    opening = services.open_pig(pig, opened_on=opened_on, amount=amount, disposition=disposition,
                                to_fund=to_fund, kept=kept, witness1="Trần Văn Bảy", witness2="Lê Thị Tám")
    if commit:
        db.session.commit()
    return opening


def opened_pig(unit):
    pig = make_pig(unit)
    make_opening(pig)
    return pig
