"""A write PostgreSQL rolled back for timing alone (a deadlock's victim, a serialisation failure) is
run again whole by attempt(), instead of answering the person who pressed Save with a server error.

The database's refusal is stood in for: the gift's service runs (its receipt number taken, its rows
flushed), then the transaction is ended with the sqlstate PostgreSQL sends. Since the first run was
rolled back whole, the gift is written once and its receipt number has no gap.
"""
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.core import views
from app.donations.models import Donation
from app.donations.routes import gifts
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.donations.test_entry import _data, _form
from tests.factories_donations import make_campaign

GIFT = "/quyen-gop/nhap"


class _Orig(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"stand-in for the database's error {sqlstate}")
        self.sqlstate = sqlstate


def _failing(monkeypatch, sqlstate, times):
    """_record as it is, but its first `times` runs end with the database's error `sqlstate`."""
    real, runs = gifts._record, []

    def record(form):
        result = real(form)
        db.session.flush()  # the rows and the receipt number are taken, then the database refuses
        runs.append(sqlstate)
        if len(runs) <= times:
            raise OperationalError("INSERT ...", {}, _Orig(sqlstate))
        return result

    monkeypatch.setattr(gifts, "_record", record)
    return runs


def _count(model):
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"], ids=["deadlock", "serialization"])
def test_a_write_rolled_back_for_timing_is_run_again_and_written_once(world, as_user, monkeypatch, htmx, sqlstate):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    runs = _failing(monkeypatch, sqlstate, times=1)
    resp = client.post(GIFT, data=_data(campaign, _form(client, GIFT)), htmx=htmx)
    assert resp.status_code in (200, 303), resp.status_code
    assert runs == [sqlstate, sqlstate]
    assert _count(Donation) == 1 and _count(LedgerEntry) == 1
    assert db.session.scalar(select(LedgerEntry.number)).endswith("-0001")  # no gap from the first run


def test_other_database_errors_and_a_write_that_keeps_failing_are_not_hidden(world, as_user, monkeypatch):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    runs = _failing(monkeypatch, "XX000", times=1)  # control: an error that is not about timing
    with pytest.raises(OperationalError):
        client.post(GIFT, data=_data(campaign, _form(client, GIFT)))
    assert runs == ["XX000"] and _count(Donation) == 0
    runs = _failing(monkeypatch, "40P01", times=views.TRANSIENT_RETRIES + 1)
    with pytest.raises(OperationalError):
        client.post(GIFT, data=_data(campaign, _form(client, GIFT)))
    assert len(runs) == views.TRANSIENT_RETRIES + 1 and _count(Donation) == 0
