"""About 60 demo donations to the September drive in Lai Vung (cash, transfer, in kind), one voided."""
import random
from datetime import date

from sqlalchemy import select

from app.campaigns.demo import OCTOBER, SEPTEMBER
from app.campaigns.models import Campaign
from app.extensions import db

from .donor_services import find_or_create_donor
from .services import record_donation, void_donation

HOUSEHOLDS = ["Hộ ông Nguyễn Văn Tư", "Hộ bà Trần Thị Lựu", "Hộ ông Lê Văn Sáu", "Hộ ông Phạm Văn Bảy",
              "Hộ bà Huỳnh Thị Tám", "Hộ ông Võ Văn Chín", "Hộ bà Đặng Thị Mười", "Hộ ông Bùi Văn Út",
              "Hộ bà Đỗ Thị Hai", "Hộ ông Trương Văn Ba"]
PEOPLE = ["Nguyễn Thị Hồng Nhung", "Trần Văn Đức", "Lê Thị Ánh Tuyết", "Phạm Quốc Hưng", "Huỳnh Minh Tâm",
          "Võ Thị Kim Loan", "Đặng Văn Lộc", "Bùi Thị Mỹ Duyên", "Đỗ Thành Nhân", "Ngô Thị Thu Hằng",
          "Dương Văn Phúc", "Lý Thị Ngọc Hân", "Tạ Quang Vinh", "Châu Thị Diễm", "Mai Văn Khỏe",
          "Thầy Hồ Văn Nghĩa", "Cô Phan Thị Thu Thủy", "Lương Văn Hậu", "Kiều Thị Yến", "Hà Minh Trí",
          "Quách Thị Ngọc Ánh"]
BUSINESSES = [("Doanh nghiệp tư nhân Thành Lợi", "0277 3841 222"), ("Công ty TNHH Hồng Phát Lai Vung", "0918 222 333"),
              ("Cửa hàng vật tư nông nghiệp Sáu Hiền", "0939 456 789"), ("Tiệm vàng Kim Thành", "0277 3850 111")]
ORGS = ["Chùa Phước Hưng", "Hội Cựu giáo chức xã Lai Vung", "Ngân hàng Nông nghiệp chi nhánh Lai Vung"]
BENEFACTORS = [("Ông Nguyễn Hữu Nghĩa (Việt kiều Mỹ)", "person"), ("Bà Lâm Thị Kim Cúc (TP. Hồ Chí Minh)", "person")]
VILLAGES = ["Ấp Tân Lộc", "Ấp Hòa Bình", "Ấp Tân Thạnh", "Ấp Long Thành", "Ấp Tân Phú"]
IN_KIND = [("vở", 50, "quyển", 400_000), ("xe đạp", 2, "chiếc", 3_600_000), ("bộ sách giáo khoa", 10, "bộ", 2_500_000),
           ("cặp sách", 20, "cái", 2_000_000), ("áo trắng học sinh", 30, "cái", 2_700_000)]
COLLECTORS = ["Lê Thị Ánh Tuyết", "Nguyễn Văn Đức", "Trần Thị Bé"]


def seed(units: dict) -> None:
    rng = random.Random(2026)
    sept = db.session.scalar(select(Campaign).where(Campaign.name == SEPTEMBER))
    octo = db.session.scalar(select(Campaign).where(Campaign.name == OCTOBER))
    if sept is None:
        return
    unit = sept.unit
    branches = [units["tan_loc"], units["hoa_binh"]]
    gifts = []
    for name in HOUSEHOLDS * 2:
        gifts.append((name, "household", rng.choice(VILLAGES), "", "cash", rng.choice([50_000, 100_000, 200_000, 300_000])))
    for name in PEOPLE:
        gifts.append((name, "person", rng.choice(VILLAGES), "", rng.choice(["cash", "cash", "transfer"]),
                      rng.choice([100_000, 200_000, 500_000, 1_000_000])))
    for name, phone in BUSINESSES:
        gifts.append((name, "business", "Thị trấn Lai Vung", phone, "transfer", rng.choice([5_000_000, 10_000_000])))
    for name in ORGS:
        gifts.append((name, "organisation", "Xã Lai Vung", "", "transfer", rng.choice([3_000_000, 5_000_000])))
    for name, kind in BENEFACTORS:
        gifts.append((name, kind, "", "", "transfer", 20_000_000))
    gifts.append(("", "anonymous", "", "", "cash", 2_000_000))
    rng.shuffle(gifts)
    donations = []
    for i, (name, kind, address, phone, method, amount) in enumerate(gifts):
        donor = find_or_create_donor(unit, name, kind, address, phone)
        day = date(2026, 9, 1 + (i * 29) // len(gifts))
        collector_unit = branches[i % 2] if method == "cash" and kind == "household" else None
        donations.append(record_donation(sept, donor, amount, donation_date=day, method=method,
                                         collector_name=COLLECTORS[i % 3] if method == "cash" else "",
                                         collector_unit=collector_unit))
    for i, (item, qty, item_unit, value) in enumerate(IN_KIND):
        donor = find_or_create_donor(unit, BUSINESSES[i % len(BUSINESSES)][0], "business", "Thị trấn Lai Vung",
                                     BUSINESSES[i % len(BUSINESSES)][1])
        record_donation(sept, donor, value, donation_date=date(2026, 9, 5 + i * 4), method="in_kind", item=item,
                        quantity=qty, item_unit=item_unit, note="Trao trực tiếp cho Ban Khuyến học")
    # A volunteer typed 2.000.000 instead of 200.000: voided, the right amount re-entered.
    wrong = donations[3]
    void_donation(wrong, "Ghi nhầm số tiền (thêm một số 0), đã ghi lại đúng số tiền")
    record_donation(sept, wrong.donor, max(wrong.amount // 10, 10_000), donation_date=wrong.donation_date,
                    method=wrong.method, note="Ghi lại sau khi hủy phiếu nhầm")
    if octo is not None:
        for name in HOUSEHOLDS[:3]:
            record_donation(octo, find_or_create_donor(unit, name, "household", VILLAGES[0]), 500_000,
                            donation_date=date(2026, 10, 1))
