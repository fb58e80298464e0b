"""Issue 20 E: the national seed on PostgreSQL, loaded with COPY.

    .venv/bin/python -m bench.national_seed            # build (or reuse) skh_national, print its figures
    BENCH_NATIONAL_FRACTION=0.01 ... --force            # a hundredth of it (skh_national_f0_01), rebuilt

34 provinces under one national unit, 3,321 communes, 13,000 chi hội, 20,000,000 gifts of money
(each with its ledger income, PT number and two audit entries), 2,000,000 donors, 1,000,000 pupils
(three schools a commune) and 3,000,000 members (numbered per chi hội, about 2 % ended). A fresh
database is migrated (`flask db upgrade heads`); the small tables (units with their materialised
paths, funds, campaigns, schools, users, counters, report versions) go in through the models'
tables, so columns added later keep their defaults; the big ones by COPY from two processes, with
their indexes and keys dropped first and rebuilt after, then ANALYZE.

Cached: the database carries a comment with the hash of the seed code, the migrations and the
sizes; an unchanged checkout finds it and reseeds nothing ($BENCH_CACHE/national-<db>.json keeps
the figures of the build).
"""
import hashlib
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from multiprocessing import get_context

from bench.lib import ROOT
from bench.names import VILLAGES, commune_name, person_name
from bench.province import Timer, cache_dir

FRACTION = float(os.environ.get("BENCH_NATIONAL_FRACTION", "1"))
PG = os.environ.get("BENCH_NATIONAL_PG", "postgresql://postgres@127.0.0.1:5432")
FULL = {"provinces": 34, "communes": 3321, "branches": 13_000, "gifts": 20_000_000, "pupils": 1_000_000,
        "members": 3_000_000}
PASSWORD = "Bench-mark-2026"
BIG = ["donor", "donation", "ledger_entry", "audit_log", "member", "pupil"]
CHUNK = 8  # communes per COPY round of a worker
# The seed's version: bump it when what the seed writes changes (national_rows.py, names.py and
# the migrations are hashed as they are). BENCH_NATIONAL_REUSE=1 takes the database as it is.
SEED_VERSION = 3
SEED_FILES = ["bench/national_rows.py", "bench/names.py", "migrations/versions"]


