"""Blobs: bytes every node of the app reaches (finished PDFs, staged imports), whatever machine wrote them.

With several web nodes and a print worker on other machines, a file under one node's instance/
folder is lost to the others: a PDF printed by the worker could not be downloaded from a web node,
an import previewed on one node could not be confirmed on the next. So such bytes live here:

- by default in the database itself (table ``stored_blob``), which every node already shares;
- with ``BLOB_STORE_URL=s3://bucket/prefix`` in an S3-compatible object store (``S3_ENDPOINT_URL``
  for MinIO, Garage, Ceph...; credentials from the usual AWS_* variables, never in the URL).

    key = blobs.put("print", pdf, key="print/<sha256>.pdf")          # or a random key
    data = blobs.get(key)                                            # None: never stored, deleted, expired
    blobs.put("import", payload, ttl=timedelta(hours=6))
    blobs.sweep()                                                    # expired blobs removed (periodic task)

A blob of more than ``BLOB_MAX_MB`` (default 64) is refused before a byte is written (BlobTooLarge).
An expired blob reads as None at once, and is removed by the next sweep (the queue's periodic task
``blobs.sweep`` or ``flask blobs-sweep``).
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import time
from datetime import datetime, timedelta, timezone
from typing import IO, Iterator

from flask import current_app
from sqlalchemy import DateTime, Integer, LargeBinary, String, select
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.clock import utcnow
from app.core.db import read_mode, wants_write, write_mode
from app.core.refusal import Refusal
from app.extensions import db

log = logging.getLogger(__name__)
MAX_MB = 64  # default BLOB_MAX_MB
_KIND = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")
CHUNK = 1 << 20

__all__ = ["put", "get", "exists", "delete_blob", "delete", "sweep", "open_stream", "iter_chunks", "max_bytes",
           "BlobTooLarge", "StoredBlob", "backend_name", "s3_client", "s3_location", "write_apart", "is_contention"]


class BlobTooLarge(Refusal):
    """The bytes are over BLOB_MAX_MB: nothing was written."""


class StoredBlob(db.Model):
    """One blob kept in the database (the default store)."""

    __tablename__ = "stored_blob"
    __system__ = "written by the application itself (print worker, import previews), never by a form"
    __not_counted__ = "files waiting to be downloaded or confirmed, not records any report counts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def _setting(name: str, default=None):
    value = current_app.config.get(name)
    return value if value not in (None, "") else os.environ.get(name, default)


def max_bytes() -> int:
    return int(float(_setting("BLOB_MAX_MB", MAX_MB)) * 1024 * 1024)


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key) or ".." in key:
        raise ValueError(f"invalid blob key: {key!r}")
    return key


def _check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise BlobTooLarge(f"Tệp quá lớn để lưu ({size / 1048576:.1f} MB, tối đa {limit / 1048576:.0f} MB)."
                           .replace(".", ","))


# ---- the S3-compatible store -------------------------------------------------------------------

def s3_location(url: str | None = None) -> tuple[str, str] | None:
    """(bucket, prefix) of BLOB_STORE_URL=s3://bucket/prefix, or None for the database store."""
    url = url if url is not None else (_setting("BLOB_STORE_URL") or "")
    if not url:
        return None
    if not url.startswith("s3://"):
        raise ValueError(f"BLOB_STORE_URL must be s3://bucket/prefix (got {url!r})")
    bucket, _, prefix = url[len("s3://"):].partition("/")
    prefix = prefix.strip("/")
    return bucket, (prefix + "/" if prefix else "")


def s3_client():
    """A boto3 S3 client for S3_ENDPOINT_URL (None: AWS itself), one per app."""
    endpoint = _setting("S3_ENDPOINT_URL")
    cached = current_app.extensions.get("blobs_s3")
    if cached is not None and cached[0] == endpoint:
        return cached[1]
    import boto3  # heavy: loaded when first needed (only S3 deployments)
    from botocore.config import Config

    client = boto3.client("s3", endpoint_url=endpoint or None,
                          region_name=os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")
                          or "us-east-1",
                          # Self-hosted stores (MinIO, Garage) answer at one host name: path-style URLs.
                          config=Config(retries={"max_attempts": 5, "mode": "standard"},
                                        s3={"addressing_style": "path" if endpoint else "auto"}))
    current_app.extensions["blobs_s3"] = (endpoint, client)
    return client


