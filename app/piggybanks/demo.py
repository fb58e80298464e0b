"""Demo piggy banks: ~40 pigs in Lai Vung (households, pupils of class 8A2, a class) and the Nguyễn Văn
clan branch, most opened once in August 2026, some split, some kept by the family, a few re-issued."""
import random
from datetime import date, timedelta

from sqlalchemy import select

from app.campaigns.models import OPEN, PIGGY_BANK, Campaign
from app.core.db import write_mode
from app.extensions import db

from . import services

HOUSEHOLDS_TL = ["Hộ ông Nguyễn Văn Hai", "Hộ bà Trần Thị Ba", "Hộ ông Lê Văn Tư", "Hộ bà Phạm Thị Năm",
                 "Hộ ông Huỳnh Văn Sáu", "Hộ bà Võ Thị Bảy", "Hộ ông Đặng Văn Tám", "Hộ bà Bùi Thị Chín",
                 "Hộ ông Đỗ Văn Mười", "Hộ bà Ngô Thị Út", "Hộ ông Lương Văn Nhất", "Hộ bà Tô Thị Nhì"]
HOUSEHOLDS_HB = ["Hộ ông Dương Văn Lợi", "Hộ bà Lý Thị Hoa", "Hộ ông Phan Văn Tài", "Hộ bà Hồ Thị Lan",
                 "Hộ ông Trương Văn Phúc", "Hộ bà Mai Thị Hồng", "Hộ ông Lâm Văn Thành", "Hộ bà Châu Thị Mỹ", "Hộ ông Kiều Văn Khải"]
PUPILS_8A2 = ["Nguyễn Hoàng Anh", "Trần Gia Bảo", "Lê Ngọc Châu", "Phạm Minh Đức", "Huỳnh Thị Giang",
              "Võ Quốc Huy", "Đặng Thị Kim Khánh", "Bùi Tấn Lộc", "Đỗ Thị Mỹ Ngọc", "Ngô Thanh Phong",
              "Dương Thị Quỳnh", "Lý Văn Sơn"]
CLAN = ["Hộ ông Nguyễn Văn Đạt", "Hộ ông Nguyễn Văn Thắng", "Hộ bà Nguyễn Thị Hạnh"]
WITNESSES = {"tan_loc": ("Trần Văn Lực", "Nguyễn Thị Mai"), "hoa_binh": ("Lê Văn Hậu", "Phạm Thị Thu"),
             "thcs_lai_vung": ("Cô Huỳnh Thị Ngọc Hân", "Thầy Võ Văn Tâm"),
             "dong_ho_nguyen": ("Ông Nguyễn Văn Tư", "Ông Nguyễn Văn Đạt")}
ISSUED = date(2026, 1, 10)


def _campaign(units):
    """The open piggy-bank campaign of Lai Vung, if the campaigns demo made one."""
    return db.session.scalar(select(Campaign).where(Campaign.unit_id == units["lai_vung"].id,
                                                    Campaign.kind == PIGGY_BANK, Campaign.status == OPEN))


def seed(units: dict) -> None:
    """Issue, open and re-issue the demo pigs (the caller commits)."""
    rng = random.Random(2026)
    with write_mode():
        campaign = _campaign(units)
        groups = [
            ("tan_loc", services.issue_many(units["tan_loc"], HOUSEHOLDS_TL, holder_type="household",
                                            prefix="LV-TL", start=None, issued_on=ISSUED, seed_money=10_000,
                                            campaign=campaign)),
            ("hoa_binh", services.issue_many(units["hoa_binh"], HOUSEHOLDS_HB, holder_type="household",
                                             prefix="LV-HB", start=None, issued_on=ISSUED, campaign=campaign)),
            ("thcs_lai_vung", services.issue_many(units["thcs_lai_vung"], PUPILS_8A2, holder_type="pupil",
                                                  prefix="LV-THCS", start=None, issued_on=ISSUED,
                                                  campaign=campaign)
             + services.issue_many(units["thcs_lai_vung"], ["Lớp 7A1", "Lớp 9A3"], holder_type="class",
                                   prefix="LV-LOP", start=None, issued_on=ISSUED, campaign=campaign)),
            ("dong_ho_nguyen", services.issue_many(units["dong_ho_nguyen"], CLAN, holder_type="household",
                                                   prefix="PH-DH", start=None, issued_on=ISSUED)
             + services.issue_many(units["dong_ho_nguyen"], ["Chi hội dòng họ Nguyễn Văn"], holder_type="branch",
                                   prefix="PH-CH", start=None, issued_on=ISSUED)),
        ]
        day = date(2026, 8, 15)
        for key, pigs in groups:
            w1, w2 = WITNESSES[key]
            for i, pig in enumerate(pigs):
                if i % 6 == 5:
                    continue  # not opened yet: stays on the next opening-day sheet
                amount = rng.randrange(150, 900) * 1_000 * (3 if pig.holder_type in ("class", "branch") else 1)
                disposition, to_fund, kept = "fund", None, None
                if i % 4 == 1:
                    disposition = "split"
                    kept = amount // 2 // 1000 * 1000
                    to_fund = amount - kept
                elif i % 7 == 3:
                    disposition = "kept"
                services.open_pig(pig, opened_on=day + timedelta(days=i % 3), amount=amount,
                                  disposition=disposition, to_fund=to_fund, kept=kept, witness1=w1, witness2=w2)
                if i % 5 == 0:  # a few already re-issued (tái đàn) for the school year
                    services.reissue(pig, issued_on=date(2026, 9, 5), seed_money=10_000)
        db.session.flush()
