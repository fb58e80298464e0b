"""Gunicorn under the app's own gunicorn.conf.py on a free loopback port, and a tiny HTTP client.

Used by bench/load.py (wrk), bench/weight.py (page weight) and bench/lighthouse.py.
"""
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.lib import ROOT

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


class Gunicorn:
    """`gunicorn --config gunicorn.conf.py wsgi:app` (or another app) with WEB_WORKERS workers."""

    def __init__(self, app: str = "wsgi:app", database_url: str | None = None, workers: int = 3,
                 env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp = Path(tempfile.mkdtemp(prefix="skh-bench-srv-"))
        environ = dict(os.environ, WEB_WORKERS=str(workers), INSTANCE_PATH=str(self.tmp / "instance"),
                       SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-" + "0" * 58),
                       HUEY_URL=str(self.tmp / "queue.db"), PYTHONDONTWRITEBYTECODE="1")
        environ.pop("BENCH_QUICK", None)
        if database_url:
            environ["DATABASE_URL"] = database_url
        environ.update(env or {})
        self.log = open(self.tmp / "gunicorn.log", "wb")
        self.proc = subprocess.Popen(
            [str(GUNICORN), "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{self.port}", app],
            cwd=ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(workers)

    def _wait(self, workers: int, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn stopped:\n" + (self.tmp / "gunicorn.log").read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    if len(self.workers()) >= workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in time")

    def workers(self) -> list[int]:
        return _children(self.proc.pid)

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident memory) of each worker process, in MB."""
        return [_status_kb(pid, "VmHWM") / 1024 for pid in self.workers()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


class Client:
    """A logged-in session over real HTTP (cookies kept, redirects not followed)."""

    CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, bytes, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            return err.code, err.read(), dict(err.headers)

    def csrf(self, path: str) -> str:
        status, body, _ = self.request(path)
        found = self.CSRF.search(body.decode())
        if status != 200 or not found:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return found.group(1)

    def login(self, username: str, password: str) -> "Client":
        token = self.csrf("/dang-nhap")
        status, body, _ = self.request("/dang-nhap", {"csrf_token": token, "username": username,
                                                      "password": password})
        if status not in (302, 303):
            raise RuntimeError(f"login as {username} failed: {status} {body[:300]!r}")
        return self

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def cookies(self) -> list[dict]:
        """The cookies in the shape Playwright's storage_state and Lighthouse's extraHeaders want."""
        return [{"name": c.name, "value": c.value, "domain": "127.0.0.1", "path": c.path or "/"} for c in self.jar]
