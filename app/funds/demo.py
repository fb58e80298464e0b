"""Demo money: commune funds, a province fund, the former district fund handed over, a few payments."""
from datetime import date

from app.core.db import write_mode

from . import services


def seed(units: dict) -> None:
    """Post the demo ledger (the caller commits, in one transaction with the rest of the demo)."""
    with write_mode():  # SQLite: take the write lock up front, as CLI writers do
        province = services.default_fund(units["province"])
        lai_vung = services.default_fund(units["lai_vung"])
        phong_hoa = services.default_fund(units["phong_hoa"])
        old_district = services.create_fund(units["province"], "Quỹ khuyến học huyện Lai Vung (cũ)",
                                             "Quỹ của Hội Khuyến học huyện Lai Vung trước ngày 01/7/2025")
        services.post_income(old_district, 86_500_000, entry_date=date(2025, 6, 30), source="donation",
                             counterparty="Hội Khuyến học huyện Lai Vung (cũ)",
                             description="Số dư quỹ khuyến học huyện Lai Vung tại ngày 30/6/2025",
                             method="transfer")
        services.transfer(old_district, lai_vung, 86_500_000, entry_date=date(2025, 7, 15),
                          reason="Quỹ khuyến học huyện Lai Vung cũ bàn giao")
        services.post_income(province, 150_000_000, entry_date=date(2026, 1, 15), source="donation",
                             counterparty="Công ty Cổ phần Thủy sản Sa Đéc",
                             counterparty_address="Phường Sa Đéc, tỉnh Đồng Tháp",
                             description="Ủng hộ Quỹ khuyến học tỉnh năm 2026", method="transfer")
        services.post_income(phong_hoa, 32_000_000, entry_date=date(2026, 2, 5), source="donation",
                             counterparty="Ông Nguyễn Văn Tư", counterparty_address="Ấp Phong Thạnh, xã Phong Hòa",
                             description="Ủng hộ Tết Bính Ngọ cho học sinh nghèo")
        services.post_payment(lai_vung, 18_000_000, entry_date=date(2026, 9, 3),
                              recipient="Ban Khuyến học Trường THCS Lai Vung",
                              purpose="Học bổng “Tiếp bước đến trường” cho 60 học sinh", basis="15/QĐ-HKH")
        services.post_payment(lai_vung, 4_500_000, entry_date=date(2026, 9, 20), recipient="Nhà sách Lai Vung",
                              purpose="Mua tập vở tặng học sinh có hoàn cảnh khó khăn", basis="22/QĐ-HKH")
        services.post_payment(phong_hoa, 6_000_000, entry_date=date(2026, 10, 2),
                              recipient="Chi hội Khuyến học dòng họ Nguyễn Văn",
                              purpose="Khen thưởng học sinh giỏi Ngày Khuyến học Việt Nam", basis="08/QĐ-HKH")
