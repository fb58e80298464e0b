"""Issue 3 bench: 200,000 donations across 50 units; p50/p95 server time of the money pages.

Run: .venv/bin/python -m bench.bench_money   (BENCH_DONATIONS=20000 for a quick run)
Seeding goes through the same rules as the app: record_donations_bulk checks every gift like
record_donation and posts each to the ledger with its own receipt number and audit entry,
a campaign's batch per transaction.
"""
import os
import random
import sys
import time
from datetime import date, timedelta

from bench.lib import Scoreboard, scratch_app, time_get

N_DONATIONS = int(os.environ.get("BENCH_DONATIONS", "200000"))
N_UNITS = 50
TARGET_MS = 50.0
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Hữu", "Thị Kim", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]


def seed(app, rng):
    from app.campaigns.services import create_campaign
    from app.core.db import write_mode
    from app.donations.donor_services import create_donor
    from app.donations.services import record_donations_bulk
    from app.extensions import db
    from app.funds.services import default_fund
    from app.units.services import create_unit
    from app.users.services import create_user

    with write_mode():
        province = create_unit(None, "Hội Khuyến học tỉnh Bền Vững", "province")
        communes = [create_unit(province, f"Hội Khuyến học xã Số {i + 1}", "commune") for i in range(9)]
        units = [province, *communes]
        while len(units) < N_UNITS:
            parent = communes[len(units) % len(communes)]
            units.append(create_unit(parent, f"Chi hội ấp {len(units)}", "village"))
        start = date(2026, 9, 1)
        campaigns = [create_campaign(u, f"Tháng Khuyến học 2026 - {u.name}", "fund_drive",
                                     start_date=start, end_date=date(2026, 12, 31), target_amount=500_000_000,
                                     fund=default_fund(u)) for u in units]
        treasurer = create_user(username="thuquy_bench", full_name="Nguyễn Văn Quỹ", unit=communes[0],
                                role="treasurer", password="Bench-mark-2026", must_change_password=False)
        db.session.commit()
    ids = (communes[0].id, campaigns[1].id)
    donors = {}
    t0 = time.perf_counter()
    batch = 10000
    done = 0
    while done < N_DONATIONS:
        with write_mode():
            by_campaign: dict[int, list] = {}
            for _ in range(min(batch, N_DONATIONS - done)):
                c = campaigns[done % len(campaigns)]
                key = (c.unit_id, rng.randrange(80))
                donor = donors.get(key)
                if donor is None:
                    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                    donor = donors[key] = create_donor(c.unit, name, "household", f"Ấp {rng.randrange(1, 9)}")
                by_campaign.setdefault(c.id, []).append(
                    {"donor": donor, "amount": rng.randrange(1, 200) * 10_000,
                     "donation_date": start + timedelta(days=rng.randrange(120)),
                     "method": rng.choice(["cash", "cash", "transfer"]),
                     "collector_name": rng.choice(["Cô Lan", "Thầy Hùng", ""])})
                done += 1
            db.session.flush()
            for c in campaigns:
                if c.id in by_campaign:
                    record_donations_bulk(c, by_campaign[c.id])
            db.session.commit()
        rate = done / (time.perf_counter() - t0)
        print(f"\r  đã nạp {done:,} / {N_DONATIONS:,} khoản ({rate:,.0f}/giây)", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return ids, time.perf_counter() - t0


def main():
    rng = random.Random(2026)
    board = Scoreboard(f"Quỹ và quyên góp: {N_DONATIONS:,} khoản, {N_UNITS} đơn vị")
    with scratch_app() as app:
        from app.extensions import db
        from app.funds.models import Fund

        (commune_id, campaign_id), seconds = seed(app, rng)
        board.add("Thời gian nạp dữ liệu", f"{seconds:.0f} s ({N_DONATIONS / seconds:,.0f} khoản/giây)")
        fund_id = db.session.scalar(db.select(Fund.id).where(Fund.unit_id == commune_id))
        client = app.test_client()
        resp = client.post("/dang-nhap", data={"username": "thuquy_bench", "password": "Bench-mark-2026"})
        assert resp.status_code in (302, 303), resp.status_code
        pages = [
            ("Danh sách quyên góp, lọc + trang 50", f"/quyen-gop/?nguoi=nguyen&trang=50"),
            ("Danh sách quyên góp, trang 1", "/quyen-gop/"),
            ("Danh sách quyên góp (htmx), lọc theo đợt", f"/quyen-gop/?dot={campaign_id}&trang=3"),
            ("Trang đợt vận động", f"/dot-van-dong/{campaign_id}"),
            ("Trang quỹ (sổ quỹ)", f"/quy/{fund_id}"),
            ("Trang quỹ, trang 40", f"/quy/{fund_id}?trang=40"),
        ]
        for label, url in pages:
            headers = {"HX-Request": "true"} if "htmx" in label else {}
            p50, p95 = time_get(client, url, headers=headers)
            board.add(label, f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", f"p95 < {TARGET_MS:.0f} ms", p95 < TARGET_MS)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(main())
