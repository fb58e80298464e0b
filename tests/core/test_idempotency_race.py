"""PostgreSQL: two requests racing with one key create one record; the loser gets the winner's page."""
import threading
import time
from types import SimpleNamespace

import pytest

from app.core import idempotency
from app.extensions import db


def test_racing_submissions_with_one_key_create_once(app, database):
    if database["kind"] != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE; there is no race to lose")
    key = idempotency.new_key()
    created = []

    def create(tag):
        created.append(tag)
        return SimpleNamespace(id=len(created))

    first = idempotency.once(key, lambda: create("first"), url=lambda obj: "/ket-qua/first")
    assert first.created
    result = {}

    def second_request():
        with app.app_context():
            try:
                result["outcome"] = idempotency.once(key, lambda: create("second"),
                                                     url=lambda obj: "/ket-qua/second")
            finally:
                db.session.remove()

    loser = threading.Thread(target=second_request)
    loser.start()
    time.sleep(0.5)  # the loser's INSERT now waits on the unique index held by our transaction
    assert loser.is_alive(), "the second INSERT should wait for the first transaction"
    db.session.commit()
    loser.join(10)
    outcome = result["outcome"]
    assert (outcome.created, outcome.url) == (False, "/ket-qua/first")
    assert created == ["first"]
