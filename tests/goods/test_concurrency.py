"""Concurrent hand-outs never take a stock below zero (the unit row is locked; SQLite: BEGIN IMMEDIATE)."""
import threading
from datetime import date

from sqlalchemy import func, select

from app.core.db import write_mode
from app.extensions import db
from app.goods import services
from app.goods.models import GoodsEntry
from app.units.models import Unit
from tests.factories import make_unit
from tests.factories_goods import receive

WRITERS, TRIES, STOCK = 4, 12, 30


def test_concurrent_hand_outs_stop_at_zero_with_gap_free_numbers(app):
    unit = make_unit(make_unit(None))
    receive(unit, STOCK, 300_000)
    unit_id = unit.id  # read here: the threads must not touch the test's session
    errors, refused, start = [], [], threading.Barrier(WRITERS)

    def writer():
        with app.app_context():  # own context, own session, own connection
            try:
                start.wait()
                for _ in range(TRIES):
                    with write_mode():
                        try:
                            services.give_out(db.session.get(Unit, unit_id), item="vở", item_unit="quyển",
                                              quantity=1, entry_date=date(2026, 9, 6), recipient="Em An",
                                              purpose="Học bổng")
                            db.session.commit()
                        except services.GoodsError:
                            db.session.rollback()
                            refused.append(1)
            except Exception as err:  # collected and reported by the main thread
                errors.append(repr(err))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    db.session.commit()  # end the test's read transaction: see what the writers committed
    assert len(refused) == WRITERS * TRIES - STOCK  # the control: some tries were refused
    assert services.on_hand(unit, "vo", "quyển") == 0
    numbers = db.session.scalars(select(GoodsEntry.number).where(GoodsEntry.direction == "out")).all()
    assert sorted(numbers) == [f"XK-2026-{n:04d}" for n in range(1, STOCK + 1)]
    assert db.session.scalar(select(func.sum(GoodsEntry.value)).where(GoodsEntry.direction == "out")) == 300_000
