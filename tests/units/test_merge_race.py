"""PostgreSQL: two confirms of one merge racing (a double submit on two nodes) do one merge: the
second waits on the merge's row lock, then finds it confirmed and writes nothing."""
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.units import merging
from app.units.models import UnitMerge
from tests.factories_funds import give


def test_racing_confirms_do_one_merge(app, database, world):
    if database["kind"] != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE; there is no race to lose")
    fund = funds.default_fund(world.commune)
    db.session.commit()
    give(fund, 900_000, entry_date=date(2026, 3, 1))
    merge = merging.propose(world.province, [world.commune], target=world.other_commune, new_name=None,
                            effective_on=date(2026, 7, 1), actor=world.province_admin)
    db.session.commit()
    merge_id, admin_id, scope = merge.id, world.province_admin.id, world.province.path
    merging.confirm(merge, world.province_admin)  # holds the row lock until commit
    result = {}

    def second_submit():
        from app.core import rls
        from app.users.models import User

        with app.app_context(), rls.unit_scope(scope):  # as the province admin's request would be
            try:
                again = db.session.get(UnitMerge, merge_id)
                merging.confirm(again, db.session.get(User, admin_id))
                db.session.commit()
                result["status"] = again.status
            except Exception as err:  # noqa: BLE001 - shown by the assertion below
                result["error"] = repr(err)
            finally:
                db.session.remove()

    loser = threading.Thread(target=second_submit)
    loser.start()
    time.sleep(0.5)
    assert loser.is_alive(), f"the second confirm should wait for the first transaction: {result}"
    db.session.commit()
    loser.join(10)
    assert result["status"] == "confirmed"
    transfers = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.source == "transfer"))
    assert transfers == 2  # one PC and one PT: one merge
