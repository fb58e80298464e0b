"""Demo dues for xã Lai Vung: settings for the commune and two chi hội, a batch per chi hội for 2025 and
2026 through the services (one phiếu thu each), some members unpaid both years (the lapsed list has
rows), and one passing up of Tân Lộc's 2025 share to the commune. Called by app.members.demo.seed after
the members exist; the caller commits."""
from datetime import date

from sqlalchemy import select

from app.core.clock import today
from app.extensions import db

from . import dues, dues_remit
from .models import ACTIVE, Member

AMOUNT, SHARE_UP = 24_000, 6_000
CHI_HOI = {"tan_loc": "Trần Văn Tài (chi hội trưởng)", "hoa_binh": "Lê Thị Hồng (chi hội phó)"}
YEARS = {2025: date(2025, 4, 12), 2026: date(2026, 4, 11)}


def _day(d: date) -> date:
    return min(d, today())


def seed(units: dict) -> None:
    commune = units.get("lai_vung")
    if commune is None:
        return
    dues.save_setting(commune, enabled=True, amount=AMOUNT, fund_id=None, share_up=0, lapsed_after=2, new_fund=True)
    for key, collector in CHI_HOI.items():
        unit = units.get(key)
        if unit is None:
            continue
        dues.save_setting(unit, enabled=True, amount=AMOUNT, fund_id=None, share_up=SHARE_UP, lapsed_after=2,
                          new_fund=True)
        members = list(db.session.scalars(select(Member).where(Member.unit_id == unit.id, Member.status == ACTIVE)
                                          .order_by(Member.number)))
        for year, day in YEARS.items():
            if day > today():
                continue
            # Every seventh member never paid (lapsed both years); every fifth paid 2025 only.
            payers = [m.id for i, m in enumerate(members)
                      if i % 7 != 3 and m.joined_on.year <= year and not (year == 2026 and i % 5 == 1)]
            if payers:
                dues.collect(unit, year=year, member_ids=payers, collected_on=_day(day), collector=collector,
                             control_total=AMOUNT * len(payers))
        db.session.flush()
    if units.get("tan_loc") is not None and dues_remit.position(units["tan_loc"], 2025)["owed"] > 0:
        dues_remit.remit(units["tan_loc"], 2025, remitted_on=_day(date(2025, 6, 20)))
    db.session.flush()
