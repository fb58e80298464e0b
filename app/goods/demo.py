"""Demo goods: the September drive's gifts in kind are in the commune's stock (app.donations.demo);
part of the school bags and one bicycle are handed out, and one hand-out typed wrong is voided."""
from datetime import date

from sqlalchemy import select

from app.campaigns.demo import SEPTEMBER
from app.campaigns.models import Campaign
from app.extensions import db

from .services import give_out, on_hand, reverse
from app.vn.text import fold


def seed(units: dict) -> None:
    sept = db.session.scalar(select(Campaign).where(Campaign.name == SEPTEMBER))
    if sept is None:
        return
    unit = sept.unit
    if on_hand(unit, fold("cặp sách"), "cái") < 12 or on_hand(unit, fold("xe đạp"), "chiếc") < 1:
        return  # the donations demo changed: nothing to hand out
    give_out(unit, item="cặp sách", item_unit="cái", quantity=10, entry_date=date(2026, 9, 28),
             recipient="Trường Tiểu học Lai Vung 1 (thầy Hồ Văn Nghĩa nhận)",
             purpose="Phát cặp sách cho học sinh khó khăn trước năm học mới", basis="08/QĐ-HKH")
    give_out(unit, item="xe đạp", item_unit="chiếc", quantity=1, entry_date=date(2026, 9, 28),
             recipient="Em Nguyễn Thị Mỹ Tiên, lớp 7A, Trường THCS Lai Vung",
             purpose="Tặng xe đạp cho học sinh nhà xa trường", basis="08/QĐ-HKH")
    wrong = give_out(unit, item="cặp sách", item_unit="cái", quantity=2, entry_date=date(2026, 9, 29),
                     recipient="Chi hội ấp Tân Lộc", purpose="Phát cặp sách")
    reverse(wrong, "Ghi nhầm: cặp sách chưa giao cho chi hội", entry_date=date(2026, 9, 30))
