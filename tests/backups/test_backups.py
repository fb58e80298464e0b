"""`flask backup`: a consistent, checked, private copy made while the app writes; retention; daily task."""
import json
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.backups import services
from app.donations.models import Donation
from app.extensions import db
from app.printing.queue import huey_for
from tests.backups.helpers import DAY, Writer
from tests.factories_donations import make_campaign, make_donation

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def campaign(world):
    campaign = make_campaign(world.commune)
    for n in range(5):
        make_donation(campaign, 100_000 + n, day=DAY, name=f"Nhà hảo tâm {n}")
    return campaign


def test_backup_is_checked_private_and_described_by_its_manifest(app, campaign):
    backup = services.make_backup("manual")
    assert backup.path.parent == services.backup_dir()
    assert backup.path.stat().st_mode & 0o777 == 0o600
    assert services.backup_dir().stat().st_mode & 0o777 == 0o700
    manifest = json.loads(backup.path.with_name(backup.name + ".json").read_text())
    assert manifest["tables"]["donation"] == 5 and manifest["kind"] == "manual"
    assert manifest["revisions"], "the schema version travels with the backup"
    found = services.verify(backup.path)
    assert found["tables"]["donation"] == 5
    assert not list(services.backup_dir().glob("*.partial"))
    assert [b.name for b in services.list_backups()] == [backup.name]


def test_sqlite_backup_holds_commits_still_in_the_wal_that_a_file_copy_would_miss(app, campaign, db_url,
                                                                                   tmp_path, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write-ahead log")
    live = services.live_sqlite_path()
    db.session.commit()
    db.engine.dispose()
    holder = sqlite3.connect(live, isolation_level=None)  # keeps the WAL from being checkpointed away
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("UPDATE donation SET note = 'chỉ có trong WAL' WHERE id = 1")
    raw_copy = tmp_path / "raw-copy.db"
    shutil.copyfile(live, raw_copy)  # what must never be done: the change is not in the main file yet

    def refuse(*_a, **_k):
        raise AssertionError("a backup must not copy the database file")

    for name in ("copy", "copy2", "copyfile", "copyfileobj"):
        monkeypatch.setattr(shutil, name, refuse)
    backup = services.make_backup("manual")
    holder.close()
    got = sqlite3.connect(backup.path).execute("SELECT note FROM donation WHERE id = 1").fetchone()[0]
    copied = sqlite3.connect(raw_copy).execute("SELECT note FROM donation WHERE id = 1").fetchone()[0]
    assert got == "chỉ có trong WAL"
    assert copied != got
    assert sqlite3.connect(backup.path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_made_while_another_thread_writes_is_consistent(app, campaign):
    writer = Writer(app, campaign.id, "trong lúc sao lưu")
    writer.start()
    try:
        backups = [services.make_backup("manual") for _ in range(3)]
    finally:
        writer.stop()
    assert not writer.errors, writer.errors
    assert writer.done > 0
    for backup in backups:
        found = services.verify(backup.path)
        tables = found["tables"]
        # One ledger entry per donation and the audit trail beside it, as in any committed state.
        assert tables["ledger_entry"] == tables["donation"]
    assert backups[0].tables["donation"] <= backups[-1].tables["donation"]


def test_verify_refuses_a_tampered_or_foreign_file(app, campaign, tmp_path):
    backup = services.make_backup("manual")
    data = bytearray(backup.path.read_bytes())
    data[-100] ^= 0xFF
    backup.path.write_bytes(bytes(data))
    with pytest.raises(services.BackupError, match="sha256"):
        services.verify(backup.path)
    junk = tmp_path / "khong-phai.db"
    junk.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    with pytest.raises(services.BackupError):
        services.verify(junk)


def test_prune_deletes_only_old_automatic_backups_and_keeps_the_newest_three(app, campaign, monkeypatch):
    monkeypatch.setenv("BACKUP_KEEP_DAYS", "7")
    ages = [1, 3, 6, 8, 20, 30, 40]
    for days in ages:
        services.make_backup("auto", now=NOW - timedelta(days=days))
    old_manual = services.make_backup("manual", now=NOW - timedelta(days=60))
    gone = services.prune(NOW)
    left = services.list_backups()
    assert len(gone) == 4  # 8, 20, 30, 40 days old
    assert sorted((NOW - b.created_at).days for b in left if b.kind == "auto") == [1, 3, 6]
    assert old_manual.name in {b.name for b in left}
    for name in gone:
        assert not (services.backup_dir() / name).exists()
        assert not (services.backup_dir() / (name + ".json")).exists()


def test_prune_keeps_three_backups_even_when_all_are_older_than_the_setting(app, campaign, monkeypatch):
    monkeypatch.setenv("BACKUP_KEEP_DAYS", "2")
    for days in (30, 31, 32, 33):
        services.make_backup("auto", now=NOW - timedelta(days=days))
    services.prune(NOW)
    assert len(services.list_backups()) == 3


def test_daily_backup_is_made_only_when_the_newest_is_a_day_old(app, campaign):
    first = services.backup_if_due(NOW)
    assert first is not None and first.kind == "auto"
    assert services.backup_if_due(NOW + timedelta(hours=5)) is None
    second = services.backup_if_due(NOW + timedelta(hours=24))
    assert second is not None and second.created_at == NOW + timedelta(hours=24)


def test_daily_backup_task_is_registered_on_the_print_workers_queue(app, campaign):
    huey = huey_for(app)
    due = {t.name for t in huey.read_periodic(datetime(2026, 11, 20, 2, 10))}
    assert "backups.daily" in due  # checked every ten minutes
    assert "backups.daily" not in {t.name for t in huey.read_periodic(datetime(2026, 11, 20, 2, 11))}
    assert "backups.on_start" in huey._startup
    app.extensions["backup_task"]()  # immediate mode in tests: runs the check now
    made = services.list_backups()
    assert len(made) == 1 and made[0].kind == "auto"
    assert made[0].tables["donation"] == db.session.scalar(select(func.count()).select_from(Donation))


def test_backups_started_in_the_same_second_get_names_of_their_own(app, campaign):
    import threading

    made, errors = [], []

    def one():
        with app.app_context():
            try:
                made.append(services.make_backup("manual", now=NOW))
            except Exception as err:  # noqa: BLE001
                errors.append(err)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len({b.name for b in made}) == 4
    assert len(services.list_backups()) == 4
    for backup in made:
        services.verify(backup.path)
