"""Demo commendations for xã Lai Vung.

- the shipped criteria sets;
- Quyết định 05/QĐ-HKH: the pupils of the finished scholarship round (certificates only: they
  were already paid their scholarship), issued;
- Quyết định 41/QĐ-HKH: donors of the September drive who gave 3.000.000 đ or more, issued;
- ấp Tân Lộc's "Gia đình học tập" assessments for 2026 and Quyết định 45/QĐ-HKH honouring the
  families that passed, with 200.000 đ each from the Lai Vung fund (one total phiếu chi), issued.
"""
from datetime import date

from sqlalchemy import select

from app.campaigns.demo import SEPTEMBER
from app.campaigns.models import Campaign
from app.core.db import write_mode
from app.extensions import db
from app.funds import services as funds
from app.scholarships.models import ScholarshipRound

from . import assessments as assess
from . import bulk, certificates, criteria, issuing, queries, services

SIGNER = "Huỳnh Minh Tâm"
FAMILIES = [  # head of household, scores on the 2015 family set (35 / 25 / 20 / 20)
    ("Nguyễn Văn Tư", [33, 22, 18, 18]), ("Trần Thị Lựu", [30, 20, 15, 16]), ("Lê Văn Sáu", [25, 15, 12, 12]),
    ("Phạm Văn Bảy", [34, 24, 19, 19]), ("Huỳnh Thị Tám", [28, 18, 14, 14]), ("Võ Văn Chín", [20, 10, 10, 10]),
    ("Đặng Thị Mười", [31, 21, 17, 17]), ("Bùi Văn Út", [29, 19, 16, 15]), ("Đỗ Thị Hai", [35, 25, 20, 18]),
    ("Trương Văn Ba", [22, 14, 12, 11]), ("Tôn Nữ Thị Hà", [32, 23, 18, 17]), ("Ngô Văn Lành", [27, 17, 13, 12]),
]


def _decision(unit, number, day, title, list_title, **kw):
    # No Điều 3 text of its own: the decision names "các cá nhân" or "các tập thể và cá nhân" from its list.
    return services.create_decision(unit, services.DecisionData(
        number=number, decision_date=day, title=title, list_title=list_title, place="Lai Vung",
        signer_name=SIGNER, proposal=kw.pop("proposal", "Văn phòng Hội Khuyến học xã"), **kw))


def seed(units: dict) -> None:
    commune, village = units["lai_vung"], units["tan_loc"]
    with write_mode():
        criteria.seed_sets()
        certificates.save_setting(commune, issuer_line="Ban Thường vụ Hội Khuyến học xã Lai Vung", title="GIẤY KHEN",
                                  border="classic", logo="img/logo-khuyen-hoc.svg",
                                  signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH", signer_name=SIGNER, place="Lai Vung")

        rnd = db.session.scalar(select(ScholarshipRound).where(ScholarshipRound.unit_id == commune.id,
                                                               ScholarshipRound.status == "closed"))
        if rnd is not None:
            d = _decision(commune, "05/QĐ-HKH", date(2026, 2, 5),
                          f"Về việc khen thưởng học sinh nhận {rnd.name}",
                          f"học sinh nhận {rnd.name}", school_year=rnd.school_year,
                          proposal="Ban Khuyến học các trường và chi hội khuyến học các ấp")
            if bulk.from_nominations(d, rnd):
                issuing.issue(d)

        sept = db.session.scalar(select(Campaign).where(Campaign.name == SEPTEMBER))
        if sept is not None:
            d = _decision(commune, "41/QĐ-HKH", date(2026, 10, 2),
                          f"Về việc khen thưởng tập thể, cá nhân có nhiều đóng góp cho {sept.name}",
                          f"tập thể, cá nhân có nhiều đóng góp cho {sept.name}")
            if bulk.from_campaign(d, sept, 3_000_000):
                issuing.issue(d)

        family_set = next(s for s in criteria.current_sets("family"))
        for name, scores in FAMILIES:
            assess.score(assess.register(village, family_set, name, 2026, "Ấp Tân Lộc"), scores)
        assess.register(village, family_set, "Mai Văn Khỏe", 2026, "Ấp Tân Lộc")  # registered, not yet scored
        fund = funds.default_fund(commune)
        d = _decision(commune, "45/QĐ-HKH", date(2026, 11, 20),
                      "Về việc công nhận và khen thưởng danh hiệu “Gia đình học tập” năm 2026",
                      "gia đình được công nhận danh hiệu “Gia đình học tập” năm 2026",
                      proposal="Chi hội Khuyến học ấp Tân Lộc", award_form="giay_chung_nhan",
                      default_amount=200_000, fund=fund, payment_mode="total", group_by="place")
        bulk.from_assessments(d, village, 2026, "family")
        if funds.balance(fund) >= queries.totals(d)[1]:
            issuing.issue(d)
