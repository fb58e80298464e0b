"""A deployment on one machine, every part its own process: Redis, a fresh PostgreSQL database,
nginx, two web nodes and the print worker, each started from deploy/ (tests/cluster/deploy.py).

Each node and the worker get their own INSTANCE_PATH (the unit's own, under a temporary state
folder), so nothing can pass from one to another through the local disk: whatever a node needs from
another must come through PostgreSQL or Redis, as between machines.
"""
from __future__ import annotations

import http.client
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.cluster import deploy
from tests.cluster.client import Site
from tests.reliability.harness import Server

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# What systemd gives a service besides its unit's settings: a plain environment.
PASSED_ON = ("PATH", "LANG", "LC_ALL", "TZ", "HOME")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing() -> str:
    """Why the cluster cannot run here ("" when it can)."""
    for tool in ("nginx", "redis-server"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is not installed (scripts/system-deps.sh test)"
    url = pg_admin_url()
    if not url:
        return "PostgreSQL: TEST_DATABASE_URL is not set (the cluster runs in the PostgreSQL pass)"
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            pass
    except OSError:
        return f"PostgreSQL does not answer on {parts.hostname}:{parts.port or 5432}"
    return ""


def pg_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url and urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _nginx() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


class Proc:
    """One process of the deployment, started in its own process group (kill -9 takes it all)."""

    def __init__(self, name: str, argv: list[str], cwd: str, env: dict, log: Path):
        self.name, self.argv, self.cwd, self.env, self.log = name, argv, cwd, env, log
        self.proc: subprocess.Popen | None = None
        self.restart_sec = 0.0  # a web node's RestartSec: how long systemd waits before starting it again

    def start(self) -> None:
        with self.log.open("a") as out:
            out.write(f"\n==== start {time.strftime('%H:%M:%S')} ====\n")
            out.flush()
            self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    # As the crash proof's server: the whole process group, so kill -9 leaves no orphan worker behind.
    alive, kill9, stop = Server.alive, Server.kill9, Server.stop

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join([line for line in text if " HTTP/1." not in line][-lines:])


def wait_http(port: int, path: str, proc: Proc, timeout: float = 60) -> float:
    """Seconds until 127.0.0.1:port answers `path` with 200 (the process must stay up meanwhile)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited:\n{proc.tail()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return time.monotonic() - began
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{proc.name} did not answer within {timeout}s:\n{proc.tail()}")


class Cluster:
    """Start with start(), stop with stop(); nodes[i].port is node i's own address."""

    def __init__(self, workdir: Path):
        self.dir = workdir
        self.state = workdir / "state"
        self.state.mkdir(parents=True, exist_ok=True)
        self.env_file = workdir / "sokhuyenhoc.env"
        self.dbname = f"skh_cluster_{os.getpid()}_{secrets.token_hex(3)}"
        admin = pg_admin_url()
        self.db_url = urlunsplit(urlsplit(admin)._replace(path="/" + self.dbname))
        self.redis_port, self.nginx_port, self.caddy_port = free_port(), free_port(), free_port()
        self.node_ports = [free_port(), free_port()]
        self.procs: dict[str, Proc] = {}
        self.front: Site | None = None  # where browsers go: Caddy (HTTPS) when installed, else nginx
        self.timings: dict[str, float] = {}
        self.env: dict[str, str] = {}  # the env file's settings

    # ---- the parts --------------------------------------------------------------------------------

    def _base_env(self) -> dict:
        return {k: os.environ[k] for k in PASSED_ON if k in os.environ}

    def write_env_file(self) -> dict:
        """deploy/sokhuyenhoc.env.example's keys, each given this machine's value (and no other key)."""
        redis = f"redis://127.0.0.1:{self.redis_port}"
        # The nodes act as skh_app (no table is its own: row security binds them); migrations run as
        # the owner. One login (postgres) for both: roles are the server's, not this database's, and
        # a login role made per run would outlive a killed run.
        values = {"DATABASE_URL": self.db_url, "DATABASE_ROLE": "skh_app", "MIGRATE_DATABASE_URL": self.db_url, "HUEY_URL": f"{redis}/0",
                  "RATELIMIT_STORAGE_URI": f"{redis}/1", "SECRET_KEY": secrets.token_hex(32), "PROXY_HOPS": "1",
                  "FORWARDED_ALLOW_IPS": "127.0.0.1", "HTTPS": "1", "PUBLIC_URL": (f"https://localhost:{self.caddy_port}" if shutil.which("caddy")
                                                                   else f"http://127.0.0.1:{self.nginx_port}"),
                  "WEB_BIND": "127.0.0.1", "WEB_WORKERS": "1", "WEB_THREADS": "8", "BLOB_MAX_MB": "64"}
        keys = list(deploy.example_env())
        unknown = sorted(set(keys) - set(values))
        if unknown:
            raise RuntimeError(f"the env example has keys the cluster proof does not fill: {unknown}")
        self.env_file.write_text("".join(f"{k}={values[k]}\n" for k in keys), encoding="utf-8")
        self.env = {k: values[k] for k in keys}
        return self.env

    def _unit_proc(self, name: str, unit: str, instance: str = "") -> Proc:
        cmd = deploy.unit(unit, env_file=self.env_file, state_dir=self.state, instance=instance)
        env = {**self._base_env(), **cmd.env}
        Path(env["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
        proc = Proc(name, cmd.argv, cmd.cwd, env, self.dir / f"{name}.log")
        proc.restart_sec = cmd.restart_sec
        return proc

    def start_redis(self) -> None:
        data = self.dir / "redis"
        data.mkdir(exist_ok=True)
        proc = Proc("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(data),
                              "--save", "", "--appendonly", "yes", "--protected-mode", "yes"],
                     str(self.dir), self._base_env(), self.dir / "redis.log")
        proc.start()
        self.procs["redis"] = proc
        began = time.monotonic()
        while time.monotonic() - began < 20:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis did not start:\n{proc.tail()}")

    def create_database(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.dbname}"'))
        engine.dispose()

    def drop_database(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)'))
        engine.dispose()

    def run_unit_once(self, unit: str, argv_tail: list[str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        """A oneshot unit (migrations), or an operator's command with a unit's environment
        (argv_tail replaces the unit's arguments after its program: `flask books-check`)."""
        proc = self._unit_proc(unit.split(".")[0], unit)
        argv = proc.argv if argv_tail is None else [proc.argv[0], *argv_tail]
        return subprocess.run(argv, cwd=proc.cwd, env=proc.env, capture_output=True, text=True, timeout=timeout)

    def _launch_node(self, i: int) -> Proc:
        name = f"web{i + 1}"
        proc = self.procs.get(name) or self._unit_proc(name, "sokhuyenhoc-web@.service", str(self.node_ports[i]))
        self.procs[name] = proc
        proc.start()
        return proc

    def start_node(self, i: int) -> float:
        """Start web node i (again) and wait until it answers; the seconds that took."""
        began = time.monotonic()
        wait_http(self.node_ports[i], "/dang-nhap", self._launch_node(i))
        return time.monotonic() - began

    def start_worker(self) -> None:
        proc = self._unit_proc("worker", "sokhuyenhoc-worker.service")
        proc.start()
        self.procs["worker"] = proc

    def start_nginx(self) -> None:
        prefix = self.dir / "nginx"
        prefix.mkdir(exist_ok=True)
        site = prefix / "sokhuyenhoc.conf"
        site.write_text(deploy.nginx_site(self.nginx_port, self.node_ports), encoding="utf-8")
        conf = prefix / "nginx.conf"
        conf.write_text(deploy.nginx_main(prefix, site), encoding="utf-8")
        argv = [_nginx(), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
        check = subprocess.run([*argv, "-t"], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx -t refused the site:\n{check.stderr}")
        proc = Proc("nginx", argv, str(prefix), self._base_env(), self.dir / "nginx.log")
        proc.start()
        self.procs["nginx"] = proc
        wait_http(self.nginx_port, "/dang-nhap", proc)

    def start_caddy(self) -> None:
        """deploy/Caddyfile in front of nginx, `tls internal`, when Debian's caddy is installed: the
        browsers then speak HTTPS, trusting only the root of Caddy's own authority."""
        data, port = self.dir / "caddy", self.caddy_port
        env = {**self._base_env(), "HOME": str(data), "XDG_DATA_HOME": str(data / "data"),
               "XDG_CONFIG_HOME": str(data / "config"), "SKH_SITE": f"https://localhost:{port}", "SKH_TLS": "internal",
               "SKH_NGINX": f"127.0.0.1:{self.nginx_port}", "SKH_CADDY_ADMIN": "off",
               "SKH_HTTP_PORT": str(free_port())}
        data.mkdir(exist_ok=True)
        proc = Proc("caddy", [shutil.which("caddy"), "run", "--config", str(deploy.DEPLOY / "Caddyfile"),
                              "--adapter", "caddyfile"], str(data), env, self.dir / "caddy.log")
        proc.start()
        self.procs["caddy"] = proc
        root = data / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        began = time.monotonic()
        while time.monotonic() - began < 30:
            if not proc.alive():
                raise RuntimeError(f"caddy exited:\n{proc.tail()}")
            if root.exists():
                site = Site(port, "localhost", ssl.create_default_context(cafile=str(root)))
                try:
                    conn = site.connect(2)
                    conn.request("GET", "/dang-nhap")
                    if conn.getresponse().status == 200:
                        self.front = site
                        return
                except (OSError, ssl.SSLError):
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"caddy did not answer over HTTPS:\n{proc.tail()}")

    # ---- the whole ---------------------------------------------------------------------------------

    def start(self) -> None:
        began = time.monotonic()
        self.start_redis()
        self.write_env_file()
        self.create_database()
        t = time.monotonic()
        done = self.run_unit_once("sokhuyenhoc-migrate.service")
        if done.returncode:
            raise RuntimeError(f"migrations failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        self.timings["migrate"] = time.monotonic() - t
        # Every machine boots at once: the nodes and the worker start together.
        nodes = [self._launch_node(i) for i in range(len(self.node_ports))]
        self.start_worker()
        for port, proc in zip(self.node_ports, nodes):
            wait_http(port, "/dang-nhap", proc)
        self.start_nginx()
        self.front = Site(self.nginx_port)
        if shutil.which("caddy"):
            self.start_caddy()
        self.timings["cluster up"] = time.monotonic() - began

    def stop(self) -> None:
        for name in ("caddy", "nginx", "web1", "web2", "worker", "redis"):
            proc = self.procs.get(name)
            if proc is not None:
                proc.stop()

    def upstream_failures(self) -> Counter:
        """From nginx's error log: requests that met a dead node, by what became of them. A refused
        connection ("connect() failed") and a GET the node died holding are passed on to the other
        node ("passed on"); a POST the node died holding is answered 502 ("POST cut"), and so is any
        request that comes while nginx counts every node down ("none live")."""
        try:
            lines = (self.dir / "nginx" / "error.log").read_text(errors="replace").splitlines()
        except OSError:
            return Counter()
        out = Counter()
        for line in lines:
            if "no live upstreams" in line:  # every node marked down for fail_timeout: 502 at once
                out["none live"] += 1
            elif "while connecting to upstream" in line:
                out["passed on"] += 1
            elif "prematurely closed" in line or "reset by peer" in line:
                out["POST cut" if 'request: "POST ' in line else "passed on"] += 1
        return out

    def logs(self) -> str:
        return "\n".join(f"--- {name} ---\n{proc.tail(25)}" for name, proc in self.procs.items())
