"""The blob store's S3 backend against a real S3-compatible server (moto's, over HTTP: tests/s3server.py),
with the same checks as the database backend (tests/core/test_blobs.py)."""
from app.core import blobs
from tests.core.test_blobs import check_round_trip, check_size_cap, check_sweep, rows
from tests import s3server
from tests.s3server import keys

s3 = s3server.s3  # the fixture: a real S3-compatible server and a fresh bucket


def test_put_get_delete_in_the_bucket(app, s3):
    bucket, client = s3
    assert blobs.backend_name() == "s3"
    check_round_trip()
    found = keys(client, bucket)
    assert len(found) == 2 and "skh/print/fixed.pdf" in found  # the bytes really are in the bucket...
    assert rows() == 0  # ...and not in the database
    head = client.head_object(Bucket=bucket, Key="skh/print/fixed.pdf")
    assert head["Metadata"]["kind"] == "print" and head["ContentLength"] == 5


def test_the_size_cap_refuses_before_writing_to_the_bucket(app, s3):
    bucket, client = s3
    check_size_cap(app, lambda: len(keys(client, bucket)))


def test_sweep_removes_only_expired_objects(app, s3):
    bucket, client = s3
    client.put_object(Bucket=bucket, Key="other/not-ours", Body=b"x")  # outside the prefix: never touched
    check_sweep()
    assert keys(client, bucket) == ["other/not-ours", keys(client, bucket, "skh/")[0]]
    assert keys(client, bucket, "skh/")[0].startswith("skh/print/")
