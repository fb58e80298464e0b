"""Ids are INTEGER columns, 32-bit on PostgreSQL: a URL id past 2^31 - 1 answers 404, not 500.

The bounded converter first stopped at 2^63 - 1, SQLite's limit; on PostgreSQL
/cong-khai/2147483648 still reached the database ("integer out of range", a 500). Found by
tests/proofs/test_public_ids_proof.py on PostgreSQL.
"""
import pytest

from app.core.authz import is_id
from tests.conftest import login


@pytest.mark.parametrize("value", [2**31, 2**63 - 1])
def test_ids_past_postgresqls_integer_answer_404(app, world, value):
    anonymous, admin = app.test_client(), app.test_client()
    login(admin, world.users["admin"])
    for url in (f"/cong-khai/{value}", f"/cong-khai/{world.commune.id}/{value}", f"/don-vi/{value}"):
        assert anonymous.get(url).status_code in (302, 404), url
        assert admin.get(url).status_code == 404, url


def test_the_largest_integer_id_is_still_an_id():
    assert is_id(2**31 - 1) and not is_id(2**31) and not is_id(0)
