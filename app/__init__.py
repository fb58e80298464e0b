"""Sổ Khuyến Học: the application factory."""
import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from app.core.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any rule is added: ids ≤ 2^63-1
    from app.config import build_config

    app.config.update(build_config(app.instance_path))
    if config:
        app.config.update(config)

    _init_extensions(app)
    _register_domains(app)
    from app.core.rls import cross_cli_commands

    cross_cli_commands(app)  # after every domain has added its commands
    return app


def _init_extensions(app: Flask) -> None:
    from app.core import db as core_db
    from app.core import errors, security, templating
    from app.extensions import compress, csrf, db, limiter, login_manager, migrate
    from app.vn import filters

    db.init_app(app)
    with app.app_context():
        core_db.configure_engine(db.engine)
        from app.core import rls

        rls.init_app(app, db.engine)  # before any domain's request hooks: each request starts unscoped
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    filters.init_app(app)
    templating.init_app(app)
    from app.core import idempotency

    idempotency.register_cli(app)


# Domain packages, in dependency order (demo data is seeded in this order too).
DOMAINS = ("auth", "dashboard", "units", "users", "audit", "printing", "funds", "periods", "campaigns",
           "donations", "goods", "piggybanks", "pupils", "members", "scholarships",
           "commendations", "banking", "papers", "reports", "backups", "disclosure", "books", "demo")


def _register_domains(app: Flask) -> None:
    import importlib

    for name in DOMAINS:
        module = importlib.import_module(f"app.{name}")
        init = getattr(module, "init_app", None)
        if init is not None:
            init(app)
