"""Demo campaigns for Lai Vung: the September drive and the 2/10 Study Encouragement Day."""
from datetime import date

from .services import create_campaign

SEPTEMBER = "Tháng Khuyến học 2026"
OCTOBER = "Ngày Khuyến học Việt Nam 2/10"


def seed(units: dict) -> None:
    lai_vung = units["lai_vung"]
    create_campaign(lai_vung, SEPTEMBER, "fund_drive",
                    "Học bổng, sách vở và xe đạp cho học sinh nghèo vượt khó năm học 2026-2027",
                    start_date=date(2026, 9, 1), end_date=date(2026, 9, 30), target_amount=150_000_000)
    create_campaign(lai_vung, OCTOBER, "fund_drive", "Khen thưởng gia đình, dòng họ học tập tiêu biểu",
                    start_date=date(2026, 10, 1), end_date=date(2026, 10, 2), target_amount=30_000_000)
