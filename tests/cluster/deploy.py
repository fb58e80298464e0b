"""deploy/ read as systemd and nginx read it, so the cluster proof starts exactly those files.

A unit's [Service] gives WorkingDirectory, Environment= (then EnvironmentFile=, which wins, as in
systemd), ExecStart (with %i and ${VAR} / $VAR expanded from that environment) and RestartSec. The
only changes are the paths and ports of PLACES: the checkout, its venv, the env file, the state
folder, and in the nginx site the lines marked "cluster proof:". Anything else a unit or the site
says is started as written; a directive this reader does not know in [Service] fails the proof,
so a unit cannot grow a setting the proof silently ignores.
"""
from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_DIR = "/srv/sokhuyenhoc"
VENV_BIN = APP_DIR + "/.venv/bin"
ENV_FILE = "/etc/sokhuyenhoc/sokhuyenhoc.env"
STATE_DIR = "/var/lib/sokhuyenhoc"
# [Service] settings that only matter under systemd (users, sandboxing, stop and reload signals).
SYSTEMD_ONLY = {"Type", "NotifyAccess", "User", "Group", "ExecReload", "Restart", "KillMode", "TimeoutStopSec",
                "StateDirectory", "NoNewPrivileges", "PrivateTmp", "ProtectSystem", "ProtectHome",
                "ReadWritePaths"}
READ = {"WorkingDirectory", "Environment", "EnvironmentFile", "ExecStart", "RestartSec"}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Command:
    argv: list[str]
    cwd: str
    env: dict[str, str]  # what the unit adds to the environment
    restart_sec: float


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines (systemd's EnvironmentFile syntax, without quotes or continuations)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{path}: not KEY=value: {line!r}")
        out[key.strip()] = value.strip()
    return out


def example_env() -> dict[str, str]:
    return read_env_file(DEPLOY / "sokhuyenhoc.env.example")


def _places(env_file: Path, state_dir: Path) -> list[tuple[str, str]]:
    # Longest first: the venv inside the checkout before the checkout.
    return [(VENV_BIN, str(Path(sys.executable).parent)), (APP_DIR, str(ROOT)), (ENV_FILE, str(env_file)),
            (STATE_DIR, str(state_dir))]


def _place(text: str, places) -> str:
    for old, new in places:
        text = text.replace(old, new)
    return text


def _expand(text: str, env: dict[str, str]) -> str:
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), text)


def unit(name: str, *, env_file: Path, state_dir: Path, instance: str = "") -> Command:
    """The command systemd would run for deploy/systemd/`name` (instance: what %i stands for)."""
    places = _places(env_file, state_dir)
    settings: list[tuple[str, str]] = []
    section = ""
    for raw in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section != "[Service]":
            continue
        key, _, value = line.partition("=")
        if key not in READ | SYSTEMD_ONLY:
            raise ValueError(f"{name}: [Service] {key}= is not known to the cluster proof's reader")
        if key in READ:
            settings.append((key, _place(value.replace("%i", instance), places)))
    env: dict[str, str] = {}
    for key, value in settings:
        if key == "Environment":
            for pair in shlex.split(value):
                k, _, v = pair.partition("=")
                env[k] = v
    for key, value in settings:
        if key == "EnvironmentFile":
            env.update(read_env_file(Path(value.lstrip("-"))))
    starts = [v for k, v in settings if k == "ExecStart"]
    if len(starts) != 1:
        raise ValueError(f"{name}: one ExecStart expected, found {len(starts)}")
    argv = [_expand(part, env) for part in shlex.split(starts[0])]
    if argv[0] == "/usr/bin/env":  # env NAME=value... command: applied here, as env(1) would
        argv = argv[1:]
        while argv and "=" in argv[0] and not argv[0].startswith("/"):
            k, _, v = argv.pop(0).partition("=")
            env[k] = v
    cwd = dict(settings).get("WorkingDirectory", str(ROOT))
    restart = float(dict(settings).get("RestartSec", "0").rstrip("s") or 0)
    return Command(argv=argv, cwd=cwd, env=env, restart_sec=restart)


def nginx_site(listen_port: int, nodes: list[int]) -> str:
    """deploy/nginx/sokhuyenhoc.conf with its "cluster proof:" lines pointed at this machine's ports."""
    out, servers_done = [], False
    for line in (DEPLOY / "nginx" / "sokhuyenhoc.conf").read_text(encoding="utf-8").splitlines():
        if "cluster proof:" not in line or line.lstrip().startswith("#"):
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        body = line.split("#", 1)[0].strip()
        if body.startswith("server "):
            if not servers_done:  # the example's nodes become this machine's, with the same options
                options = " ".join(body.rstrip(";").split()[2:])
                out += [f"{indent}server 127.0.0.1:{port} {options};" for port in nodes]
                servers_done = True
        elif body.startswith("listen "):
            out.append(f"{indent}listen 127.0.0.1:{listen_port};")
        else:
            raise ValueError(f"nginx site: a 'cluster proof:' line this reader cannot place: {line!r}")
    if not servers_done:
        raise ValueError("nginx site: no upstream server marked 'cluster proof:'")
    return "\n".join(out) + "\n"


def nginx_fail_timeout() -> float:
    """How long nginx leaves a node alone after it failed (the site's fail_timeout)."""
    found = re.search(r"fail_timeout=(\d+)s", (DEPLOY / "nginx" / "sokhuyenhoc.conf").read_text(encoding="utf-8"))
    return float(found.group(1)) if found else 10.0


def nginx_main(prefix: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, for an nginx run as a child process of the
    proof: in the foreground, every file it writes under `prefix`."""
    return f"""daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    sendfile on;
    include {site};
}}
"""
