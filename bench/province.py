"""Issue 8: a province-sized association, seeded through the services' bulk paths.

    .venv/bin/python -m bench.province            # build (or reuse) the cached SQLite file, print its path
    .venv/bin/python -m bench.province --force    # rebuild even if cached
    .venv/bin/python -m bench.province --pg       # seed BENCH_DATABASE_URL (PostgreSQL) instead
    BENCH_QUICK=1 ...                             # a tenth of the size (a quick run of the whole bench)

100 communes, 400 branches, 200,000 donations, 10,000 piggy banks each opened once, 30,000 pupils,
20,000 nominations, 10,000 honorees, 300,000 members (issue 19; about 2 % left or died, and the
branches of a tenth of the communes collect dues for two years). Every row goes through the same checks as the forms:
record_donations_bulk / post_incomes_bulk (receipt numbers, ledger, audit), create_donors_bulk,
bulk_create_pupils, bulk_nominate, issue_many, piggybanks.bulk.open_many, commendations from_text,
members check_fields + bulk_create_members, end_membership, dues save_setting + collect.
Only durability is relaxed while seeding (PRAGMA synchronous=OFF on the seeding connection).

The SQLite file is cached in $BENCH_CACHE (default ~/.cache/skh-bench) under a name made from the
hash of the seed code, the migrations and the domain services, so an unchanged checkout reseeds
nothing. With BENCH_DATABASE_URL (PostgreSQL) the schema is rebuilt and seeded every run.
"""
import hashlib
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

from bench.lib import ROOT

QUICK = os.environ.get("BENCH_QUICK") == "1"
SCALE = 0.1 if QUICK else 1.0
SIZES = {k: int(v * SCALE) if k not in ("communes", "branches_per_commune") else v for k, v in {
    "communes": 100, "branches_per_commune": 4, "donations": 200_000, "donors": 20_000, "piggy_banks": 10_000,
    "pupils": 30_000, "nominations": 20_000, "honorees": 10_000, "members": 300_000}.items()}
PASSWORD = "Bench-mark-2026"
# Province users see the whole province (the heaviest lists); the commune treasurer enters donations.
USERS = {"treasurer": "tinh_thuquy", "admin": "tinh_quantri", "commune": "xa_thuquy"}
SEED_FILES = ["bench/province.py", "bench/province_seed.py", "bench/names.py", "migrations/versions",
              "app/donations/services.py", "app/donations/donor_services.py", "app/funds/services.py", "app/piggybanks/services.py",
              "app/piggybanks/bulk.py", "app/pupils/services.py", "app/scholarships/importing.py",
              "app/commendations/bulk.py", "app/commendations/services.py", "app/audit/services.py",
              "app/members/services.py", "app/members/dues.py"]


