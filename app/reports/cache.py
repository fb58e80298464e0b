"""Report cache and its invalidation rule.

The rule: a cached report of unit X is keyed on (X's data version, the global version). Every
commit that adds, changes or deletes a record that reports count (a model declaring
`__counted__ = "rows"`: donations, ledger entries, goods entries, pigs and openings, campaigns,
funds, rounds, categories, nominations, pupils, schools, decisions, honorees) bumps, in the same transaction, the version of that record's unit and of every unit
above it (a donation also bumps its collecting branch). A change to the unit tree (a unit
created, renamed, moved, (de)activated: `__counted__ = "tree"`) and any bulk UPDATE by criteria on a
counted table bump the global version, which every key reads; so does an edited donor (list totals
filter on donor names: `__counted__ = "names"`). A model with a unit_id that reports do not count
says why in `__not_counted__` (tests/reports/test_cache_declarations.py holds every model to one of
the two). So a report is never served stale, whatever the
process that wrote (web worker, print worker, CLI), and a write in one commune leaves the
other communes' cached reports alone.

Writes are seen through SQLAlchemy session events: ORM objects at flush, and INSERT/UPDATE
statements run through the session (bulk inserts, bulk updates by primary key). Raw SQL text
bypasses them; nothing in the app writes counted tables that way.

Entries live in an LRU in each process (`app.extensions["reports.cache"]`, REPORTS_CACHE_SIZE
entries); the version check is one indexed read per request. Values must be plain data (no ORM
objects). The facts of a unit are also kept per child subtree (app.reports.compose), so after a
write in commune X a province's page rereads X's subtree and its own records, not the others.
"""
import threading
from collections import OrderedDict
from typing import Any, Callable

from flask import current_app, g, has_request_context, request
from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.extensions import db
from app.units.models import Unit

from .models import GLOBAL, ReportVersion

UNIT_COLUMNS = ("unit_id", "collector_unit_id")
# What a model declares in `__counted__` (read from the models, not listed here):
ROWS = "rows"    # reports count its rows: a write bumps the versions of the row's units (UNIT_COLUMNS)
NAMES = "names"  # searched by name in cached list totals (donations.services.scope_totals) though not
#                  counted: an edit or a removal bumps the global version (a new one changes nothing)
TREE = "tree"    # the unit tree: any write bumps the global version
KINDS = (ROWS, NAMES, TREE)
_INFO = "reports.touched"  # session.info: {"units": set, "global": bool, "pks": {table: set}}


# ---- what the models declare --------------------------------------------------------------------

_declared: tuple[int, dict[str, frozenset[str]]] = (-1, {})


def declared() -> dict[str, frozenset[str]]:
    """{ROWS: tables, NAMES: tables, TREE: tables} as the models declare them (`__counted__`).

    Read once the models are loaded; read again if a model was loaded since (a mapper count, so the
    flush hooks pay a length check, not a walk over the models)."""
    global _declared
    mappers = db.Model.registry.mappers
    if _declared[0] != len(mappers):
        kinds: dict[str, set[str]] = {k: set() for k in KINDS}
        for mapper in mappers:
            kind = getattr(mapper.class_, "__counted__", None)
            if kind is not None:
                if kind not in kinds:
                    raise ValueError(f"{mapper.class_.__name__}.__counted__ = {kind!r}: one of {KINDS}")
                kinds[kind].add(mapper.local_table.name)
        _declared = (len(mappers), {k: frozenset(v) for k, v in kinds.items()})
    return _declared[1]


# ---- collecting what a transaction touched -----------------------------------------------------

def _touched(session) -> dict:
    return session.info.setdefault(_INFO, {"units": set(), "global": False, "pks": {}})


def _after_flush(session, _ctx) -> None:
    counted = declared()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in counted[TREE] or (table in counted[NAMES] and obj not in session.new):
            _touched(session)["global"] = True
        elif table in counted[ROWS]:
            state = inspect(obj)
            units = _touched(session)["units"]
            for name in UNIT_COLUMNS:
                if name in state.attrs:
                    hist = state.attrs[name].history
                    units.update(v for v in (*hist.added, *hist.unchanged, *hist.deleted) if v)


def _do_orm_execute(execute_state) -> None:
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    table = getattr(getattr(execute_state.statement, "table", None), "name", None)
    counted = declared()
    if table in counted[TREE] or (table in counted[NAMES] and not execute_state.is_insert):
        _touched(execute_state.session)["global"] = True
        return
    if table not in counted[ROWS]:
        return
    touched = _touched(execute_state.session)
    params = execute_state.parameters
    rows = params if isinstance(params, list) else ([params] if params else [])
    has_criteria = bool(getattr(execute_state.statement, "_where_criteria", ()))
    if execute_state.is_delete or has_criteria or not rows:
        touched["global"] = True  # units unknown without reading the rows: invalidate everything
        return
    for row in rows:
        found = [row[c] for c in UNIT_COLUMNS if row.get(c)]
        if found:
            touched["units"].update(found)
        elif "id" in row:  # bulk UPDATE by primary key: the units are read before commit
            touched["pks"].setdefault(table, set()).add(row["id"])
        else:
            touched["global"] = True


def _before_commit(session) -> None:
    if not session.info.get(_INFO):
        return
    session.flush()  # objects still pending are flushed after this hook: see them now
    touched = session.info.pop(_INFO, None)
    if touched:
        bump(touched["units"], touched["global"], touched["pks"], session=session)


