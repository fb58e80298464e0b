"""gunicorn.conf.py: what every worker does once the app is loaded."""
import runpy
import subprocess
import sys
from pathlib import Path

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