def cache_dir() -> Path:
    base = os.environ.get("BENCH_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME")
                                                         or os.path.expanduser("~/.cache"), "skh-bench")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def seed_hash() -> str:
    h = hashlib.sha256(json.dumps(SIZES, sort_keys=True).encode())
    for name in SEED_FILES:
        p = ROOT / name
        for f in sorted(p.rglob("*.py")) if p.is_dir() else [p] if p.exists() else []:
            h.update(f.relative_to(ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


class Timer:
    def __init__(self):
        self.stages, self.t0 = [], time.perf_counter()
        self.last = self.t0

    def mark(self, label: str, rows: int = 0):
        now = time.perf_counter()
        self.stages.append((label, now - self.last, rows))
        print(f"  {label}: {now - self.last:.1f} s" + (f" ({rows:,} dòng)" if rows else ""), file=sys.stderr,
              flush=True)
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.t0


def _fast_sqlite(app):
    """Seeding only: no fsync per commit. The checks and triggers all still run."""
    from sqlalchemy import event

    from app.extensions import db

    if db.engine.dialect.name == "sqlite":
        @event.listens_for(db.engine, "connect")
        def _fast(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA synchronous=OFF")
        db.engine.dispose()


def seed(app, rng: random.Random) -> dict:
    """Fill the (migrated, empty) database; returns what the load test needs (ids, logins, counts)."""
    from app.core.db import write_mode
    from app.extensions import db

    from bench import province_seed as s

    _fast_sqlite(app)
    timer = Timer()
    info = {"sizes": SIZES, "password": PASSWORD, "users": USERS}
    with write_mode():
        tree = s.units_and_users(rng, SIZES, USERS, PASSWORD)
        db.session.commit()
        timer.mark("đơn vị, người dùng, quỹ, đợt vận động", 1 + len(tree.communes) + len(tree.branches))
        info.update(province_id=tree.province.id, commune_id=tree.communes[0].id,
                    campaign_id=tree.campaigns[0].id, fund_id=tree.campaigns[0].fund_id)
        n = s.donations(rng, tree, SIZES)
        timer.mark("nhà hảo tâm và khoản quyên góp", n)
        n = s.piggy_banks(rng, tree, SIZES)
        timer.mark("heo đất, cấp và mổ heo", n)
        pupils = s.pupils(rng, tree, SIZES)
        timer.mark("học sinh", len(pupils))
        info["round_id"], n = s.nominations(rng, tree, SIZES, pupils)
        timer.mark("đề cử học bổng", n)
        info["decision_id"], n = s.honorees(rng, tree, SIZES)
        timer.mark("người được khen thưởng", n)
        ids_of = s.members(rng, tree, SIZES)
        timer.mark("hội viên", SIZES["members"])
        n = s.dues(rng, tree, SIZES, ids_of)
        timer.mark("hội phí hai năm (một phần mười số xã)", n)
        n = s.end_members(rng, ids_of["ended"])
        timer.mark("hội viên ra hội, từ trần", n)
        db.session.commit()
    info["seconds"] = timer.total
    info["stages"] = timer.stages
    info["counts"] = s.counts()
    return info


def _migrated_app(url: str):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(revision="heads")
    return app


def build(force: bool = False, pg: str | None = None) -> tuple[str, dict, bool]:
    """(database URL, info, cached?) of a seeded province: SQLite cached by seed hash, or PostgreSQL
    at `pg` (rebuilt every time)."""
    os.environ.setdefault("INSTANCE_PATH", str(cache_dir() / "instance"))
    key = seed_hash()
    db_file = cache_dir() / f"province-{key}{'-quick' if QUICK else ''}.db"
    info_file = db_file.with_suffix(".json")
    if not pg and not force and db_file.exists() and info_file.exists():
        return f"sqlite:///{db_file}", json.loads(info_file.read_text()), True
    # One cached province per size (300 MB); a PostgreSQL build leaves the SQLite one alone (the
    # page-weight and Lighthouse sections still read it after the PostgreSQL load test).
    for old in cache_dir().glob("province-*") if not pg else ():
        if old.name.split(".")[0].endswith("-quick") == QUICK:
            old.unlink()
    tmp = db_file.with_name(db_file.name + ".tmp")
    for f in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        f.unlink(missing_ok=True)
    url = pg or f"sqlite:///{tmp}"
    app = _migrated_app(url)
    with app.app_context():
        from app.extensions import db

        info = seed(app, random.Random(2026))
        # No ANALYZE on SQLite: the app never runs it, so the bench must not plan with statistics a
        # real commune's file would not have. PostgreSQL's autovacuum would analyze the new tables
        # within minutes; the load test starts now, so do it here (committed: statistics are too).
        with (db.engine.begin() if pg else db.engine.connect()) as conn:
            conn.exec_driver_sql("ANALYZE" if pg else "PRAGMA wal_checkpoint(TRUNCATE)")
        db.session.remove()
        db.engine.dispose()
    if pg:
        return pg, info, False
    shutil.move(tmp, db_file)
    info_file.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    return f"sqlite:///{db_file}", info, False


def main() -> int:
    force = "--force" in sys.argv
    url, info, cached = build(force, os.environ.get("BENCH_DATABASE_URL") if "--pg" in sys.argv else None)
    print(json.dumps({"url": url, "cached": cached, "seconds": round(info["seconds"], 1),
                      "counts": info["counts"]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