def _s3_missing(err) -> bool:
    code = str(getattr(err, "response", {}).get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


def _expired(meta: dict, now: datetime) -> bool:
    stamp = (meta or {}).get("expires-at")
    return bool(stamp) and datetime.fromisoformat(stamp) <= now


class _S3:
    name = "s3"

    def __init__(self, bucket: str, prefix: str):
        self.bucket, self.prefix, self.client = bucket, prefix, s3_client()

    def put(self, key, kind, data, digest, expires_at):
        meta = {"kind": kind, "sha256": digest, "expires-at": expires_at.isoformat() if expires_at else ""}
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, Metadata=meta,
                               ContentLength=len(data))

    def _object(self, key):
        from botocore.exceptions import ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as err:
            if _s3_missing(err):
                return None
            raise
        if _expired(obj.get("Metadata"), utcnow()):
            obj["Body"].close()
            return None
        return obj

    def get(self, key):
        obj = self._object(key)
        return None if obj is None else obj["Body"].read()

    def open(self, key):
        obj = self._object(key)
        return None if obj is None else obj["Body"]

    def exists(self, key):
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as err:
            if _s3_missing(err):
                return False
            raise
        return not _expired(head.get("Metadata"), utcnow())

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def sweep(self, now):
        # S3 keeps no index on our expiry: each object's metadata is read (HEAD). Blobs are few
        # (prints and staged imports), and a bucket lifecycle rule may take over for big stores.
        gone = 0
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                if item["Key"].startswith(self.prefix + "backups/"):
                    continue  # backups have their own retention (app.backups.services.prune)
                head = self.client.head_object(Bucket=self.bucket, Key=item["Key"])
                if _expired(head.get("Metadata"), now):
                    self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                    gone += 1
        return gone


# ---- the database store ------------------------------------------------------------------------

_BUSY_WORDS = ("database is locked", "database is busy", "database table is locked")
_PG_CONTENTION = frozenset({"40001", "40P01", "55P03"})  # serialization failure, deadlock, lock not available


def is_contention(err: BaseException) -> bool:
    """True when ``err`` only says another writer was in the way (worth trying again)."""
    orig = getattr(err, "orig", None) or err
    if getattr(orig, "sqlstate", None) in _PG_CONTENTION:
        return True
    text = str(orig).lower()
    return any(word in text for word in _BUSY_WORDS)


def _write_once(work):
    if db.engine.dialect.name == "sqlite" and db.session().in_transaction() and wants_write():
        try:
            result = work(db.session.connection())
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return result
    with write_mode(), db.engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite: the lock up front
        return work(conn)


