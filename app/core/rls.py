"""Row-level security on PostgreSQL: a second lock behind app.core.authz (issue 20 C).

The app connects as a role that does not own the tables (`skh_app`: DATABASE_ROLE for a simple
install, or a login role that is a member of it). Every table with a `unit_id` has one policy,
`unit_scope`, that admits only the rows of the units in the current transaction's scope:

    skh.scope   the path of the scope's top unit ("/1/4/"): its rows and those of every unit below
    skh.cross   'on' when the work says it crosses units (cross_units(reason))

Both are set for every transaction (set_config(..., true), so they end with it) from a context
variable: in a request, nothing until the signed-in user is loaded, then that user's unit; outside
requests, nothing unless the code says cross_units(...) or unit_scope(path). Unset means no rows: a
place that forgets to say what it reads gets nothing, never everything.

When: once as the transaction begins, and again before a statement only when the context's scope
has changed since it was last sent on that connection in that transaction (entering or leaving
cross_units, the user becoming known, a savepoint rolled back). Every statement runs under the
scope of the code that runs it, and a change nothing reads under costs nothing: a request sends
one set_config, not one per change (the user loader's crossing, then the user's unit).

The `unit` table itself has no policy: the tree (names, kinds, parents) is what breadcrumbs, report
headings of the units above, the public paper check and disclosure pages read, the association
publishes those names anyway, and every policy reads it (a policy on `unit` reading `unit` recurses).

Tables without a unit column whose rows belong to a row that has one (a pupil's results and
achievements, a user's roles, a dues batch's payments, an import's progress) have the policy of
app.core.rls_children: a row is visible when its parent row is (EXISTS on the parent, whose own
policy applies). Tables of no unit (idempotency keys, the blob store, paper lookups, books-check
runs, the queue's) hold no household's records by unit and have no policy.

SQLite has no roles or policies: everything here is a no-op there (one process, one file, one owner).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import Flask, has_app_context, has_request_context

ROLE = "skh_app"
POLICY = "unit_scope"
PATH_INDEX = "ix_unit_path_c"  # unit.path in byte order: the policy's subtree is one index range

# ("cross", reason) | ("unit", path) | None (nothing decided: no rows)
_scope: ContextVar[tuple | None] = ContextVar("rls_scope", default=None)
NOTHING = ("unit", "")

# Unset (NULL) and empty ('' once a transaction that set it has ended) both mean no rows.
_SCOPE = "NULLIF(current_setting('skh.scope', true), '')"
# In a scalar subquery: an InitPlan evaluated once per statement, not a function call per row.
CROSSING = "(SELECT current_setting('skh.cross', true) = 'on')"
# The subtree as a range of paths in byte order ("/1/4/" .. "/1/40": '0' follows '/'), so the
# subquery walks PATH_INDEX instead of matching a LIKE pattern against every unit.
SUBTREE = (f"(SELECT u.id FROM unit u WHERE u.path COLLATE \"C\" >= {_SCOPE} "
           f"AND u.path COLLATE \"C\" < left({_SCOPE}, -1) || '0')")
# The units above the scope (and the scope itself) are the ids in its path: no table read.
LINE = f"string_to_array(trim(both '/' from {_SCOPE}), '/')::int[]"


@dataclass(frozen=True)
class Rule:
    """How one table's rows belong to units, beyond "its unit_id is in the scope's subtree"."""

    also: tuple[str, ...] = ()  # other unit columns whose subtree admits the row, read and write
    read_above: bool = False  # rows of the units above the scope may be read (not written)
    write_above: bool = False  # ... and written
    extra: str = ""  # a further SQL condition admitting rows (read and write)
    read_extra: str = ""  # ... for reading only
    why: str = ""


# Every exception to the plain rule, with its reason. Nullable unit_id columns (shared rows) are
# found by the migration: their NULL rows are everyone's (the app's shared-records rules guard them).
RULES: dict[str, Rule] = {
    "donation": Rule(also=("collector_unit_id",),
                     why="a branch records and lists the gifts it collects for a drive of a unit above"),
    "donation_month": Rule(also=("collector_unit_id",),
                           why="the gifts' monthly summaries (app.reports.summaries) follow the gifts' rule"),
    "campaign": Rule(read_above=True, why="a branch collects for, and so reads, the drives of the units above"),
    # Evaluated only for a row outside the scope (OR): a list within the scope never builds it.
    "donor": Rule(read_extra=f"id IN (SELECT g.donor_id FROM donation g WHERE g.collector_unit_id IN {SUBTREE})",
                  why="a branch's list of the gifts it collected for a unit above names their donors"),
    "certificate_logo": Rule(read_above=True,
                             why="a chi hội's member cards carry its association's logo (app.members.cards)"),
    "user_account": Rule(read_above=True,
                         why="records name who entered or approved them, often someone of a unit above"),
    "unit_name": Rule(read_above=True,
                      why="a report's heading names the units above by the name they had in its period; "
                          "unit names are public, as the unit table is"),
    "report_version": Rule(write_above=True, extra="unit_id = 0",
                           why="a change bumps the report versions of its unit and every unit above; "
                               "row 0 is the global version; counters only, no household data"),
}


