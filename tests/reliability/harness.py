"""A real server and plain HTTP clients for the crash and concurrency proofs.

Server: gunicorn started as scripts/serve.sh starts it (gunicorn.conf.py, wsgi:app), on a free
loopback port, in a process group of its own so that kill -9 takes the master and its workers
down together, the way a power cut or the OOM killer would.
Client: http.client with a cookie, the CSRF token and the idempotency key read from the pages,
as a browser without JavaScript sends them.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"')
IDEM = re.compile(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"')
ERROR = re.compile(r'class="error(?:-box)?"[^>]*>\s*(?:<p>)?([^<]+)')
LOCKED = "database is locked"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db_url: str, instance: Path, *, workers: int = 1, threads: int = 8, env: dict | None = None,
                 args: list[str] | None = None):
        self.db_url, self.instance = db_url, instance
        self.args = list(args or [])
        self.port = free_port()
        self.workers, self.threads = workers, threads
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.log_path = instance / "gunicorn.log"
        self.starts = 0
        instance.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HUEY_"))}
        env.update({"DATABASE_URL": self.db_url, "INSTANCE_PATH": str(self.instance),
                    "WEB_WORKERS": str(self.workers), "WEB_THREADS": str(self.threads),
                    # Eight clients log in from one address; the login limit is proved elsewhere.
                    "LOGIN_RATE_LIMIT": "100000 per minute", "FLASK_APP": "wsgi.py"})
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60) -> float:
        """Start and wait until the login page answers; returns the seconds it took."""
        began = time.monotonic()
        log = self.log_path.open("a")
        log.write(f"\n==== start {self.starts + 1} ====\n")
        log.flush()
        self.proc = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}", *self.args, "wsgi:app"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.starts += 1
        while time.monotonic() - began < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/dang-nhap")
                if conn.getresponse().status == 200:
                    conn.close()
                    return time.monotonic() - began
                conn.close()
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL the whole process group: master and workers die mid-request, no cleanup."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill9()
        self.proc = None

    def tail(self, lines: int = 60) -> str:
        """The end of the server's own messages (boot errors, tracebacks), without the access log."""
        own = [line for line in self.log_text().splitlines()
               if not line.startswith("pid=") and " HTTP/1." not in line]
        return "\n".join(own[-lines:])

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_count(self, needle: str) -> int:
        try:
            return self.log_path.read_text(errors="replace").count(needle)
        except OSError:
            return 0


class Response:
    def __init__(self, status: int, headers: dict, body: str):
        self.status, self.headers, self.body = status, headers, body

    @property
    def errors(self) -> list[str]:
        """The messages of a refused form (422), for the proof's report."""
        return [m.strip() for m in ERROR.findall(self.body) if m.strip()]

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """One browser: its session cookie, and a new connection per request (as after a restart)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            hdrs = dict(headers or {})
            if self.cookies:
                hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form).encode()
                hdrs["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            text = resp.read().decode("utf-8", "replace")
            for key, value in resp.getheaders():
                if key.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, text)
        finally:
            conn.close()

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict, **kw) -> Response:
        return self.request("POST", path, form=form, **kw)

    def login(self, username: str, password: str) -> None:
        page = self.get("/dang-nhap")
        if page.status in (302, 303):
            return  # already logged in
        resp = self.post("/dang-nhap", {"csrf_token": csrf_of(page.body), "username": username,
                                        "password": password})
        if resp.status not in (302, 303):
            raise RuntimeError(f"login failed: {resp.status}")


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def idem_of(html: str) -> str:
    match = IDEM.search(html)
    if not match:
        raise ValueError("no idempotency key on the page")
    return match.group(1)


TRANSIENT = (OSError, http.client.HTTPException)  # refused, reset, timed out, torn response
