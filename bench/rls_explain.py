"""What the row policies cost a list query (issue 20 C): the same commune gift list planned and timed
as the owner (no policies apply) and as skh_app with the commune's scope (app/core/rls.py).

    .venv/bin/python -m bench.rls_explain postgresql://postgres@127.0.0.1:5432/<a seeded database> [--apply]

Read only: one transaction per side, rolled back. Prints both plans and the best of 20 runs each.
--apply: the policy on donation as app/core/rls.py writes it now, put in place inside each rolled
back transaction (a database migrated by an older 0037 is measured with today's policy; it locks
the donation table for the few seconds of the runs).
"""
import sys
import time

import psycopg

from app.core import rls

LIST = ("SELECT d.id, d.donation_date, d.amount FROM donation d "
        "WHERE d.unit_id IN (SELECT id FROM unit WHERE path LIKE %(path)s || '%%') AND d.voided_at IS NULL "
        "ORDER BY d.donation_date DESC, d.id DESC LIMIT 50")
# A province-wide total: no scope condition of the app's (covers_all_units), so the policy's is
# the only filter, checked on every row (a hash probe each).
TOTAL = ("SELECT count(*), sum(d.amount) FROM donation d WHERE d.voided_at IS NULL "
         "AND %(path)s::text IS NOT NULL")
RUNS = 20
APPLY = "--apply" in sys.argv


def measure(conn, path: str, *, policies: bool, query: str = LIST, cross: str = "off") -> tuple[str, float]:
    with conn.transaction(force_rollback=True):
        if policies and APPLY:
            conn.execute("SET LOCAL lock_timeout = '2s'")
            for statement in rls.policy_statements("donation"):
                conn.execute(statement)
        if policies:
            conn.execute(f"SET LOCAL ROLE {rls.ROLE}")
            conn.execute("SELECT set_config('skh.scope', %s, true), set_config('skh.cross', %s, true)",
                         (path, cross))
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, {"path": path}))
        best = float("inf")
        for _ in range(RUNS):
            start = time.perf_counter()
            conn.execute(query, {"path": path}).fetchall()
            best = min(best, time.perf_counter() - start)
    return plan, best * 1000


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--apply"]
    url = args[0] if args else "postgresql://postgres@127.0.0.1:5432/test"
    with psycopg.connect(url) as conn:
        path, name, gifts = conn.execute(
            "SELECT u.path, u.name, count(d.id) FROM unit u JOIN donation d ON d.unit_id = u.id "
            "WHERE u.kind = 'commune' GROUP BY u.id ORDER BY count(d.id) DESC LIMIT 1").fetchone()
        total = conn.execute("SELECT count(*) FROM donation").fetchone()[0]
        print(f"[rls] {total} gifts; the commune with the most: {name} ({path}, {gifts} gifts)")
        results = {}
        for policies in (False, True):
            plan, ms = measure(conn, path, policies=policies)
            label = f"as {rls.ROLE}, scope {path}" if policies else "as the owner, no policies"
            results[policies] = ms
            print(f"\n--- {label}: best of {RUNS} {ms:.2f} ms\n{plan}")
        print(f"\n[rls] commune gift list, first page: owner {results[False]:.2f} ms, "
              f"with the policies {results[True]:.2f} ms")
        root = conn.execute("SELECT path FROM unit WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        totals = {}
        for policies in (False, True):
            plan, totals[policies] = measure(conn, root, policies=policies, query=TOTAL)
            if policies:
                print(f"\n--- the whole database's total as {rls.ROLE}, scope {root}\n{plan}")
        _plan, whole = measure(conn, root, policies=True, query=TOTAL, cross="on")
        print(f"[rls] whole-database gift total: owner {totals[False]:.2f} ms, "
              f"with the policies probing every row {totals[True]:.2f} ms, "
              f"as the only top unit's user (its scope said as the whole database) {whole:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
