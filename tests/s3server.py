"""A real S3-compatible server for the tests of the S3 backends (blobs, backups): moto's server, over
HTTP on a free local port, reached through boto3 exactly as MinIO or AWS would be. One per test
process; each test gets a bucket of its own."""
import secrets

import pytest

_server = None


def endpoint() -> str:
    global _server
    if _server is None:
        from moto.server import ThreadedMotoServer

        _server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        _server.start()
    host, port = _server.get_host_and_port()
    return f"http://{host}:{port}"


@pytest.fixture
def s3(monkeypatch):
    """(bucket, boto3 client): a fresh bucket; the app's settings point at it through the environment
    (BLOB_STORE_URL, S3_ENDPOINT_URL and the AWS_* credentials), so every app built in the test uses it."""
    import boto3

    url = endpoint()
    for key, value in {"AWS_ACCESS_KEY_ID": "skh-test", "AWS_SECRET_ACCESS_KEY": "skh-test-secret",
                       "AWS_DEFAULT_REGION": "us-east-1", "S3_ENDPOINT_URL": url}.items():
        monkeypatch.setenv(key, value)
    bucket = f"skh-{secrets.token_hex(6)}"
    client = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="skh-test", aws_secret_access_key="skh-test-secret")
    client.create_bucket(Bucket=bucket)
    monkeypatch.setenv("BLOB_STORE_URL", f"s3://{bucket}/skh")
    yield bucket, client


def keys(client, bucket, prefix="") -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