def sizes(fraction: float = FRACTION) -> dict:
    s = {k: max(1, round(v * fraction)) if k != "provinces" else v for k, v in FULL.items()}
    s["communes"] = max(s["communes"], s["provinces"])
    s["branches"] = max(s["branches"], s["communes"])
    s["donors"] = max(s["communes"], s["gifts"] // 10)
    return s


def db_name(fraction: float = FRACTION) -> str:
    return "skh_national" if fraction == 1 else "skh_national_f" + f"{fraction:g}".replace(".", "_")


def url(fraction: float = FRACTION) -> str:
    return f"{PG.replace('postgresql://', 'postgresql+psycopg://')}/{db_name(fraction)}"


def seed_hash(fraction: float = FRACTION) -> str:
    h = hashlib.sha256(json.dumps([SEED_VERSION, sizes(fraction)], sort_keys=True).encode())
    for name in SEED_FILES:
        p = ROOT / name
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p]:
            h.update(f.relative_to(ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _split(total: int, parts: int, i: int) -> tuple[int, int]:
    """(offset, count) of part i when `total` is spread over `parts` as evenly as it goes."""
    base, extra = divmod(total, parts)
    return i * base + min(i, extra), base + (1 if i < extra else 0)


# ---- the plan: every id decided up front, so the workers need no round trips -----------------

def plan(s: dict) -> dict:
    C, P = s["communes"], s["provinces"]
    root = 1
    provinces = list(range(2, 2 + P))
    communes = list(range(2 + P, 2 + P + C))
    next_id = 2 + P + C
    branches_of = {}
    for ci in range(C):
        _, nb = _split(s["branches"], C, ci)
        branches_of[ci] = list(range(next_id, next_id + nb))
        next_id += nb
    from bench.national_rows import voids

    voids_before, total = [], 0  # the reversals of the communes before: ids after every gift's entry
    for ci in range(C):
        voids_before.append(total)
        total += voids(_split(s["gifts"], C, ci)[1])
    return {"root": root, "provinces": provinces, "communes": communes, "branches_of": branches_of,
            "voids_before": voids_before, "voids": total}


def commune_spec(s: dict, pl: dict, ci: int):
    from bench.national_rows import Commune

    branches = pl["branches_of"][ci]
    m0, mn = _split(s["members"], s["communes"], ci)
    per_branch = [_split(mn, len(branches), b)[1] for b in range(len(branches))]
    d0, dn = _split(s["donors"], s["communes"], ci)
    g0, gn = _split(s["gifts"], s["communes"], ci)
    p0, pn = _split(s["pupils"], s["communes"], ci)
    short = "xã " + commune_name(ci)
    names = [branch_name(ci, j) for j in range(len(branches))]
    return Commune(ci, pl["communes"][ci], short, ci + 1, ci + 1, f"Tháng Khuyến học 2026 - {short}", branches,
                   names, d0, dn, g0, gn, m0, per_branch, p0, pn, 3 * ci, s["gifts"] + pl["voids_before"][ci],
                   dues=ci % 10 == 0, first_branch=pl["branches_of"][0][0], communes=s["communes"],
                   dues_entry0=s["gifts"] + pl["voids"])


KINDS = ["village", "village", "school", "clan", "agency"]


def branch_name(ci: int, j: int) -> str:
    """Chi hội j of commune ci; names differ from the neighbours' (a merge refuses two chi hội of
    one name under one unit)."""
    if KINDS[j % 5] == "village":
        return f"Chi hội ấp {VILLAGES[(j + 4 * ci) % len(VILLAGES)]}"
    return f"Chi hội {['trường', 'dòng họ', 'cơ quan'][j % 3]} {commune_name(ci)} số {j + 1}"


# ---- database: create, migrate, strip the big tables' indexes, rebuild them -------------------

def _connect(dbname: str, autocommit: bool = False):
    import psycopg

    return psycopg.connect(f"{PG}/{dbname}", autocommit=autocommit)


def create_and_migrate(name: str):
    with _connect("postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    from flask_migrate import upgrade

    from app import create_app

    os.environ.setdefault("INSTANCE_PATH", str(cache_dir() / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url(), "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
    return app


def strip(conn) -> dict:
    """Drop the keys and indexes of the big tables (and the keys pointing at them); return their DDL."""
    rows = conn.execute("""
        SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE contype IN ('p', 'u', 'f') AND (conrelid::regclass::text = ANY(%(t)s)
              OR confrelid::regclass::text = ANY(%(t)s))""", {"t": BIG}).fetchall()
    indexes = conn.execute("""
        SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        AND tablename = ANY(%(t)s) AND indexname NOT IN (SELECT conname FROM pg_constraint)""",
                           {"t": BIG}).fetchall()
    ddl = {"keys": [], "indexes": [r[2] for r in indexes], "fks": []}
    for table, name, kind, definition in sorted(rows, key=lambda r: r[2] != "f"):  # foreign keys first
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        ddl["fks" if kind == "f" else "keys"].append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _table, name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    for t in BIG:
        conn.execute(f"ALTER TABLE {t} DISABLE TRIGGER USER")
    conn.commit()
    return ddl


def rebuild(name: str, ddl: dict) -> None:
    """Keys and indexes on two connections at once (each statement is one table's sort), then the
    foreign keys (each a join of the whole table)."""
    def run(stmt):
        with _connect(name, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            conn.execute(stmt)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, ddl["keys"] + ddl["indexes"]))
        list(pool.map(run, ddl["fks"]))
    with _connect(name, autocommit=True) as conn:
        for t in BIG:
            conn.execute(f"ALTER TABLE {t} ENABLE TRIGGER USER")


# ---- the small tables, through the models' tables (their defaults fill columns added later) ----

def small_tables(app, s: dict, pl: dict, now: datetime) -> list[str]:
    """Units, funds, campaigns, schools, users, report versions; returns their audit lines."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.vn.names import name_sort_key, split_name, word_key
    from app.vn.text import fold
    from bench.national_rows import LEVELS, jtext

    md = db.metadata.tables
    stamp = now.isoformat(sep=" ")
    units, audit = [], []

    def unit(uid, parent, name, kind, path, depth, address=""):
        units.append({"id": uid, "parent_id": parent, "name": name, "search_key": fold(name), "kind": kind,
                      "path": path, "depth": depth, "address": address, "active": True, "created_at": now})
        audit.append(f"{stamp}\t\\N\t\t{uid}\tunit\t{uid}\tcreate\tnull\t{{\"name\": {jtext(name)}, \"kind\": "
                     f"\"{kind}\", \"parent_id\": {parent or 'null'}, \"active\": true}}\t\t")

    unit(pl["root"], None, "Trung ương Hội Khuyến học Việt Nam", "other", "/1/", 0, "Hà Nội")
    for p, pid in enumerate(pl["provinces"]):
        unit(pid, 1, f"Hội Khuyến học tỉnh {VILLAGES[p % len(VILLAGES)]} {p + 1}", "province", f"/1/{pid}/", 1)
    funds, campaigns, schools = [], [], []
    for ci, cid in enumerate(pl["communes"]):
        pid = pl["provinces"][ci % s["provinces"]]
        short = "xã " + commune_name(ci)
        unit(cid, pid, f"Hội Khuyến học {short}", "commune", f"/1/{pid}/{cid}/", 2)
        for j, bid in enumerate(pl["branches_of"][ci]):
            unit(bid, cid, branch_name(ci, j), KINDS[j % 5], f"/1/{pid}/{cid}/{bid}/", 3)
        funds.append({"id": ci + 1, "unit_id": cid, "name": "Quỹ khuyến học", "search_key": "quy khuyen hoc",
                      "description": "", "is_default": True, "active": True, "created_at": now})
        campaigns.append({"id": ci + 1, "unit_id": cid, "fund_id": ci + 1, "name": f"Tháng Khuyến học 2026 - {short}",
                          "search_key": fold(f"Tháng Khuyến học 2026 - {short}"), "kind": "fund_drive",
                          "purpose": "Học bổng cho học sinh nghèo vượt khó", "start_date": date(2025, 1, 1),
                          "end_date": date(2026, 12, 31), "target_amount": 500_000_000, "status": "open",
                          "created_at": now})
        for k, (label, level, _) in enumerate(LEVELS):
            name = f"Trường {label} {commune_name(ci)}"
            schools.append({"id": 3 * ci + k + 1, "unit_id": cid, "name": name, "search_key": fold(name),
                            "name_order": word_key(name), "level": level, "commune": "", "active": True,
                            "created_at": now})
    for f in funds:
        audit.append(f"{stamp}\t\\N\t\t{f['unit_id']}\tfund\t{f['id']}\tcreate\tnull\t{{\"name\": "
                     f"{jtext(f['name'])}, \"unit_id\": {f['unit_id']}, \"description\": \"\", \"is_default\": true}}\t\t")
    pw = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    users, roles = [], []

    def user(username, full, unit_id, role):
        uid = len(users) + 1
        users.append({"id": uid, "username": username, "full_name": full, "name_key": name_sort_key(*split_name(full)),
                      "search_key": fold(full), "unit_id": unit_id, "active": True, "password_hash": pw,
                      "must_change_password": False, "session_version": 1, "phone": "", "created_at": now})
        roles.append({"user_id": uid, "role": role})

    import random
    rng = random.Random(20)
    user("tw_quantri", "Phạm Văn Trung Ương", 1, "admin")
    for p, pid in enumerate(pl["provinces"]):
        user(f"tinh{p + 1}_quantri", person_name(rng), pid, "admin")
    for ci, cid in enumerate(pl["communes"]):
        user(f"xa{ci + 1}_thuquy", person_name(rng), cid, "treasurer")
    all_units = [u["id"] for u in units]
    versions = [{"unit_id": 0, "version": 1}] + [{"unit_id": u, "version": 1} for u in all_units]
    for table, rows in (("unit", units), ("fund", funds), ("campaign", campaigns), ("school", schools),
                        ("user_account", users), ("user_role", roles), ("report_version", versions)):
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(md[table]), rows[i:i + 5000])
    db.session.commit()
    return audit


# ---- the workers: one commune chunk at a time, COPY per table ----------------------------------

_state = {}


def _worker_init(name: str, s: dict, now: str):
    from bench.national_rows import Pools

    _state.update(conn=_connect(name), s=s, pl=plan(s), pools=Pools(), now=now)
    _state["conn"].execute("SET synchronous_commit = off")


def _load_chunk(indexes: list[int]) -> tuple[dict, list]:
    from bench.national_rows import COLUMNS, commune_rows

    conn, counts, counters = _state["conn"], {}, []
    tables: dict[str, list[str]] = {}
    for ci in indexes:
        rows = commune_rows(commune_spec(_state["s"], _state["pl"], ci), _state["pools"], _state["now"])
        counters += rows.pop("counters")
        for t, lines in rows.items():
            tables.setdefault(t, []).extend(lines)
    with conn.cursor() as cur:
        for t, lines in tables.items():
            if lines:
                with cur.copy(f"COPY {t} ({COLUMNS[t]}) FROM STDIN") as cp:
                    cp.write("\n".join(lines) + "\n")
            counts[t] = len(lines)
    conn.commit()
    return counts, counters


def build(force: bool = False) -> tuple[str, dict, bool]:
    """(SQLAlchemy URL, info, cached?) of the national database at FRACTION."""
    name, key = db_name(), seed_hash()
    info_file = cache_dir() / f"national-{name}.json"
    if not force and info_file.exists():
        try:
            with _connect(name) as conn:
                comment = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                       "WHERE datname = current_database()").fetchone()[0]
            if comment == f"skh-national {key}" or (comment and os.environ.get("BENCH_NATIONAL_REUSE") == "1"):
                return url(), json.loads(info_file.read_text()), True
        except Exception:  # noqa: BLE001 - no database or an old one: build it
            pass
    from bench.national_rows import COLUMNS

    s, timer = sizes(), Timer()
    pl = plan(s)
    now = datetime.utcnow().replace(microsecond=0)
    app = create_and_migrate(name)
    timer.mark("tạo cơ sở dữ liệu, chạy migration")
    with app.app_context():
        audit = small_tables(app, s, pl, now)
        from app.extensions import db
        db.session.remove()
        db.engine.dispose()
    timer.mark("đơn vị, quỹ, đợt vận động, trường, người dùng", len(audit))
    with _connect(name) as conn:
        ddl = strip(conn)
        conn.execute("SET synchronous_commit = off")
        with conn.cursor() as cur, cur.copy(f"COPY audit_log ({COLUMNS['audit_log']}) FROM STDIN") as cp:
            cp.write("\n".join(audit) + "\n")
        conn.commit()
    timer.mark("bỏ chỉ mục, khóa của các bảng lớn")
    chunks = [list(range(i, min(i + CHUNK, s["communes"]))) for i in range(0, s["communes"], CHUNK)]
    counts, counters = {}, []
    workers = int(os.environ.get("BENCH_NATIONAL_WORKERS", "2"))
    with get_context("fork").Pool(workers, _worker_init, (name, s, now.isoformat(sep=" "))) as pool:
        for done, (c, k) in enumerate(pool.imap_unordered(_load_chunk, chunks), 1):
            for t, n in c.items():
                counts[t] = counts.get(t, 0) + n
            counters += k
            if done % max(1, len(chunks) // 10) == 0:
                print(f"    {done}/{len(chunks)} phần, {counts.get('donation', 0):,} khoản quyên góp",
                      file=sys.stderr, flush=True)
    timer.mark("COPY: nhà hảo tâm, quyên góp, sổ quỹ, nhật ký, hội viên, học sinh", sum(counts.values()))
    with _connect(name) as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY document_counter (unit_id, kind, year, next_number) FROM STDIN") as cp:
                for unit_id, kind, year, n in counters:
                    if kind == "PT":
                        cp.write(f"{unit_id}\tPT\t{year}\t{n}\n")
            with cur.copy("COPY member_counter (unit_id, next_number) FROM STDIN") as cp:
                for unit_id, kind, _year, n in counters:
                    if kind == "member":
                        cp.write(f"{unit_id}\t{n}\n")
        conn.commit()
    timer.mark("bộ đếm số chứng từ, số hội viên", len(counters))
    rebuild(name, ddl)
    timer.mark("dựng lại khóa, chỉ mục, khóa ngoại", len(ddl["keys"]) + len(ddl["indexes"]) + len(ddl["fks"]))
    with _connect(name, autocommit=True) as conn:
        for t, in conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE c.relkind = 'S' AND n.nspname = 'public'").fetchall():
            table = t[:-len("_id_seq")]
            if conn.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
                            (table,)).fetchone():
                conn.execute(f"SELECT setval('{t}', GREATEST((SELECT max(id) FROM {table}), 1))")
        summaries(conn)
        conn.execute("VACUUM (ANALYZE)")
    timer.mark("dãy id, bảng tổng hợp, VACUUM ANALYZE")
    info = {"sizes": s, "password": PASSWORD, "counts": counts, "seconds": timer.total, "stages": timer.stages,
            "root_id": pl["root"], "province_id": pl["provinces"][0], "commune_id": pl["communes"][0],
            "commune_index": 0, "users": {"national": "tw_quantri", "province": "tinh1_quantri",
                                          "commune": "xa1_thuquy"}, "fraction": FRACTION}
    with _connect(name, autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS 'skh-national {key}'")
    info_file.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return url(), info, False


def summaries(conn) -> None:
    """Rebuild the report summaries from the loaded rows (migration 0036's rule for bulk loads)."""
    try:
        from app.reports import summaries as rs
    except ImportError:
        return
    rs.rebuild(conn)


def books_check(info: dict) -> tuple[int, str, float]:
    """(findings, scope, seconds) of the books check (app.books.checks.run_all) on the sample
    commune: under the row policies of migration 0037 when its role exists (the app's role, scoped to
    the commune's subtree, so every check reads that commune only), else over the whole database."""
    import time

    from app import create_app
    from app.books import checks
    from app.extensions import db

    with _connect(db_name()) as conn:
        role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'skh_app'").fetchone()
    config = {"SQLALCHEMY_DATABASE_URI": url(), "RATELIMIT_ENABLED": False}
    app = create_app({**config, "DATABASE_ROLE": "skh_app"} if role else config)
    t = time.perf_counter()
    with app.app_context():
        from app.units.models import Unit

        unit = db.session.get(Unit, info["commune_id"])
        if role:
            from app.core import rls

            with rls.unit_scope(unit.path):
                report = checks.run_all()
            scope = f"một xã: {unit.name}, theo chính sách hàng"
        else:
            report = checks.run_all()
            scope = "toàn bộ cơ sở dữ liệu"
        for f in report.findings[:10]:
            print("   ", f, file=sys.stderr)
        db.session.remove()
        db.engine.dispose()
    return len(report.findings), scope, time.perf_counter() - t


def main() -> int:
    url_, info, cached = build("--force" in sys.argv)
    print(json.dumps({"url": url_, "cached": cached, "seconds": round(info["seconds"], 1), "counts": info["counts"],
                      "stages": [(a, round(b, 1), c) for a, b, c in info["stages"]]}, ensure_ascii=False, indent=1))
    if "--check" in sys.argv:
        print("books check findings:", books_check(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
