"""Shared tools of the proofs: database dumps, logged-in clients and URLs, counting checks, and the
test settings the proofs run under. Reading responses (forms, links, escaping, headers, the text of
a page, spreadsheet or PDF) lives in tests/proofs/reading.py and is used through this module.
"""
from __future__ import annotations

import fnmatch
import json
import os
from urllib.parse import urlsplit

from flask import url_for
from sqlalchemy import MetaData, select

from app.extensions import db
from tests.conftest import login
from tests.proofs.reading import (Field, Form, forms_of, header_problems, injected_markup,  # noqa: F401
                                  is_html, links_of, pdf_text, query_params, text_of, verbatim, xlsx_cells)

# ---------------------------------------------------------------------------------------------
# Database dump: every row of every table, so "nothing was written" is checked, not assumed.
# ---------------------------------------------------------------------------------------------

# A signed-in user's refused request (400/403/404/429) may be written to the audit log (app/audit/refusals.py:
# at most one row per user and path a minute; anonymous ones never are); that is the only row a refused
# request may leave behind.
# A failed login is audited by design too (who was tried, never the password).
REFUSAL_ACTIONS = ("refused", "login_failed")


_TABLES: dict[str, list] = {}


def _audit_table() -> str:
    from app.audit.models import AuditEntry

    return AuditEntry.__tablename__


def _tables():
    """The tables of the database (reflected once per database URL)."""
    key = str(db.engine.url)
    if key not in _TABLES:
        meta = MetaData()
        meta.reflect(bind=db.engine)
        _TABLES[key] = [t for t in meta.sorted_tables if t.name != "alembic_version"]
    return _TABLES[key]


def _plain(column) -> bool:
    """A column whose values compare and hash as they come (not JSON, arrays or an unknown type)."""
    try:
        return column.type.python_type not in (dict, list)
    except NotImplementedError:
        return False


_FREEZE: dict[str, bool] = {}


def dump() -> dict[str, list[tuple]]:
    """All rows of all tables (reflected, so tables without a model count too), ordered by key."""
    out = {}
    for table in _tables():
        order = list(table.primary_key.columns) or list(table.columns)
        stmt = select(table).order_by(*order)
        if table.name == _audit_table():
            stmt = stmt.where(table.c.action.not_in(REFUSAL_ACTIONS))
        rows = db.session.execute(stmt).all()
        key = f"{db.engine.url}/{table.name}"
        if key not in _FREEZE:  # freezing each value costs as much as the query: only where needed
            _FREEZE[key] = not all(_plain(c) for c in table.columns)
        out[table.name] = [tuple(_freeze(v) for v in r) if _FREEZE[key] else tuple(r) for r in rows]
    db.session.commit()  # end the read transaction: the next request must see fresh data
    return out


