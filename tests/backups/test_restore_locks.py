"""A PostgreSQL restore that meets the app's transactions gives way; the app's requests never die.

The restore locks every table with one LOCK TABLE statement, which takes them one after another.
A request that holds a later table and then asks for an earlier one closes a cycle with it. The
request waited first, so with an unbounded lock phase PostgreSQL's deadlock check (after
deadlock_timeout) picks the request; with the bounded phase the restore gives up first and tries
again once the request has finished.
"""
import threading
import time

import pytest

from app.backups import postgres, services
from tests.backups.helpers import DAY
from tests.factories_donations import make_campaign, make_donation


def _connect(db_url):
    import psycopg

    return psycopg.connect(postgres.libpq_url(db_url))


def _waiting_for(db_url, table: str) -> bool:
    """Someone waits for an exclusive lock on `table` (the restore's LOCK TABLE)."""
    import psycopg

    with psycopg.connect(postgres.libpq_url(db_url), autocommit=True) as conn:
        return bool(conn.execute(
            "SELECT 1 FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock' "
            "AND relation = %s::regclass", (table,)).fetchone())


def _until(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


@pytest.mark.parametrize("lock_phase, request_dies", [("300ms", False), ("120s", True)],
                         ids=["bounded-lock-phase", "positive-control-unbounded"])
def test_a_request_that_closes_a_cycle_with_the_restore_is_never_the_one_to_die(
        app, world, db_url, monkeypatch, lock_phase, request_dies):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's restore (SQLite swaps the file under its own lock)")
    make_donation(make_campaign(world.commune), 100_000, day=DAY, name="Trước sao lưu")
    backup = services.make_backup("manual")
    monkeypatch.setattr(postgres, "LOCK_PHASE", lock_phase)
    tables = postgres._tables(db_url)
    first, middle, last = tables[0], tables[len(tables) // 2], tables[-1]

    request, other = _connect(db_url), _connect(db_url)
    try:
        request.execute(f"LOCK TABLE {last} IN ROW EXCLUSIVE MODE")  # a request's first write
        other.execute(f"LOCK TABLE {middle} IN ROW EXCLUSIVE MODE")  # keeps the restore waiting midway
        outcome = {}

        def restore():
            try:
                postgres.restore(backup.path, db_url, budget=30)
                outcome["restore"] = "ok"
            except Exception as err:  # noqa: BLE001 - reported below
                outcome["restore"] = repr(err)

        restorer = threading.Thread(target=restore, daemon=True)
        restorer.start()
        _until(lambda: _waiting_for(db_url, middle))  # the restore holds `first` now

        def second_write():
            try:
                request.execute(f"LOCK TABLE {first} IN ROW EXCLUSIVE MODE")
                request.commit()
                outcome["request"] = "ok"
            except Exception as err:  # noqa: BLE001 - reported below
                request.rollback()
                outcome["request"] = type(err).__name__

        writer = threading.Thread(target=second_write, daemon=True)
        writer.start()
        time.sleep(0.1)  # the request waits for `first` before the restore reaches `last`
        other.commit()
        writer.join(30)
        restorer.join(60)
    finally:
        request.close()
        other.close()
    assert outcome.get("restore") == "ok", outcome
    if request_dies:
        assert outcome.get("request") == "DeadlockDetected", outcome
    else:
        assert outcome.get("request") == "ok", outcome
