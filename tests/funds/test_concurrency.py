"""Receipt numbers stay unique and gap-free with several writers at once (file SQLite / PostgreSQL)."""
import threading
from datetime import date

from sqlalchemy import select

from app.core.db import write_mode
from app.extensions import db
from app.funds import services
from app.funds.models import Fund, LedgerEntry
from tests.factories import make_unit
from tests.factories_funds import make_fund

WRITERS, EACH = 4, 25


def test_four_concurrent_writers_get_gap_free_receipt_numbers(app):
    unit = make_unit(make_unit(None))
    fund_ids = [services.default_fund(unit).id] + [make_fund(unit).id for _ in range(WRITERS - 1)]
    db.session.commit()
    errors, start = [], threading.Barrier(WRITERS)

    def writer(fund_id):
        with app.app_context():  # own context, own session, own connection
            try:
                start.wait()
                for _ in range(EACH):
                    with write_mode():
                        fund = db.session.get(Fund, fund_id)
                        services.post_income(fund, 10_000, entry_date=date(2026, 9, 5), source="donation")
                        db.session.commit()
            except Exception as err:  # collected and reported by the main thread
                errors.append(repr(err))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(fid,)) for fid in fund_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    numbers = db.session.scalars(select(LedgerEntry.number).where(LedgerEntry.unit_id == unit.id)).all()
    assert sorted(numbers) == [f"PT-2026-{n:04d}" for n in range(1, WRITERS * EACH + 1)]
