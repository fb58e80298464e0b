"""Backups in a bucket (BACKUP_STORE=s3://...): made on one node, listed, verified, downloaded and
restored from another node (issue 20 A), against a real S3-compatible server (tests/s3server.py).
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (pg_dump/pg_restore)."""
import os
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.backups import services
from app.donations.models import Donation
from app.extensions import db
from tests import nodes, s3server
from tests.backups.helpers import DAY
from tests.conftest import login
from tests.factories_donations import make_campaign, make_donation
from tests.nodes import local_files
from tests.s3server import keys

s3 = s3server.s3  # the fixtures: a real S3-compatible server and a fresh bucket; node B
second = nodes.second
NOW = datetime(2026, 9, 20, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(s3, monkeypatch):
    bucket, client = s3
    monkeypatch.setenv("BACKUP_STORE", f"s3://{bucket}/skh/backups")
    return bucket, client


@pytest.fixture
def campaign(world):
    campaign = make_campaign(world.commune)
    for n in range(3):
        make_donation(campaign, 200_000 + n, day=DAY, name=f"Nhà hảo tâm {n}")
    return campaign


def _donations() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Donation))


def test_a_backup_made_on_one_node_is_restored_from_another(app, campaign, store, second):
    bucket, client = store
    assert services.list_backups() == []  # positive control for the listing below: empty at first
    backup = services.make_backup("manual")
    suffix = ".db" if backup.engine == "sqlite" else ".dump"
    assert keys(client, bucket) == [f"skh/backups/{backup.name}", f"skh/backups/{backup.name}.json"]
    assert backup.where == f"s3://{bucket}/skh/backups/{backup.name}" and backup.name.endswith(suffix)
    assert local_files(app.instance_path) == []  # made and checked locally, then only in the bucket
    make_donation(campaign, 900_000, day=DAY, name="Sau sao lưu")
    assert _donations() == 4
    db.session.rollback()  # node A holds no transaction open: the restore locks every table (PostgreSQL)
    with second.app_context():
        listed = services.list_backups()
        assert [b.name for b in listed] == [backup.name] and listed[0].tables == backup.tables
        path = services.resolve(backup.name)  # fetched from the bucket with its manifest
        assert services.verify(path)["tables"]["donation"] == 3
        before = services.restore(path)
        assert before is not None and before.where.startswith(f"s3://{bucket}/")  # the safety copy too
    assert _donations() == 3
    assert len(keys(client, bucket)) == 4


def test_a_changed_object_in_the_bucket_is_refused(app, campaign, store, second):
    bucket, client = store
    backup = services.make_backup("manual")
    key = f"skh/backups/{backup.name}"
    data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    with second.app_context():
        fetched = services.backup_dir() / "tu-kho"
        fetched.mkdir(mode=0o700)
        stale, fresh = fetched / "cu.db", fetched / "moi.db"
        for path in (stale, fresh):
            path.write_bytes(b"x")
        os.utime(stale, (time.time() - 7 * 3600,) * 2)
        assert services.verify(services.resolve(backup.name))  # positive control: the untouched one passes
        assert not stale.exists() and fresh.exists()  # an old fetched copy is not kept on the node
    client.put_object(Bucket=bucket, Key=key, Body=data[:-1] + bytes([data[-1] ^ 1]))
    with second.app_context():
        with pytest.raises(services.BackupError, match="sha256"):
            services.verify(services.resolve(backup.name))
        with pytest.raises(services.BackupError):
            services.resolve("khong-co.db")


def test_the_download_streams_the_bucket_copy_from_any_node(app, world, store, second):
    bucket, client = store
    make_donation(make_campaign(world.commune), 300_000, day=DAY)
    backup = services.make_backup("manual")
    web = second.test_client()
    login(web, world.province_admin)
    assert backup.name in web.get("/sao-luu/").get_data(as_text=True)
    resp = web.get("/sao-luu/tai-ve")
    assert resp.status_code == 200
    assert resp.data == client.get_object(Bucket=bucket, Key=f"skh/backups/{backup.name}")["Body"].read()


def test_prune_and_the_daily_backup_work_on_the_bucket(app, campaign, store, monkeypatch):
    bucket, client = store
    monkeypatch.setenv("BACKUP_KEEP_DAYS", "7")
    for days in (1, 3, 6, 8, 20):
        services.make_backup("auto", now=NOW - timedelta(days=days))
    gone = services.prune(NOW)
    assert len(gone) == 2
    assert sorted(b.name for b in services.list_backups()) == sorted(
        k.rsplit("/", 1)[1] for k in keys(client, bucket) if not k.endswith(".json"))
    made = services.backup_if_due(NOW)  # the newest is a day old: due
    assert made is not None and f"skh/backups/{made.name}" in keys(client, bucket)
    assert services.backup_if_due(NOW + timedelta(hours=1)) is None  # now the newest is an hour old
    assert local_files(app.instance_path) == []


def test_backup_store_blobs_uses_the_blob_stores_bucket(app, campaign, s3, monkeypatch):
    from app.core import blobs

    bucket, client = s3  # BLOB_STORE_URL=s3://<bucket>/skh
    monkeypatch.setenv("BACKUP_STORE", "blobs")
    backup = services.make_backup("manual")
    assert f"skh/backups/{backup.name}.json" in keys(client, bucket)
    assert blobs.sweep(NOW + timedelta(days=9999)) == 0  # the blob sweep never takes a backup
    assert [b.name for b in services.list_backups()] == [backup.name]


def test_the_commands_name_the_bucket_and_restore_by_name_from_another_node(app, campaign, store, second):
    bucket, client = store
    made = app.test_cli_runner().invoke(args=["backup"])
    assert made.exit_code == 0 and f"s3://{bucket}/skh/backups/sokhuyenhoc-" in made.output
    name = keys(client, bucket)[0].rsplit("/", 1)[1]
    listed = second.test_cli_runner().invoke(args=["backup", "--list"])
    assert f"Nơi giữ bản sao lưu: s3://{bucket}/skh/backups/" in listed.output and name in listed.output
    db.session.rollback()  # node A holds no transaction open while node B restores
    restored = second.test_cli_runner().invoke(args=["restore", name, "--yes"])
    assert restored.exit_code == 0 and f"Đã khôi phục dữ liệu từ {name}." in restored.output
    assert f"được giữ ở s3://{bucket}/skh/backups/" in restored.output  # the safety copy, in the bucket too
