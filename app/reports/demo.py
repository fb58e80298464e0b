"""Demo history for the reports: xã Tân Thành, merged into xã Lai Vung on 1 July 2025.

Before the merger it ran its own September drive (2024) and piggy banks (opened in May 2025); its
fund was handed over to Lai Vung on 15 July 2025, then the unit and its branch were moved under
Lai Vung and closed. Lai Vung's reports for 2024-2025 and 2025 show that history (the tree as it
is now), and the hand-over is a transfer, so the money is counted once, when it was raised.
"""
import random
from datetime import date

from app.campaigns.services import create_campaign, set_status
from app.core.db import write_mode
from app.donations.donor_services import find_or_create_donor
from app.donations.services import record_donation
from app.funds import services as funds
from app.piggybanks import services as pigs
from app.units.services import create_unit, move_unit, set_active

OLD = "Hội Khuyến học xã Tân Thành (cũ)"
DONORS = ["Hộ ông Phan Văn Lực", "Hộ bà Lê Thị Hồng", "Hộ ông Trần Văn Phước", "Hộ bà Nguyễn Thị Sen",
          "Ông Võ Thành Danh", "Bà Huỳnh Thị Kim Ngân", "Cửa hàng điện máy Tân Thành", "Chùa Tân Long",
          "Hộ ông Đặng Văn Nhỏ", "Hộ bà Dương Thị Út", "Thầy Lâm Quốc Việt", "Hộ ông Mai Văn Tốt"]
PIGS = ["Hộ ông Phan Văn Lực", "Hộ bà Lê Thị Hồng", "Hộ ông Trần Văn Phước", "Hộ bà Nguyễn Thị Sen",
        "Hộ ông Đặng Văn Nhỏ", "Hộ bà Dương Thị Út"]


def seed(units: dict) -> None:
    """Build the merged commune's history (the caller commits, with the rest of the demo)."""
    province, lai_vung = units.get("province"), units.get("lai_vung")
    if province is None or lai_vung is None:
        return
    rng = random.Random(2024)
    with write_mode():
        old = create_unit(province, OLD, "commune", "Xã Tân Thành (cũ), huyện Lai Vung, tỉnh Đồng Tháp")
        branch = create_unit(old, "Chi hội Khuyến học ấp Tân Thạnh", "village")
        drive = create_campaign(old, "Tháng Khuyến học 2024 - xã Tân Thành", "fund_drive",
                                "Học bổng cho học sinh nghèo xã Tân Thành năm học 2024-2025",
                                start_date=date(2024, 9, 1), end_date=date(2024, 9, 30), target_amount=40_000_000)
        for i, name in enumerate(DONORS):
            donor = find_or_create_donor(old, name, "household" if name.startswith("Hộ") else "person",
                                         "Ấp Tân Thạnh")
            record_donation(drive, donor, rng.choice([200_000, 500_000, 1_000_000, 2_000_000, 3_000_000]),
                            donation_date=date(2024, 9, 2 + i * 2), collector_name="Nguyễn Thị Thu",
                            collector_unit=branch if name.startswith("Hộ") else None)
        set_status(drive, "closed")
        for i, pig in enumerate(pigs.issue_many(branch, PIGS, holder_type="household", prefix="TT", start=None,
                                                 issued_on=date(2024, 10, 1))):
            amount = rng.randrange(200, 700) * 1_000
            kept = amount // 2 // 1000 * 1000 if i % 3 == 1 else 0
            pigs.open_pig(pig, opened_on=date(2025, 5, 18), amount=amount, disposition="split" if kept else "fund",
                          to_fund=amount - kept if kept else None, kept=kept or None,
                          witness1="Phan Văn Lực", witness2="Lê Thị Hồng")
        # 1 July 2025: the commune is merged into Lai Vung; its funds are handed over.
        target = funds.default_fund(lai_vung)
        for fund in (funds.default_fund(old), funds.default_fund(branch)):
            left = funds.balance(fund)
            if left:
                funds.transfer(fund, target, left, entry_date=date(2025, 7, 15),
                               reason="Bàn giao quỹ khuyến học khi sáp nhập xã Tân Thành vào xã Lai Vung")
        move_unit(old, lai_vung)
        set_active(branch, False)
        set_active(old, False)
