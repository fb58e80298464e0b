"""Fund and ledger test data, built through app.funds.services."""
import itertools
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.funds import services

_seq = itertools.count(1)
DAY = date(2026, 3, 10)


def make_fund(unit, name: str | None = None, commit: bool = True):
    fund = services.create_fund(unit, name or f"Quỹ thử {next(_seq)}")
    if commit:
        db.session.commit()
    return fund


def give(fund, amount: int = 1_000_000, *, entry_date: date = DAY, commit: bool = True, **kw):
    """An income (source "donation" unless told) into `fund`."""
    kw.setdefault("source", "donation")
    kw.setdefault("counterparty", "Nguyễn Thị Ánh Tuyết")
    entry = services.post_income(fund, amount, entry_date=entry_date, **kw)
    if commit:
        db.session.commit()
    return entry


def pay(fund, amount: int = 100_000, *, entry_date: date = DAY, commit: bool = True, **kw):
    kw.setdefault("recipient", "Trần Văn Bình")
    kw.setdefault("purpose", "Học bổng học sinh nghèo")
    kw.setdefault("basis", "15/QĐ-HKH")
    entry = services.post_payment(fund, amount, entry_date=entry_date, **kw)
    if commit:
        db.session.commit()
    return entry


def fund_world(world):
    """Funds with entries in the world's commune (own) and the other commune, made once per world."""
    if getattr(world, "funds", None) is None:
        own = services.default_fund(world.commune)
        other = services.default_fund(world.other_commune)
        db.session.commit()
        world.funds = SimpleNamespace(
            own=own, other=other,
            own_income=give(own, 5_000_000), own_payment=pay(own, 1_000_000),
            other_income=give(other, 5_000_000), other_payment=pay(other, 1_000_000))
    return world.funds
