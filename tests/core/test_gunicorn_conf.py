"""gunicorn.conf.py: what every worker does once the app is loaded, and how requests reach the workers."""
import http.client
import os
import runpy
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"

# In a fresh interpreter: the app imported as a worker imports it, then the hook gunicorn calls.
_SCRIPT = f"""
import gc, runpy
import app, wsgi  # noqa: F401  what a worker holds
before = gc.get_freeze_count()
runpy.run_path({str(CONF)!r})["post_worker_init"](None)
print(before, gc.get_freeze_count(), len(gc.get_objects(generation=2)))
"""


def test_a_worker_freezes_the_loaded_app_out_of_full_collections():
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, check=True,
                         cwd=CONF.parent).stdout.split()
    before, frozen, left = (int(n) for n in out[-3:])
    assert before == 0  # control: nothing is frozen until the hook runs
    assert frozen > 50_000 and left < frozen / 20, (before, frozen, left)


def test_the_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "4")
    conf = runpy.run_path(str(CONF))
    assert (conf["workers"], conf["threads"], conf["worker_class"]) == (3, 4, "gthread")
    assert conf["worker_connections"] == 4  # a worker takes only what its threads can answer now
    monkeypatch.delenv("WEB_WORKERS")
    monkeypatch.delenv("WEB_THREADS")
    conf = runpy.run_path(str(CONF))
    assert (conf["workers"], conf["threads"], conf["worker_connections"], conf["keepalive"]) == \
        (len(os.sched_getaffinity(0)) + 1, 1, 1, 0)


# A WSGI app answering with its worker's pid; /slow keeps its worker busy for a while.
_APP = """
import os, time

def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(3)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


@contextmanager
def _gunicorn(tmp_path, *args):
    (tmp_path / "pidapp.py").write_text(_APP)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(CONF), "--bind", f"127.0.0.1:{port}",
                             "--access-logfile", "/dev/null", *args, "pidapp:app"], cwd=tmp_path,
                            env={**os.environ, "WEB_WORKERS": "2"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # both workers forked, and one answering
            try:
                if len(children.read_text().split()) == 2 and _get(port, "/"):
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start two workers")
        time.sleep(1)  # the second worker's app loaded too (a tiny app: well under a second)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.read().decode(), answer.getheader("Connection")
    finally:
        conn.close()


@pytest.mark.parametrize("args", [(), ("--worker-connections", "1000", "--keep-alive", "2")],
                         ids=["gunicorn.conf.py", "every connection accepted (the control)"])
def test_a_busy_worker_leaves_new_requests_to_a_free_one(tmp_path, args):
    """While one worker answers a slow request, ten quick ones all go to the other worker and none
    waits behind the slow one. The control (a worker accepting whatever it is offered, as before)
    lets the busy worker take some of them, which then wait for it."""
    with _gunicorn(tmp_path, *args) as port:
        slow = threading.Thread(target=_get, args=(port, "/slow"))
        slow.start()
        time.sleep(0.5)  # taken by a worker
        waits, answers = [], []
        for _ in range(10):
            start = time.monotonic()
            answers.append(_get(port, "/"))
            waits.append(time.monotonic() - start)
        slow.join()
    if args:
        assert max(waits) > 1, waits
        return
    assert max(waits) < 1, waits
    assert len({pid for pid, _ in answers}) == 1  # the free worker answered them all
    assert {connection for _, connection in answers} == {"close"}  # nothing kept open to hold a worker
