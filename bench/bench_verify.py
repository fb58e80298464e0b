"""Issue 18 bench: the public verification page under 10,000 lookups (p50 / p95 / max).

    .venv/bin/python -m bench.bench_verify          # BENCH_VERIFY_LOOKUPS=2000 (or BENCH_QUICK=1) for a short run

On the demo association (`flask seed-demo`: receipts, vouchers, goods papers, decisions, their lists
and certificates, payout sheets), through the Flask test client in one process: a mix of genuine
codes of every kind found (60 %), forged or altered codes (25 %) and genuine codes of missing papers
(15 %), each from its own client address (REMOTE_ADDR) as a crowd of phones would, so the per-address
limit (VERIFY_RATE_LIMIT, on here as in production) never refuses. The lookups are counted on the
way (app.papers.tally); the audit log must stay exactly as it was. tests/perf/test_verify_lookups.py
runs the same workload, smaller.
"""
from __future__ import annotations

import os
import random
import sys
import time

from bench.lib import Scoreboard, percentiles, scratch_app

QUICK = os.environ.get("BENCH_QUICK") == "1"  # `make bench` in its short form: a tenth
N_LOOKUPS = int(os.environ.get("BENCH_VERIFY_LOOKUPS", "1000" if QUICK else "10000"))
TARGET_P95_MS = 50.0
MISSING_ID = 10 ** 9


def papers() -> dict[str, list[int]]:
    """{kind: [record ids]} of every paper the database holds, as each kind's describer reads them."""
    from sqlalchemy import select

    from app.commendations.models import Decision, Honoree
    from app.extensions import db
    from app.funds.models import LedgerEntry
    from app.goods.models import GoodsEntry
    from app.members.models import Member
    from app.scholarships.models import ScholarshipRound

    def ids(stmt):
        return list(db.session.scalars(stmt.limit(500)))

    return {
        "receipt": ids(select(LedgerEntry.id).where(LedgerEntry.number.like("PT-%"))),
        "voucher": ids(select(LedgerEntry.id).where(LedgerEntry.number.like("PC-%"))),
        "goods_in": ids(select(GoodsEntry.id).where(GoodsEntry.number.like("GN-%"))),
        "goods_out": ids(select(GoodsEntry.id).where(GoodsEntry.number.like("XK-%"))),
        "decision": ids(select(Decision.id)),
        "decision_list": ids(select(Decision.id)),
        "certificate": ids(select(Honoree.id)),
        "payout_sheet": ids(select(ScholarshipRound.id)),
        "member_card": ids(select(Member.id)),
    }


def workload(found: dict[str, list[int]], n: int, seed: int = 18) -> list[tuple[str, str]]:
    """n (what, path) pairs: what is "found", "forged" or "missing"."""
    from app.papers import codes

    rng = random.Random(seed)
    kinds = sorted(k for k, v in found.items() if v)
    out = []
    for _ in range(n):
        roll = rng.random()
        kind = rng.choice(kinds)
        if roll < 0.60:
            out.append(("found", f"/xac-minh/{codes.code_for(kind, rng.choice(found[kind]))}"))
        elif roll < 0.85:
            code = list(codes.code_for(kind, rng.choice(found[kind])).replace("-", ""))
            at = rng.randrange(len(code))
            code[at] = rng.choice([c for c in codes.ALPHABET if c != code[at]])
            if rng.random() < 0.3:  # some made up whole
                code = [rng.choice(codes.ALPHABET) for _ in code]
            out.append(("forged", "/xac-minh/" + codes.pretty("".join(code))))
        else:
            out.append(("missing", f"/xac-minh/{codes.code_for(kind, MISSING_ID + rng.randrange(1000))}"))
    return out


def run(client, paths: list[tuple[str, str]]) -> dict:
    """Time each lookup (ms), each from its own address. Returns samples per outcome and the statuses."""
    samples: dict[str, list[float]] = {"found": [], "forged": [], "missing": []}
    statuses: dict[str, set] = {k: set() for k in samples}
    for i, (what, path) in enumerate(paths):
        addr = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        t = time.perf_counter()
        resp = client.get(path, environ_base={"REMOTE_ADDR": addr})
        samples[what].append((time.perf_counter() - t) * 1000)
        statuses[what].add(resp.status_code)
    return {"samples": samples, "statuses": statuses}


def summary(samples: list[float]) -> tuple[float, float, float]:
    p50, p95 = percentiles(samples)
    return p50, p95, max(samples)


def audit_rows() -> int:
    from sqlalchemy import func, select

    from app.audit.models import AuditEntry
    from app.extensions import db

    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def main() -> int:
    board = Scoreboard(f"Trang xác minh giấy tờ: {N_LOOKUPS:,} lượt tra cứu")
    with scratch_app() as app:
        from app.core.db import write_mode
        from app.demo.services import seed
        from app.extensions import db, limiter

        with write_mode():
            seed()
            db.session.commit()
        app.config.update(RATELIMIT_ENABLED=True)
        limiter.init_app(app)  # the per-address limit on, as in production
        found = papers()
        print("  giấy tờ mẫu: " + ", ".join(f"{k} {len(v)}" for k, v in found.items()), file=sys.stderr)
        paths = workload(found, N_LOOKUPS)
        client = app.test_client()
        run(client, workload(found, 200, seed=1))  # warm: templates compiled, the key read
        before = audit_rows()
        t0 = time.perf_counter()
        result = run(client, paths)
        seconds = time.perf_counter() - t0
        db.session.commit()
        after = audit_rows()
        every = [s for v in result["samples"].values() for s in v]
        p50, p95, worst = summary(every)
        board.add("Tra cứu (tất cả)", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.0f} ms "
                  f"({len(every):,} lượt trong {seconds:.0f} s)", f"p95 < {TARGET_P95_MS:.0f} ms",
                  p95 < TARGET_P95_MS)
        for what, label in (("found", "có thật"), ("forged", "giả, sửa"), ("missing", "đúng mã, không còn")):
            p50, p95, worst = summary(result["samples"][what])
            board.add(f"  mã {label} ({len(result['samples'][what]):,})",
                      f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.0f} ms")
        expected = {"found": {200}, "forged": {404}, "missing": {404}}
        board.add("Trạng thái trả về", str({k: sorted(v) for k, v in result["statuses"].items()}),
                  "200 / 404 / 404", result["statuses"] == expected)
        board.add("Nhật ký kiểm tra", f"{before} dòng trước, {after} dòng sau", "không đổi", before == after)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
