"""Demo rounds of xã Lai Vung: one finished and paid out, one open with nominations waiting.

Sized to the Lai Vung fund the funds demo leaves (86.500.000 đ handed over, 22.500.000 đ spent):
the finished round pays 26.000.000 đ (24 awards), the open round's budget is 25.000.000 đ.
"""
from datetime import date

from sqlalchemy import select

from app.core.db import write_mode
from app.extensions import db
from app.funds import services as funds
from app.pupils.models import Pupil

from . import payout, services


def seed(units: dict) -> None:
    commune = units["lai_vung"]
    with write_mode():
        fund = funds.default_fund(commune)
        pupils = db.session.scalars(select(Pupil).where(Pupil.unit_id == commune.id).order_by(Pupil.id)).all()
        if not pupils:
            return
        poor = [p for p in pupils if p.poor or p.near_poor or p.orphan or p.disabled or p.minority]
        achievers = [p for p in pupils if p.achievements]

        done = services.save_round(fund, "Học bổng Tết Bính Ngọ 2026", "2025-2026", 30_000_000,
                                   ceremony_date=date(2026, 1, 25), decision_number="03/QĐ-HKH")
        hardship = services.save_category(done, "Học bổng vượt khó", "hardship", 1_000_000, "10 quyển vở")
        talent = services.save_category(done, "Học bổng khuyến tài", "achievement", 1_500_000)
        noms = [services.nominate(done, p, hardship, proposer=p.school.name if p.school else "",
                                  reason="Gia đình khó khăn, chăm ngoan học tốt") for p in poor[:20]]
        noms += [services.nominate(done, p, talent, proposer=p.school.name if p.school else "",
                                   achievement=p.achievements[0].title, reason="Thành tích xuất sắc")
                 for p in achievers[:5]]
        services.approve(done, noms[:-1])
        services.reject(done, noms[-1:], "Đã nhận thưởng cho thành tích này ở đợt khác")
        approved = [n for n in noms if n.status == "approved"]
        payout.pay_many(done, approved, date(2026, 1, 25), sum(n.amount for n in approved))
        services.save_round(fund, done.name, done.school_year, done.budget, ceremony_date=done.ceremony_date,
                            decision_number=done.decision_number, status="closed", rnd=done)

        nxt = services.save_round(fund, "Học bổng Tiếp bước đến trường 2026-2027", "2026-2027", 25_000_000,
                                  ceremony_date=date(2026, 9, 5), decision_number="")
        # Awards in money and goods from the September gifts in kind (app.donations.demo): the round page
        # shows the notebooks and bicycles needed against the commune's stock; none handed out yet.
        cat = services.save_category(nxt, "Học bổng Tiếp bước đến trường", "hardship", 800_000,
                                     goods_item="vở", goods_unit="quyển", goods_quantity=5)
        bike = services.save_category(nxt, "Tặng xe đạp", "hardship", 0, quota=5, goods_item="xe đạp",
                                      goods_unit="chiếc", goods_quantity=1)
        services.save_category(nxt, "Học bổng đỡ đầu", "sponsorship", 1_200_000)
        waiting = [services.nominate(nxt, p, cat, proposer=p.school.name if p.school else "",
                                     reason="Hoàn cảnh khó khăn") for p in poor[5:35]]
        waiting.append(services.nominate(nxt, poor[5], bike, proposer="Chi hội Khuyến học ấp Tân Lộc",
                                         reason="Nhà xa trường 5 km"))  # same pupil twice: warned
        services.approve(nxt, waiting[:4])