def _forget(session, *_args) -> None:
    session.info.pop(_INFO, None)


def bump(unit_ids, global_: bool = False, pks: dict | None = None, *, session=None) -> None:
    """Bump the version of each unit in `unit_ids` and of all its ancestors (and row 0 if global_)."""
    session = session or db.session
    unit_ids = set(unit_ids)
    for table_name, ids in (pks or {}).items():
        table = db.metadata.tables[table_name]
        cols = [table.c[c] for c in UNIT_COLUMNS if c in table.c]
        ids = sorted(ids)
        for i in range(0, len(ids), 500):
            for row in session.execute(select(*cols).where(table.c.id.in_(ids[i:i + 500]))):
                unit_ids.update(v for v in row if v)
    targets = {GLOBAL} if global_ else set()
    if unit_ids:
        paths = session.scalars(select(Unit.path).where(Unit.id.in_(sorted(unit_ids)))).all()
        for path in paths:
            targets.update(int(p) for p in path.strip("/").split("/") if p)
        targets.update(unit_ids)
    if not targets:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ReportVersion.__table__
    # Sorted: two writers lock the shared rows (the province's) in the same order.
    stmt = insert(table).values([{"unit_id": t, "version": 1} for t in sorted(targets)])
    session.execute(stmt.on_conflict_do_update(index_elements=[table.c.unit_id],
                                               set_={"version": table.c.version + 1}))


_registered = False


def register_listeners() -> None:
    """Listen on every session (once per process)."""
    global _registered
    if _registered:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)
    _registered = True


# ---- reading versions and the cache ------------------------------------------------------------

def versions(unit_id: int) -> tuple[int, int]:
    """(this unit's version, the global version); 0 for rows never bumped."""
    return versions_of([unit_id])[unit_id]


_SEEN = "reports_versions"  # flask.g: the versions a GET request has read, by unit


def versions_of(unit_ids) -> dict[int, tuple[int, int]]:
    """{unit id: (its version, the global version)} in one read.

    A GET request reads each unit's versions once, however many cached entries it looks up (a
    dashboard: its panels, then its organisation counts; a list: its count, its unit picker): a
    version read earlier than needed is still read before the data it keys, which is the rule. Not
    in a request that writes: its own write bumps the versions after it read them."""
    if has_request_context() and request.method in ("GET", "HEAD"):
        seen = g.setdefault(_SEEN, {})
        missing = [i for i in set(unit_ids) if i not in seen]
        if missing:
            seen.update(_read_versions(missing))
        return {i: seen[i] for i in set(unit_ids)}
    return _read_versions(unit_ids)


def _read_versions(unit_ids) -> dict[int, tuple[int, int]]:
    ids = sorted(set(unit_ids))
    found: dict[int, int] = {}
    for i in range(0, len(ids), 500):
        found.update(db.session.execute(select(ReportVersion.unit_id, ReportVersion.version)
                                        .where(ReportVersion.unit_id.in_(ids[i:i + 500] + [GLOBAL]))).all())
    g = int(found.get(GLOBAL, 0))
    return {i: (int(found.get(i, 0)), g) for i in ids}


class LRU:
    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                self.hits += 1
                return True, self.data[key]
            self.misses += 1
            return False, None

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


def store() -> LRU:
    """This app's cache (one per app object, so two apps in one process never share entries)."""
    ext = current_app.extensions
    if "reports.cache" not in ext:
        # Entries are small except a province's; a province keeps one part per commune per period.
        ext["reports.cache"] = LRU(int(current_app.config.get("REPORTS_CACHE_SIZE", 2000)))
    return ext["reports.cache"]


def enabled() -> bool:
    return bool(current_app.config.get("REPORTS_CACHE", True))


def peek(name: str, unit_id: int, key: tuple, version: tuple[int, int]) -> Any:
    """The entry stored for these versions, or None."""
    if not enabled():
        return None
    hit, value = store().get((name, unit_id, key, version))
    return value if hit else None


def put(name: str, unit_id: int, key: tuple, version: tuple[int, int], value: Any) -> None:
    """Store an entry computed from data no older than `version` (read before computing)."""
    if enabled():
        store().put((name, unit_id, key, version), value)


_computing: dict = {}  # entry key -> the lock of the thread computing it
_computing_lock = threading.Lock()


def cached(name: str, unit_id: int, key: tuple, compute: Callable[[], Any]) -> Any:
    """compute() once per (name, unit, key, data versions); REPORTS_CACHE=False turns caching off.

    The versions are read before computing: a write committed meanwhile bumps them, so the
    next request recomputes rather than trusting a result that may predate it.
    """
    if not enabled():
        return compute()
    full_key = (name, unit_id, key, versions(unit_id))
    lru = store()
    hit, value = lru.get(full_key)
    if hit:
        return value
    # One computation per entry in a process: the threads of a worker asking for the same missing
    # entry (a province's dashboard opened by several at once: seconds each at national scale) wait
    # for the first instead of each computing it beside it on the same cores.
    with _computing_lock:
        lock = _computing.setdefault(full_key, threading.Lock())
    try:
        with lock:
            hit, value = lru.get(full_key)
            if not hit:
                value = compute()
                lru.put(full_key, value)
    finally:
        with _computing_lock:
            if _computing.get(full_key) is lock:
                del _computing[full_key]
    return value

