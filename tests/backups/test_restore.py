"""`flask restore` and the restore drill: backup, keep writing, restore, data equals the backup exactly."""
import time

import pytest
from sqlalchemy import func, select

from app.backups import services
from app.core.db import write_mode
from app.donations.models import Donation
from app.extensions import db
from app.vn.money import format_number
from tests.backups.helpers import DAY, Writer, drop_pg, pg_scratch_copy, sqlite_url, table_rows
from tests.factories_donations import make_campaign, make_donation
from tests.proofs.report import report


@pytest.fixture
def campaign(world):
    campaign = make_campaign(world.commune)
    for n in range(5):
        make_donation(campaign, 200_000 + n, day=DAY, name=f"Nhà hảo tâm {n}")
    return campaign


def _backup_contents(backup, db_url):
    """The rows inside a backup file, read independently of the restore under test."""
    if backup.engine == "sqlite":
        return table_rows(sqlite_url(backup.path))
    scratch = pg_scratch_copy(db_url, backup.path)
    try:
        return table_rows(scratch)
    finally:
        drop_pg(scratch)


def _donations():
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Donation))


def test_restore_drill_backup_keep_writing_restore_gives_the_backup_exactly(app, campaign, db_url):
    writer = Writer(app, campaign.id, "trong lúc sao lưu")
    writer.start()
    try:
        deadline = time.monotonic() + 20
        while writer.done < 3 and time.monotonic() < deadline and writer.is_alive():
            time.sleep(0.01)
        backup = services.make_backup("manual")  # taken while the writer commits
    finally:
        writer.stop()
    assert not writer.errors and writer.done > 0
    db.session.rollback()  # end the read snapshot taken while the writer was committing
    with write_mode():
        for n in range(7):  # keep writing after the backup
            make_donation(campaign, 900_000 + n, day=DAY, name=f"Sau sao lưu {n}")
    live_count = _donations()
    expected = _backup_contents(backup, db_url)
    assert backup.tables["donation"] >= 5 + 3
    assert table_rows(db_url) != expected

    result = app.test_cli_runner().invoke(args=["restore", backup.name, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục" in result.output

    after = table_rows(db_url)
    audit = after.pop("audit_log")
    expected_audit = expected.pop("audit_log")
    audit_kept = audit[: len(expected_audit)] == expected_audit
    restore_logged = [r for r in audit[len(expected_audit):] if "restore" in r]
    differing = sorted(t for t in set(after) | set(expected) if after.get(t) != expected.get(t))
    rows = sum(len(v) for v in expected.values()) + len(expected_audit)
    # The data written after the backup is in the copy made just before the restore.
    before = [b for b in services.list_backups() if b.kind == "pre-restore"]
    # Ids and receipt numbers continue from the backup: a new gift after the restore is accepted.
    db.session.expire_all()
    gift = make_donation(db.session.merge(campaign), 50_000, day=DAY, name="Sau khôi phục")
    next_number_ok = gift.entry.number == f"PT-2026-{backup.tables['donation'] + 1:04d}"
    label = "PostgreSQL" if backup.engine == "postgresql" else "SQLite"
    passed = (audit_kept and len(restore_logged) == 1 and not differing and len(before) == 1
              and before[0].tables["donation"] == live_count and next_number_ok)
    report(f"Restore drill ({label})",
           f"backup taken while a writer committed ({writer.done} gifts during the run), "
           f"{live_count - backup.tables['donation']} donations written after it, restored: "
           f"{len(expected) + 1 - len(differing)}/{len(expected) + 1} tables ({rows} rows) equal to the backup, "
           f"restore audit-logged, pre-restore copy kept, numbering continues at {gift.entry.number}",
           passed, target="restored data equals the backup exactly")
    assert audit_kept and len(restore_logged) == 1
    assert not differing, differing
    assert len(before) == 1 and before[0].tables["donation"] == live_count
    assert next_number_ok, gift.entry.number


def test_restore_asks_first_and_a_no_changes_nothing(app, campaign, db_url):
    backup = services.make_backup("manual")
    make_donation(campaign, 700_000, day=DAY, name="Sau sao lưu")
    before = table_rows(db_url)
    result = app.test_cli_runner().invoke(args=["restore", str(backup.path)], input="n\n")
    assert result.exit_code == 1
    assert "Tiếp tục?" in result.output and "Đã huỷ" in result.output
    assert table_rows(db_url) == before
    assert [b.kind for b in services.list_backups()] == ["manual"]


def test_restore_answered_yes_at_the_prompt_restores(app, campaign):
    backup = services.make_backup("manual")
    make_donation(campaign, 700_000, day=DAY, name="Sau sao lưu")
    result = app.test_cli_runner().invoke(args=["restore", backup.name], input="y\n")
    assert result.exit_code == 0, result.output
    assert _donations() == 5


def test_restore_refuses_a_broken_file_and_leaves_the_data_alone(app, campaign, db_url, tmp_path):
    junk = tmp_path / "hong.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    before = table_rows(db_url)
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert "Error" in result.output or "Lỗi" in result.output or "không" in result.output.lower()
    assert table_rows(db_url) == before
    missing = app.test_cli_runner().invoke(args=["restore", "khong-co.db", "--yes"])
    assert missing.exit_code != 0 and "Không tìm thấy" in missing.output


def test_backup_command_prints_the_checked_copy_and_lists_it(app, campaign):
    made = app.test_cli_runner().invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    backup = services.list_backups()[0]
    assert backup.tables["donation"] == 5
    assert "Đã sao lưu và kiểm tra" in made.output and backup.name in made.output
    assert f"{len(backup.tables)} bảng, {format_number(backup.rows)} dòng" in made.output
    listed = app.test_cli_runner().invoke(args=["backup", "--list"])
    assert backup.name in listed.output
    auto = app.test_cli_runner().invoke(args=["backup", "--auto"])
    assert "không cần sao lưu" in auto.output


def test_restore_while_the_app_keeps_writing_leaves_a_sound_database(app, campaign, db_url):
    """Writers running through a restore wait for it (or are refused once) and the books stay whole."""
    backup = services.make_backup("manual")
    writer = Writer(app, campaign.id, "trong lúc khôi phục")
    writer.start()
    try:
        deadline = time.monotonic() + 20
        while writer.done < 3 and time.monotonic() < deadline and writer.is_alive():
            time.sleep(0.01)
        services.restore(backup.path)
        time.sleep(0.3)  # the writer goes on after the restore
    finally:
        writer.stop()
    from tests.reliability.books import donations_by_note

    _, facts = donations_by_note(db_url, "trong lúc")
    assert facts["duplicate_numbers"] == 0 and facts["gaps"] == 0 and facts["counters_out_of_step"] == 0, facts
    assert facts["without_entry"] == 0
    assert facts.get("integrity_check", "ok") == "ok" and facts.get("foreign_key_check", 0) == 0
    assert facts.get("foreign_key_orphans", 0) == 0
    assert not writer.errors, writer.errors