def write_apart(work, wait: float = 0.0):
    """``work(conn)`` in a short write transaction of its own connection, whatever the caller's
    session does next; on contention tried again for up to ``wait`` seconds (0: once). The print
    engine's job state uses it too (app.printing.jobstate). On SQLite, when the session's own
    transaction already holds the only write lock (a POST request, or a job run in immediate mode
    inside one), a second connection would wait on ourselves: the write then goes through the
    session, which is committed."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return _write_once(work)
        except DBAPIError as err:
            if not is_contention(err) or time.monotonic() + delay > deadline:
                raise
            log.info("a write waits for another writer (%s)", err.orig)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _write(work) -> int:
    # A blob is stored (and visible to every node) before the caller goes on.
    return write_apart(work, wait=30.0)


def _read(query):
    # A connection of its own: the caller's session may hold a snapshot older than the blob. A plain
    # BEGIN even in a POST (read_mode): on SQLite the request's own session may hold the write lock.
    with read_mode(), db.engine.connect() as conn:
        try:
            return conn.execute(query).first()
        finally:
            conn.rollback()


class _Database:
    name = "database"
    table = StoredBlob.__table__

    def put(self, key, kind, data, digest, expires_at):
        row = {"key": key, "kind": kind, "size": len(data), "sha256": digest, "created_at": utcnow(),
               "expires_at": expires_at, "data": data}

        def work(conn):
            conn.execute(sa_delete(self.table).where(self.table.c.key == key))
            conn.execute(self.table.insert().values(**row))
            return 1

        _write(work)

    def _live(self, *columns):
        return select(*columns).where((self.table.c.expires_at.is_(None)) | (self.table.c.expires_at > utcnow()))

    def get(self, key):
        row = _read(self._live(self.table.c.data).where(self.table.c.key == key))
        return None if row is None else bytes(row[0])

    def open(self, key):
        data = self.get(key)
        return None if data is None else io.BytesIO(data)

    def exists(self, key):
        return _read(self._live(self.table.c.key).where(self.table.c.key == key)) is not None

    def delete(self, key):
        _write(lambda conn: conn.execute(sa_delete(self.table).where(self.table.c.key == key)).rowcount)

    def sweep(self, now):
        return _write(lambda conn: conn.execute(
            sa_delete(self.table).where(self.table.c.expires_at.is_not(None), self.table.c.expires_at <= now)).rowcount)


def _store():
    where = s3_location()
    return _S3(*where) if where else _Database()


def backend_name() -> str:
    return "s3" if s3_location() else "database"


# ---- the API ----------------------------------------------------------------------------------

def put(kind: str, data: bytes, *, ttl: timedelta | None = None, key: str | None = None) -> str:
    """Store ``data`` for every node; returns its key (random and unguessable unless ``key`` is given;
    a given key is replaced). ``ttl``: it reads as gone after that long. Over BLOB_MAX_MB:
    BlobTooLarge, before anything is written."""
    if not _KIND.match(kind or ""):
        raise ValueError(f"invalid blob kind: {kind!r}")
    data = bytes(data)
    _check_size(len(data))
    key = _check_key(key) if key is not None else f"{kind}/{secrets.token_urlsafe(24)}"
    expires_at = utcnow() + ttl if ttl is not None else None
    _store().put(key, kind, data, hashlib.sha256(data).hexdigest(), expires_at)
    return key


def get(key: str) -> bytes | None:
    """The blob's bytes, or None (never stored, deleted or expired; or not a valid key)."""
    try:
        _check_key(key)
    except ValueError:
        return None
    return _store().get(key)


def open_stream(key: str) -> IO[bytes] | None:
    """A file-like reader of the blob (S3 streams it; the database returns it whole), or None."""
    try:
        _check_key(key)
    except ValueError:
        return None
    return _store().open(key)


def iter_chunks(key: str, size: int = CHUNK) -> Iterator[bytes] | None:
    """The blob in chunks (for a streamed download), or None when it is not there."""
    stream = open_stream(key)
    if stream is None:
        return None

    def chunks():
        try:
            while block := stream.read(size):
                yield block
        finally:
            stream.close()

    return chunks()


def exists(key: str) -> bool:
    """Whether a live blob has this key (without reading its bytes)."""
    try:
        _check_key(key)
    except ValueError:
        return False
    return _store().exists(key)


def delete(key: str) -> None:
    """Forget the blob (nothing happens when it is not there)."""
    try:
        _check_key(key)
    except ValueError:
        return
    _store().delete(key)


delete_blob = delete  # for callers with a local variable named delete


def sweep(now: datetime | None = None) -> int:
    """Remove the blobs expired at ``now`` (default: now); returns how many went."""
    if now is not None and now.tzinfo is not None:  # moments are stored naive, in UTC
        now = now.astimezone(timezone.utc).replace(tzinfo=None)
    return _store().sweep(now or utcnow())
