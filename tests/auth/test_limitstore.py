"""The rate-limit store the workers of one machine share (app/core/limitstore.py): the login limits
count the same wherever gunicorn sends a request, without Redis."""
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core import limitstore
from app import ROOT
from app.core.limitstore import SQLiteStorage
from tests.auth.test_login_throttle import ATTACKER, WRONG


@pytest.fixture
def uri(tmp_path):
    return f"{limitstore.SCHEME}://{tmp_path / 'limits.db'}"


def test_counts_expire_clear_and_reset(uri, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(limitstore.time, "time", lambda: now[0])
    store = SQLiteStorage(uri)
    assert store.check()
    assert [store.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("b", 600, amount=5) == 5
    assert store.get("a") == 3 and store.get_expiry("a") == now[0] + 60
    now[0] += 59
    assert store.incr("a", 60) == 4  # the window does not move with each hit
    now[0] += 1
    assert store.get("a") == 0 and store.get_expiry("a") == now[0]  # expired reads as absent
    assert store.incr("a", 60) == 1  # and starts again
    store.clear("a")
    assert store.get("a") == 0 and store.get("b") == 5
    assert store.reset() == 1
    assert store.get("b") == 0


def test_two_workers_share_one_count_and_lose_no_hit(uri):
    """Each storage object stands for a worker (its own connections); four threads of hits from
    both are all counted: the read and the write of a hit are one turn."""
    first, second = SQLiteStorage(uri), SQLiteStorage(uri)
    assert first.incr("k", 60) == 1 and second.incr("k", 60) == 2 and first.get("k") == 2

    def hit(store):
        for _ in range(50):
            store.incr("n", 60)

    threads = [threading.Thread(target=hit, args=(s,)) for s in (first, second, first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert first.get("n") == second.get("n") == 200


def test_expired_rows_are_swept_by_the_writes(uri, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(limitstore.time, "time", lambda: now[0])
    store = SQLiteStorage(uri)
    for i in range(10):
        store.incr(f"old{i}", 10)
    now[0] += 11
    for i in range(limitstore.SWEEP_EVERY):
        store.incr("live", 60)
    rows = store._db().execute("SELECT key FROM rate_limit").fetchall()
    assert rows == [("live",)]


def test_the_app_counts_in_the_instance_folder_file_unless_told_otherwise(app, monkeypatch):
    from app.config import build_config

    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    default = build_config(app.instance_path)["RATELIMIT_STORAGE_URI"]
    assert default == f"skh-sqlite://{(Path(app.instance_path) / 'ratelimits.db').resolve()}"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    assert build_config(app.instance_path)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"


_OTHER_WORKER = """
import json, sys
from app import create_app
url, uri, role, addr, username, password = sys.argv[1:]
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": uri,
                  "WTF_CSRF_ENABLED": False, "SECRET_KEY": "another-worker", "DATABASE_ROLE": role})
with app.app_context():
    print(json.dumps([app.test_client().post("/dang-nhap", data={"username": username, "password": password},
                                             environ_base={"REMOTE_ADDR": addr}).status_code for _ in range(3)]))
"""


def _other_worker(app, uri) -> list[int]:
    """Three wrong passwords through another gunicorn worker: its own process, app and limiter."""
    out = subprocess.run([sys.executable, "-c", _OTHER_WORKER, app.config["SQLALCHEMY_DATABASE_URI"], uri,
                          app.config.get("DATABASE_ROLE", ""), ATTACKER, "clerk_a", WRONG],
                         capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, "INSTANCE_PATH": app.instance_path})
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shared", [True, False], ids=["file store", "memory, the control"])
def test_a_guesser_is_slowed_whichever_worker_answers(app, world, uri, shared):
    """Six wrong passwords, three through another worker process and three through this one: the
    file store counts them together and the sixth waits; kept in each worker's memory (the
    control), neither worker sees five."""
    from app.extensions import limiter

    store = uri if shared else "memory://"
    assert _other_worker(app, store) == [422] * 3
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=store)
    limiter.init_app(app)
    codes = [app.test_client().post("/dang-nhap", data={"username": "clerk_a", "password": WRONG},
                                    environ_base={"REMOTE_ADDR": ATTACKER}).status_code for _ in range(3)]
    assert codes == ([422, 422, 429] if shared else [422] * 3)
