"""deploy/ itself, checked without starting anything (every run, SQLite too): each file is one the
cluster proof starts, the units read as systemd reads them, nginx never resends a POST a node
received, and nginx and Caddy accept their files when installed."""
import re
import shutil
import subprocess

import pytest

from tests.cluster import deploy

# Everything the cluster proof starts (tests/cluster/harness.py); nothing else may sit in deploy/.
STARTED = {"sokhuyenhoc.env.example", "Caddyfile", "nginx/sokhuyenhoc.conf", "systemd/sokhuyenhoc-web@.service",
           "systemd/sokhuyenhoc-worker.service", "systemd/sokhuyenhoc-migrate.service"}


def test_deploy_holds_exactly_what_the_cluster_proof_starts():
    files = {str(p.relative_to(deploy.DEPLOY)) for p in deploy.DEPLOY.rglob("*") if p.is_file()}
    assert files == STARTED


def test_units_read_as_systemd_would(tmp_path):
    env_file = tmp_path / "skh.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in deploy.example_env().items()))
    web = deploy.unit("sokhuyenhoc-web@.service", env_file=env_file, state_dir=tmp_path, instance="8123")
    assert web.argv[0].endswith("/gunicorn") and "10.0.0.11:8123" in web.argv  # ${WEB_BIND}:%i
    assert web.env["INSTANCE_PATH"] == f"{tmp_path}/web-8123" and web.env["SECRET_KEY"] == "CHANGE-ME"
    assert web.restart_sec > 0 and str(deploy.ROOT) == web.cwd
    worker = deploy.unit("sokhuyenhoc-worker.service", env_file=env_file, state_dir=tmp_path)
    assert worker.argv[1] == "print-worker" and worker.env["HUEY_URL"].startswith("redis://")
    migrate = deploy.unit("sokhuyenhoc-migrate.service", env_file=env_file, state_dir=tmp_path)
    assert migrate.argv[1:] == ["db", "upgrade", "heads"]
    # Migrations as the owner: its URL, and no SET ROLE.
    assert migrate.env["DATABASE_URL"] == deploy.example_env()["MIGRATE_DATABASE_URL"]
    assert migrate.env["DATABASE_ROLE"] == ""


def test_a_setting_the_reader_does_not_know_fails_the_proof(tmp_path, monkeypatch):
    folder = tmp_path / "deploy"
    (folder / "systemd").mkdir(parents=True)
    (folder / "systemd" / "x.service").write_text("[Service]\nExecStart=/bin/true\nExecStartPre=/bin/false\n")
    monkeypatch.setattr(deploy, "DEPLOY", folder)
    with pytest.raises(ValueError, match="ExecStartPre"):
        deploy.unit("x.service", env_file=tmp_path / "none", state_dir=tmp_path)


def test_nginx_never_resends_a_post_a_node_received():
    site = (deploy.DEPLOY / "nginx" / "sokhuyenhoc.conf").read_text()
    directives = [line.split("#", 1)[0] for line in site.splitlines()]
    retry = [d for d in directives if "proxy_next_upstream " in d]
    assert len(retry) == 1 and "error" in retry[0]
    assert not any("non_idempotent" in d for d in directives)


def test_the_site_is_placed_on_this_machines_ports():
    text = deploy.nginx_site(18080, [18001, 18002])
    assert re.findall(r"server (127\.0\.0\.1:\d+)", text) == ["127.0.0.1:18001", "127.0.0.1:18002"]
    assert "listen 127.0.0.1:18080;" in text and "10.0.0." not in text


@pytest.mark.skipif(not (shutil.which("nginx") or shutil.which("/usr/sbin/nginx")), reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path):
    site = tmp_path / "site.conf"
    site.write_text(deploy.nginx_site(18080, [18001, 18002]))
    conf = tmp_path / "nginx.conf"
    conf.write_text(deploy.nginx_main(tmp_path, site))
    done = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c", str(conf),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(not shutil.which("caddy"), reason="caddy is not installed")
def test_caddy_accepts_the_caddyfile(tmp_path):
    done = subprocess.run(["caddy", "adapt", "--config", str(deploy.DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
                          capture_output=True, text=True, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert '"khuyenhoc.example.vn"' in done.stdout and "127.0.0.1:8080" in done.stdout