def _admits(table: str, column: str, nullable: bool, rule: Rule, *, reading: bool) -> str:
    parts = [CROSSING, f"{column} IN {SUBTREE}"]
    parts += [f"{col} IN {SUBTREE}" for col in rule.also]
    if rule.write_above or (reading and rule.read_above):
        parts.append(f"{column} = ANY ({LINE})")
    if rule.extra:
        parts.append(rule.extra)
    if reading and rule.read_extra:
        parts.append(rule.read_extra)
    if nullable:
        parts.append(f"{column} IS NULL")
    return " OR ".join(parts)


def policy_statements(table: str, *, nullable: bool = False, column: str = "unit_id") -> list[str]:
    """The SQL that puts `table` under its unit policy (idempotent): the one place the policy is
    written, for migration 0037 and for any later migration that adds a table with a unit."""
    rule = RULES.get(table, Rule())
    using = _admits(table, column, nullable, rule, reading=True)
    check = _admits(table, column, nullable, rule, reading=False)
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({using}) WITH CHECK ({check})',
    ]


def include_object(_obj, name, type_, _reflected, _compare_to) -> bool:
    """For alembic's comparison of models and database: PATH_INDEX is the policies' (a migration's,
    PostgreSQL only), not a model's, so autogenerate neither drops it nor reports it missing."""
    return not (type_ == "index" and name == PATH_INDEX)


def unit_tables(conn) -> list[tuple[str, bool]]:
    """(table, unit_id is nullable) for every table of the schema with a unit_id column."""
    from sqlalchemy import text

    return [(r[0], r[1] == "YES") for r in conn.execute(text(
        "SELECT c.table_name, c.is_nullable FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
        "WHERE c.table_schema = current_schema() AND c.column_name = 'unit_id' AND t.table_type = 'BASE TABLE' "
        "ORDER BY c.table_name"))]


def unprotected(conn) -> list[str]:
    """The tables with a unit_id column but row security off or no policy (the test's check)."""
    from sqlalchemy import text

    guarded = {r[0] for r in conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relrowsecurity "
        "AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)"))}
    return [t for t, _ in unit_tables(conn) if t not in guarded]


def grant_statements(role: str = ROLE) -> list[str]:
    """The app role: rows of every table (as its policies allow), sequences, and the same on tables
    created later by the role that runs the migrations. It owns nothing, so it cannot change the
    schema, drop a policy or bypass one."""
    return [
        f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    ]


# --- the scope of the work in hand -------------------------------------------------------------

# What work outside any request and any declared scope gets: nothing, unless a test run says once
# that its own code crosses units (outside_requests), threads it starts included.
_fallback: tuple | None = None


def outside_requests(reason: str | None) -> None:
    """Set (or with None clear) the crossing of all work outside requests that declares nothing:
    for the test suite's factories and checks, never for the app (requests begin with no scope)."""
    global _fallback
    _fallback = ("cross", reason) if reason else None


def current() -> tuple[str, str]:
    """(scope path, cross 'on'|'off') for a transaction beginning now."""
    state = _scope.get()
    if state is None:
        state = _fallback
    if state is not None and state[0] == "cross":
        return "", "on"
    if state is not None and state[0] == "whole":
        return state[1], "on"
    return (state[1] if state else ""), "off"


REQUEST_STATEMENT_TIMEOUT = "55s"  # gunicorn.conf.py's timeout is 60 s

# The scope last sent on a connection in its current transaction, in the pool record's info (it
# lives as long as the driver's connection); absent until the transaction's first _set.
_SENT = "skh_rls_sent"


def _set(conn) -> None:
    """Send the context's scope on `conn` (a SQLAlchemy Connection, in a transaction) and note it."""
    # On the driver's connection: not a statement of the app's (query counts, spies), one round trip.
    from psycopg.pq import TransactionStatus

    dbapi_conn = conn.connection.driver_connection
    info = conn.connection.info
    if dbapi_conn.info.transaction_status == TransactionStatus.INERROR:
        info.pop(_SENT, None)
        return  # a failed transaction is only rolled back; the next one is set when it begins
    scope, cross = state = current()
    info.pop(_SENT, None)  # if this fails, nothing is assumed to be set
    # In a request a statement is cancelled when gunicorn would have given up on the request: left
    # alone, the database would go on working for an answer nobody waits for. Elsewhere ('' keeps
    # the transaction's setting) the worker's prints and backups take the time they need.
    timeout = REQUEST_STATEMENT_TIMEOUT if has_request_context() else None
    dbapi_conn.execute("SELECT set_config('skh.scope', %s, true), set_config('skh.cross', %s, true), "
                       "set_config('statement_timeout', coalesce(%s, current_setting('statement_timeout')), true)",
                       (scope, cross, timeout))
    info[_SENT] = state