def _freeze(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def diff(before: dict, after: dict) -> list[str]:
    """Tables whose rows changed, with how many rows appeared and disappeared."""
    changed = []
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            changed.append(f"{name}: +{len(new - old)} -{len(old - new)}")
    return changed


# ---------------------------------------------------------------------------------------------
# Clients and URLs
# ---------------------------------------------------------------------------------------------

def client_for(app, user=None):
    """A test client, logged in as `user` (None: nobody)."""
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client


def url(app, endpoint: str, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def match(app, target: str):
    """(endpoint, view args) of a local URL, or (None, {})."""
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != "localhost":
        return None, {}
    adapter = app.url_map.bind("localhost")
    for method in ("POST", "GET"):
        try:
            return adapter.match(parts.path, method=method)
        except Exception:  # noqa: BLE001 - werkzeug raises several routing exceptions
            continue
    return None, {}


def endpoints(app, method: str) -> list[str]:
    """Every endpoint answering `method`; with PROOF_ONLY set (comma-separated patterns such as
    "members.*,commendations.settings_preview"), only those: a quick run of the proofs for the routes
    one has just added. The full proofs never set it."""
    found = sorted({r.endpoint for r in app.url_map.iter_rules() if method in r.methods and r.endpoint != "static"})
    only = [p.strip() for p in os.environ.get("PROOF_ONLY", "").split(",") if p.strip()]
    return [e for e in found if any(fnmatch.fnmatchcase(e, p) for p in only)] if only else found


# The routes no browser calls: no session, no page, no form, so no CSRF token. Each proves its caller
# another way, named here with the status it answers a request without that proof. The CSRF proof
# checks that the app exempts exactly these from its CSRF check and that each refuses an unsigned or
# wrongly signed request with that status, writing nothing (and that a signed one goes through); the
# proofs that send a page's form (authorisation, bad input, injection) leave them out, having no form
# to send: tests/banking/test_webhook.py covers their bodies (bad JSON, another account's number,
# 16 KB bound, idempotency, rate limit).
CSRF_EXEMPT = {
    "bank_hook.notify": ("signed by an HMAC-SHA256 of the body with the account's own key "
                         "(X-Signature, app.banking.webhook)", 401),
}


def form_posts(app) -> list[str]:
    """The POST routes a page's form submits: every POST route but the CSRF-exempt ones above."""
    return [e for e in endpoints(app, "POST") if e not in CSRF_EXEMPT]


def csrf_exempt_endpoints(app) -> set[str]:
    """The endpoints Flask-WTF's CSRFProtect lets through without a token (exempted by view or by blueprint)."""
    from app.extensions import csrf

    out = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if rule.endpoint == "static" or view is None:
            continue
        blueprint = app.blueprints.get(rule.endpoint.rpartition(".")[0])
        if (blueprint is not None and blueprint in csrf._exempt_blueprints
                or f"{view.__module__}.{view.__name__}" in csrf._exempt_views):
            out.add(rule.endpoint)
    return out


def is_success(resp) -> bool:
    """A POST that did its work: 303/302 to the next page, or htmx's HX-Redirect."""
    return resp.status_code in (302, 303) or (resp.status_code == 200 and "HX-Redirect" in resp.headers)


def location(resp) -> str | None:
    return resp.headers.get("HX-Redirect") or resp.headers.get("Location")


# ---------------------------------------------------------------------------------------------
# Counting checks for a proof's figure
# ---------------------------------------------------------------------------------------------

class Tally:
    """Checks made and the ones that failed (with what failed), for one figure."""

    def __init__(self):
        self.checks = 0
        self.failures: list[str] = []

    def check(self, ok: bool, what: str) -> bool:
        self.checks += 1
        if not ok:
            self.failures.append(what)
        return ok

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self, limit: int = int(os.environ.get("PROOF_SHOW", "25"))) -> str:
        """The first failures (PROOF_SHOW=n shows n of them)."""
        head = "\n".join(self.failures[:limit])
        more = f"\n... and {self.failed - limit} more" if self.failed > limit else ""
        return head + more


def quick_commits() -> None:
    """SQLite only: commit without waiting for the disk (synchronous=OFF) for the rest of this test.

    These proofs send thousands of requests, and refused ones may commit audit rows: with the
    app's synchronous=FULL each commit waits for an fsync, so the run would time the disk. Durability
    is what the crash proof (tests/reliability) checks, against the real server and its settings.
    """
    from sqlalchemy import event

    engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _no_fsync(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        cur.close()

    db.session.remove()
    engine.dispose()


def db_label() -> str:
    return "PostgreSQL" if db.engine.dialect.name == "postgresql" else "SQLite"


def catch_500s(app) -> list[str]:
    """Answer unhandled errors with the app's 500 page instead of raising into the test, so one run
    counts every failure; the returned list collects what was raised (last traceback line, where)."""
    import traceback

    from flask import got_request_exception, request

    app.config["PROPAGATE_EXCEPTIONS"] = False
    errors: list[str] = []

    def _log(sender, exception, **extra):
        frames = traceback.extract_tb(exception.__traceback__)
        where = next((f"{f.filename.split('/main/')[-1]}:{f.lineno}" for f in reversed(frames)
                      if "/app/" in f.filename), "?")
        errors.append(f"{request.method} {request.path}: {type(exception).__name__}: {exception!s:.120} at {where}")

    got_request_exception.connect(_log, app, weak=False)
    return errors


def keep_loaded() -> None:
    """The test's own session keeps its objects loaded across commits (the test client commits around
    every request): the proofs read ids of the world's records thousands of times, and reloading each
    one after every request would take longer than the requests."""
    db.session().expire_on_commit = False
