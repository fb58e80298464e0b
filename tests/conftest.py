"""Shared fixtures: an app on a database built by the migrations, and a CSRF-aware client.

SQLite (default): the schema is migrated once per run into a template file; each
test gets a fresh copy. PostgreSQL (TEST_DATABASE_URL): migrated once into a
database of its own per test worker; each test starts from truncated tables.
"""
import os
import secrets
import shutil
import tempfile
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, text

from app import create_app

def _reuse_url_builders() -> None:
    """Every test builds its own app, and nine tenths of create_app() is werkzeug compiling each
    route's URL builder (Python made through ast and compile()), the same ~200 builders every time.
    A builder depends only on the rule's text, its parsed parts, its defaults and whether unknown
    arguments are appended (it takes the rule itself as an argument), so the run compiles each once."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def _compile_builder(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = _compile_builder


_reuse_url_builders()


class _TemplateCode(BytecodeCache):
    """Every test builds its own app, so each app's Jinja environment compiled the same templates
    again (lexing, parsing and Python's compile(): ~14 ms a template). Kept here for the run, keyed
    as Jinja keys its own bytecode caches: by template name, checked against the source's checksum
    (an edited template is compiled again). Every app of the run is built by the same create_app,
    so one environment's code is every environment's."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _TemplateCode()

# Keep generated files (secret key, default SQLite) out of the checkout's instance/.
os.environ["INSTANCE_PATH"] = tempfile.mkdtemp(prefix="skh-test-")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "RATELIMIT_ENABLED": False,
    # Each test's limiter counts afresh (tests/auth/test_limitstore.py tries the shared file store).
    "RATELIMIT_STORAGE_URI": "memory://",
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt is deliberately slow
    "SERVER_NAME": None,
}
SAFE = {"GET", "HEAD", "OPTIONS"}


class AppClient(FlaskClient):
    """A test client that sends a valid CSRF token with every unsafe request unless told not to."""

    def csrf_token(self) -> str:
        with self.session_transaction() as sess:
            raw = sess.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def open(self, *args, csrf: bool = True, htmx: bool = False, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        headers = dict(kwargs.pop("headers", None) or {})
        if csrf and method not in SAFE:
            headers.setdefault("X-CSRFToken", self.csrf_token())
        if htmx:
            headers.setdefault("HX-Request", "true")
        # A fresh app context per request, as in production: otherwise the request would reuse
        # the test's context, and with it `g` (Flask-Login's cached user) and the test's session.
        # The test's own session ends its transaction around each request, so the request sees
        # what the test wrote and the test then sees what the request wrote (SQLite WAL and
        # PostgreSQL both read from a snapshot taken at the first read of a transaction).
        from app.extensions import db

        db.session.commit()
        try:
            with self.application.app_context():
                return super().open(*args, headers=headers, **kwargs)
        finally:
            db.session.commit()


def _pg_database(action: str, dbname: str) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        if action == "create":
            conn.execute(text(f'CREATE DATABASE "{dbname}"'))
            # A test database need not wait for the disk at every commit: a commit is still atomic
            # and visible at once; only a crash of the PostgreSQL server itself could lose the last
            # ones (the crash proofs kill the app's processes, never the server).
            conn.execute(text(f'ALTER DATABASE "{dbname}" SET synchronous_commit = off'))
    admin.dispose()


def _worker_pg_name() -> str:
    """A database of its own per test process, so parallel runs never share tables."""
    base = urlsplit(PG_URL).path.lstrip("/") or "test"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{base}_{worker}_{os.getpid()}"


def migrate(url: str, instance_path: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        from app.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """The migrated database every test starts from."""
    instance = tmp_path_factory.mktemp("instance")
    if PG_URL:
        name = _worker_pg_name()
        _pg_database("create", name)
        url = urlunsplit(urlsplit(PG_URL)._replace(path="/" + name))
        migrate(url, str(instance))
        yield {"kind": "postgresql", "url": url}
        _pg_database("drop", name)
        return
    template = instance / "template.db"
    migrate(f"sqlite:///{template}", str(instance))
    yield {"kind": "sqlite", "template": template}


# Rows the migrations themselves write (the papers' key, 0028): a database is never without them, so
# PostgreSQL's truncation keeps them as SQLite's copy of the migrated template does.
MIGRATION_DATA = {"paper_key"}


def _truncate_all(url: str) -> None:
    from app.extensions import db

    engine = create_engine(url)
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in MIGRATION_DATA]
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def db_url(database, tmp_path):
    if database["kind"] == "postgresql":
        _truncate_all(database["url"])
        return database["url"]
    target = tmp_path / "test.db"
    shutil.copy(database["template"], target)
    return f"sqlite:///{target}"


# PostgreSQL: the app acts as the role the row policies bind (app/core/rls.py, migration 0037), as
# a deployment does, so every request of every test runs with the policies on. Outside requests
# (factories, direct service calls, the tests' own checks) the test crosses units, said here once.
PG_APP_ROLE = os.environ.get("TEST_DATABASE_ROLE", "skh_app")
TEST_CROSSING = "tests: factories and checks outside requests (tests/conftest.py)"


@pytest.fixture
def app(db_url, tmp_path, monkeypatch):
    from app.core import rls

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    role = {"DATABASE_ROLE": PG_APP_ROLE} if db_url.startswith("postgresql") else {}
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url, **role})
    app.test_client_class = AppClient
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    ctx = app.app_context()
    ctx.push()
    rls.outside_requests(TEST_CROSSING)  # threads a test starts too; each request still starts unscoped
    yield app
    from app.extensions import db

    db.session.remove()
    rls.outside_requests(None)
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app) -> AppClient:
    return app.test_client()


@pytest.fixture
def world(app):
    from tests.factories import make_world

    return make_world()


def login(client, user_or_username, password=None):
    from tests.factories import PASSWORD

    username = getattr(user_or_username, "username", user_or_username)
    resp = client.post("/dang-nhap", data={"username": username, "password": password or PASSWORD})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:500]
    return resp


@pytest.fixture
def as_user(client):
    """as_user(user) logs the test client in as that user and returns the client."""

    def _login(user):
        login(client, user)
        return client

    return _login


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, shared by tests/browser and the browser proofs."""
    from tests.browser.conftest import chromium_session

    yield from chromium_session()