def _before_statement(conn, _cursor, statement, *_args) -> None:
    """Before every statement: the scope again if the context's differs from what was sent."""
    info = conn.connection.info
    if statement[:40].lstrip()[:8].upper() == "ROLLBACK":
        # ROLLBACK TO SAVEPOINT undoes any set_config sent after the savepoint (the transaction may be
        # back in a crossing the context has since left): the next statement sends the scope again.
        info.pop(_SENT, None)
    elif info.get(_SENT) != current():
        _set(conn)


@contextmanager
def _entered(state: tuple):
    token = _scope.set(state)
    try:
        yield
    finally:
        _scope.reset(token)


def cross_units(reason: str):
    """Work that reads or writes every unit's rows says so, with why (the print worker, backups,
    the books check, the command line, sign-in before anyone is known)."""
    assert reason, "say why the work crosses units"
    return _entered(("cross", reason))


def unit_scope(path: str):
    """Work limited to the subtree of the unit whose path is `path` (a public page of one unit)."""
    return _entered(("unit", path or ""))


def user_scope(path: str, *, whole: bool = False):
    """For a block: the scope enter_user_scope(path, whole=whole) gives the rest of a request."""
    return _entered(("whole" if whole else "unit", path or ""))


def enter_user_scope(path: str, *, whole: bool = False) -> None:
    """The signed-in user is known: the rest of the request sees their unit's subtree (reset when
    the request ends, see init_app). `whole`: that unit is the only top unit, so its subtree is the
    whole database and the transaction says so (skh.cross on) instead of having every row of a
    national roll-up probed against a list of every unit (a full scan costs twice as much with the
    probe: bench/rls_explain.py). Not on a public page of one unit (public_scope): whoever happens to
    be signed in, that page shows that unit's published rows."""
    from flask import g, has_request_context

    if has_request_context() and g.get("_rls_public"):
        return
    _scope.set(("whole" if whole else "unit", path or ""))


def public_scope(path: str) -> None:
    """An anonymous page of one unit (its public disclosure, a bank's notification to one of its
    accounts): the rest of the request sees that unit's subtree only, signed in or not."""
    from flask import g

    g._rls_public = True
    _scope.set(("unit", path or ""))


def crossing() -> bool:
    return current()[1] == "on"


def reason() -> str | None:
    """Why the work in hand crosses units (None when it does not say so)."""
    state = _scope.get() or _fallback
    return state[1] if state and state[0] == "cross" else None


def enabled() -> bool:
    """True when the app's database has row policies (PostgreSQL)."""
    if not has_app_context():
        return False
    from app.extensions import db

    return db.engine.dialect.name == "postgresql"


# --- wiring ------------------------------------------------------------------------------------

def init_app(app: Flask, engine) -> None:
    """Set the scope on every PostgreSQL transaction, DATABASE_ROLE on every connection, and start
    each request with no scope (registered before any domain's hooks)."""
    from flask import g
    from sqlalchemy import event

    @app.before_request
    def _no_scope_yet():
        g._rls_token = _scope.set(NOTHING)

    @app.teardown_request
    def _scope_ends(_exc=None):
        token = g.pop("_rls_token", None)
        if token is not None:
            _scope.reset(token)

    if engine.dialect.name != "postgresql":
        return
    role = app.config.get("DATABASE_ROLE") or ""

    @event.listens_for(engine, "connect")
    def _session(dbapi_conn, _record):
        from psycopg import sql

        if role:
            dbapi_conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        # No JIT: the policies' subqueries make the planner's cost of an ordinary list cross
        # jit_above_cost, and compiling then took 0.85 s of a province's 1.3 s gift list at national
        # scale (6-22 ms without); nothing the app asks runs long enough to repay it.
        dbapi_conn.execute("SET jit = off")
        # The donor policy's "gifts collected below" is a hashed subplan of some 500,000 ids for a
        # province at national scale: in the default 4 MB it is not hashed but rerun for every donor
        # (a name search ran for 48 minutes; 4 s with room to hash it).
        dbapi_conn.execute("SET work_mem = '64MB'")
        dbapi_conn.commit()  # a SET in a transaction rolled back would be undone

    event.listen(engine, "begin", _set)  # every transaction starts under its scope, eagerly
    event.listen(engine, "before_cursor_execute", _before_statement)


def cross_cli_commands(app: Flask) -> None:
    """Commands typed on the server (`flask seed-demo`, `flask books-check`, ...) are the operator's,
    who holds the whole database: each runs crossing units, said here once for all of them."""
    import functools

    import click

    def commands(group, prefix=""):
        for name, command in group.commands.items():
            yield prefix + name, command
            if isinstance(command, click.Group):
                yield from commands(command, prefix + name + " ")

    for name, command in list(commands(app.cli)):
        callback = command.callback
        if callback is None or getattr(callback, "_rls_crossing", False):
            continue

        def wrapped(*args, __callback=callback, __name=name, **kwargs):
            with cross_units(f"the command line: flask {__name}"):
                return __callback(*args, **kwargs)

        functools.update_wrapper(wrapped, callback)
        wrapped._rls_crossing = True
        command.callback = wrapped
