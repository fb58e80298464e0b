"""Where finished backups are kept: the backup directory (the default, one box), or an S3-compatible
bucket every node reaches (BACKUP_STORE=s3://bucket/prefix), so a restore works from any node.

With a bucket, a backup is still made and checked in the local backup directory (pg_dump writes a
file, pg_restore reads one); then its file and, last, its manifest are uploaded and the local copies
removed: a manifest in the bucket means its file is there whole. A backup restored from the bucket is
fetched first (file and manifest) into a private folder of the backup directory, and checked there
against its manifest's sha256 as a local one is. Endpoint and credentials as for the blob store
(S3_ENDPOINT_URL, AWS_* variables: app.core.blobs).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from flask import current_app

from app.core.blobs import s3_client, s3_location

from .errors import BackupError

FETCHED = "tu-kho"  # the backup directory's folder for backups fetched from the bucket


def location() -> tuple[str, str] | None:
    """(bucket, prefix) when backups go to a bucket, None for the backup directory.
    BACKUP_STORE=blobs: the blob store's bucket (BLOB_STORE_URL), under its prefix's backups/."""
    value = current_app.config.get("BACKUP_STORE") or os.environ.get("BACKUP_STORE") or ""
    if not value or value in ("dir", "local"):
        return None
    if value == "blobs":
        spot = s3_location()
        if spot is None:
            raise BackupError("BACKUP_STORE=blobs cần BLOB_STORE_URL dạng s3://tên-bucket/thư-mục.")
        return spot[0], spot[1] + "backups/"  # the blob sweep leaves this folder alone
    if not value.startswith("s3://"):
        raise BackupError("BACKUP_STORE phải có dạng s3://tên-bucket/thư-mục (hoặc để trống: thư mục sao lưu).")
    return s3_location(value)


def describe(name: str) -> str:
    bucket, prefix = location()
    return f"s3://{bucket}/{prefix}{name}"


def upload(final: Path, manifest: Path) -> None:
    """The backup's file, then its manifest (a manifest in the bucket means a whole backup)."""
    bucket, prefix = location()
    client = s3_client()
    try:
        client.upload_file(str(final), bucket, prefix + final.name)  # multipart when large
        client.upload_file(str(manifest), bucket, prefix + manifest.name)
    except Exception as err:  # noqa: BLE001 - botocore's errors, said in Vietnamese
        raise BackupError(f"Không gửi được bản sao lưu lên kho lưu trữ: {err}") from err


def manifests() -> list[dict]:
    """Every manifest in the bucket (the JSON written by services.make_backup)."""
    bucket, prefix = location()
    client = s3_client()
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            if not key.endswith(".json") or "/" in key[len(prefix):]:
                continue
            try:
                found.append(json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read()))
            except ValueError:
                continue  # not one of ours
    return found


def _missing(err) -> bool:
    return str(getattr(err, "response", {}).get("Error", {}).get("Code", "")) in ("404", "NoSuchKey", "NotFound")


def fetch(name: str, directory: Path) -> Path | None:
    """Download a backup and its manifest into ``directory``/tu-kho (private); its local path, or None
    when the bucket has no such backup."""
    from botocore.exceptions import ClientError

    bucket, prefix = location()
    client = s3_client()
    folder = directory / FETCHED
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / Path(name).name
    _forget_old(folder)
    try:
        for key, path in ((prefix + target.name + ".json", target.with_name(target.name + ".json")),
                          (prefix + target.name, target)):
            partial = path.with_name(path.name + ".partial")
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # private before any byte
            client.download_file(bucket, key, str(partial))
            os.replace(partial, path)
    except ClientError as err:
        if _missing(err):
            return None
        raise BackupError(f"Không tải được bản sao lưu từ kho lưu trữ: {err}") from err
    return target


def _forget_old(folder: Path, hours: float = 6) -> None:
    """Copies fetched for an earlier restore are not kept on this node (they hold everyone's data)."""
    limit = time.time() - hours * 3600
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except OSError:  # another process took it away first
            pass


def open_stream(name: str):
    """A streamed reader of a backup in the bucket (the admins' download)."""
    bucket, prefix = location()
    return s3_client().get_object(Bucket=bucket, Key=prefix + name)["Body"]


def remove(name: str) -> None:
    bucket, prefix = location()
    client = s3_client()
    client.delete_object(Bucket=bucket, Key=prefix + name + ".json")  # first: no manifest, no backup
    client.delete_object(Bucket=bucket, Key=prefix + name)


def where(directory: Path) -> str:
    """Where backups are kept, for `flask backup --list`: the bucket's URL or the directory."""
    spot = location()
    return f"s3://{spot[0]}/{spot[1]}" if spot else str(directory)
