"""How long the blob store takes to keep and give back a PDF (issue 20 A), in each backend.

    .venv/bin/python scripts/blob_timing.py                    # SQLite, a scratch database in /tmp
    .venv/bin/python scripts/blob_timing.py --database postgresql+psycopg://postgres@127.0.0.1:5432/scratch
    .venv/bin/python scripts/blob_timing.py --s3               # a local S3 server (moto, requirements-dev)
    BLOB_STORE_URL=s3://bucket/x S3_ENDPOINT_URL=http://minio:9000 .venv/bin/python scripts/blob_timing.py

The database given is migrated (flask db upgrade heads) and its stored_blob rows are deleted afterwards.
Prints the median and the slowest of --times puts and gets of --mb megabytes (random, incompressible).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _s3_server() -> None:
    """Point the environment at a fresh bucket of a local moto server (as tests/s3server.py does)."""
    from tests.s3server import endpoint

    import boto3

    url = endpoint()
    os.environ.update({"AWS_ACCESS_KEY_ID": "skh-timing", "AWS_SECRET_ACCESS_KEY": "skh-timing",
                       "AWS_DEFAULT_REGION": "us-east-1", "S3_ENDPOINT_URL": url,
                       "BLOB_STORE_URL": "s3://skh-timing/skh"})
    boto3.client("s3", endpoint_url=url, region_name="us-east-1").create_bucket(Bucket="skh-timing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="", help="SQLAlchemy URL (default: a scratch SQLite file)")
    parser.add_argument("--s3", action="store_true", help="a local S3-compatible server (moto)")
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="skh-timing-"))
    if args.s3:
        _s3_server()
    url = args.database or "sqlite:///" + str(Path(os.environ["INSTANCE_PATH"]) / "timing.db")

    from flask_migrate import upgrade
    from sqlalchemy import delete

    from app import create_app
    from app.core import blobs
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "timing"})
    data = os.urandom(int(args.mb * 1024 * 1024))
    with app.app_context():
        upgrade(revision="heads")
        puts, gets = [], []
        for n in range(args.times):
            began = time.perf_counter()
            key = blobs.put("print", data, key=f"print/timing-{n}.pdf")
            puts.append(time.perf_counter() - began)
            began = time.perf_counter()
            assert blobs.get(key) == data
            gets.append(time.perf_counter() - began)
            blobs.delete(key)
        with db.engine.begin() as conn:
            conn.execute(delete(blobs.StoredBlob.__table__).where(blobs.StoredBlob.key.like("print/timing-%")))
        where = blobs.backend_name() + ("" if blobs.backend_name() == "s3" else f" ({db.engine.dialect.name})")
    print(f"{where}: {args.mb:g} MB x {args.times}: put median {statistics.median(puts) * 1000:.0f} ms "
          f"(slowest {max(puts) * 1000:.0f}), get median {statistics.median(gets) * 1000:.0f} ms "
          f"(slowest {max(gets) * 1000:.0f})")


if __name__ == "__main__":
    main()
