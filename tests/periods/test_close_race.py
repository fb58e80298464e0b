"""A close and a posting at the same moment: the posting never lands in the month being closed.

On SQLite, BEGIN IMMEDIATE serialises writers anyway; on PostgreSQL the close's FOR UPDATE on its unit
and each posting's FOR KEY SHARE on its unit chain do it (app.periods.services._guard_against_close).
"""
import threading
from datetime import date, timedelta

from app.core import clock
from app.core.db import write_mode
from app.extensions import db
from app.funds import services as funds
from app.funds.models import Fund
from app.periods import services as periods
from app.units.models import Unit
from tests.factories import make_unit


def _last_month() -> date:
    first = clock.today().replace(day=1)
    return first - timedelta(days=1)


def test_a_posting_that_starts_while_a_month_is_being_closed_is_refused(app):
    commune = make_unit(make_unit(None))
    branch = make_unit(commune)
    fund = funds.create_fund(branch, "Quỹ chi hội")
    day = _last_month()
    funds.post_income(fund, 1_000_000, entry_date=day, source="donation",
                      counterparty="Nhà hảo tâm")
    db.session.commit()
    commune_id, fund_id = commune.id, fund.id
    closing, posted, errors, outcome = threading.Event(), threading.Event(), [], {}

    def closer():
        with app.app_context():
            try:
                with write_mode():
                    periods.close(db.session.get(Unit, commune_id), day.year, day.month)
                    closing.set()
                    posted.wait(1.5)  # the posting, started now, must wait for this commit
                    db.session.commit()
            except Exception as err:
                errors.append(repr(err))
                db.session.rollback()
            finally:
                closing.set()
                db.session.remove()

    def poster():
        with app.app_context():
            try:
                closing.wait(30)
                with write_mode():
                    try:
                        funds.post_payment(db.session.get(Fund, fund_id), 100_000, entry_date=day,
                                           recipient="Em An", purpose="Học bổng")
                        db.session.commit()
                        outcome["posted"] = True
                    except funds.FundError as err:
                        db.session.rollback()
                        outcome["refused"] = str(err)
            except Exception as err:
                errors.append(repr(err))
                db.session.rollback()
            finally:
                posted.set()
                db.session.remove()

    threads = [threading.Thread(target=closer), threading.Thread(target=poster)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert "posted" not in outcome, "a payment landed in the month being closed"
    assert "đã khóa sổ" in outcome["refused"]
    db.session.commit()
    assert funds.balance(fund) == 1_000_000  # the control: the income before the close stands


def test_a_posting_into_an_open_month_goes_through_beside_a_close(app):
    """The positive control: the guard refuses the closed month only, not every posting."""
    commune = make_unit(make_unit(None))
    fund = funds.create_fund(commune, "Quỹ xã")
    day = _last_month()
    funds.post_income(fund, 1_000_000, entry_date=day, source="donation", counterparty="Nhà hảo tâm")
    db.session.commit()
    periods.close(commune, day.year, day.month)
    funds.post_payment(fund, 100_000, entry_date=clock.today(), recipient="Em An", purpose="Học bổng")
    db.session.commit()
    assert funds.balance(fund) == 900_000
