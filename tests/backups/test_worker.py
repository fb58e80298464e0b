"""`make run` makes backups: the print worker it starts runs the daily backup check on start."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_print_worker_makes_the_daily_backup_soon_after_it_starts(db_url, tmp_path):
    instance = tmp_path / "instance"
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": db_url, "INSTANCE_PATH": str(instance),
           "BACKUP_KEEP_DAYS": "3"}
    env.pop("HUEY_IMMEDIATE", None)
    env.pop("HUEY_URL", None)
    flask = str(Path(sys.executable).with_name("flask"))
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen([flask, "print-worker", "--nice", "0"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        manifests = []
        while time.monotonic() < deadline and proc.poll() is None:
            manifests = list((instance / "backups").glob("*.json"))
            if manifests:
                break
            time.sleep(0.2)
        assert manifests, (tmp_path / "worker.log").read_text()[-2000:]
        data = json.loads(manifests[0].read_text())
        assert data["kind"] == "auto" and data["tables"]["alembic_version"] >= 1
        assert (instance / "backups" / data["file"]).is_file()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()
