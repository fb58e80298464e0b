"""A merge on the demo province (issue 20 D): xã Phong Hòa into xã Lai Vung, with everything the demo
holds (gifts, pigs, pupils, members, campaigns, rounds, decisions). Prints the time to preview and to
confirm: `.venv/bin/python -m pytest -q -s tests/units/test_merge_demo.py`."""
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from app.books.checks import run_all
from app.core.db import write_mode
from app.extensions import db
from app.funds import services as funds
from app.funds.models import Fund, LedgerEntry
from app.reports import yearreport
from app.reports.periods import calendar_year
from app.units import merging
from app.units.models import Unit
from app.users.models import User

MERGE_DAY = date(2026, 7, 1)


@pytest.fixture
def demo(app):
    from app.demo.services import seed

    with write_mode():
        seed()
        db.session.commit()


def _unit(name: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.name == name))


def _unit_balances(unit: Unit) -> int:
    fs = db.session.scalars(select(Fund).where(Fund.unit_id == unit.id)).all()
    return sum(funds.balances(fs).values())


def test_phong_hoa_merges_into_lai_vung_on_the_demo_province(demo):
    province, lai_vung = _unit("Hội Khuyến học tỉnh Đồng Tháp"), _unit("Hội Khuyến học xã Lai Vung")
    phong_hoa = _unit("Hội Khuyến học xã Phong Hòa")
    admin = db.session.scalar(select(User).where(User.username == "quantri"))
    before_2025 = {r.name: r.summary.closing_balance
                   for r in yearreport.rollup_page(province, calendar_year(2025))[1] if not r.own}
    held = _unit_balances(phong_hoa) + _unit_balances(lai_vung)
    children = {c.id for c in phong_hoa.children}
    with write_mode():
        merge = merging.propose(province, [phong_hoa], target=lai_vung, new_name=None, effective_on=MERGE_DAY,
                                actor=admin)
        db.session.commit()
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry))
    t0 = time.perf_counter()
    plan = merging.preview(merge, admin)
    t_preview = time.perf_counter() - t0
    assert plan.conflicts == [] and plan.sources[0].total > 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    with write_mode():
        t0 = time.perf_counter()
        merging.confirm(merge, admin)
        db.session.commit()
        t_confirm = time.perf_counter() - t0
    print(f"\ndemo merge (Phong Hòa into Lai Vung): preview {t_preview * 1000:.0f} ms, "
          f"confirm {t_confirm * 1000:.0f} ms, moved {plan.sources[0].total:,} đ in "
          f"{len(merge.result['transfers'])} transfers")
    assert _unit_balances(phong_hoa) == 0 and _unit_balances(lai_vung) == held
    assert {c.id for c in db.session.get(Unit, lai_vung.id).children} >= children
    assert db.session.scalar(select(func.count()).select_from(User).where(User.unit_id == phong_hoa.id)) == 0
    assert run_all().findings == []
    # 2025 reads as before the merge: both communes, their old balances
    after_2025 = {r.name: r.summary.closing_balance
                  for r in yearreport.rollup_page(province, calendar_year(2025))[1] if not r.own}
    assert after_2025.get("Hội Khuyến học xã Phong Hòa") == before_2025["Hội Khuyến học xã Phong Hòa"]
