"""A commune whose main lists can be grown from a few rows to a thousand, through the bulk services."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.commendations import bulk as honoree_bulk
from app.donations import donor_services
from app.donations.donors import Donor
from app.donations.services import record_donations_bulk
from app.extensions import db
from app.pupils import services as pupils
from app.scholarships import importing
from tests.factories_commendations import make_decision
from tests.factories_donations import make_campaign
from tests.factories_scholarships import make_category, make_round, make_school

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Võ"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Đào", "Giang", "Hà", "Hưng", "Khánh", "Lan", "Mai"]


def name(i: int) -> str:
    return f"{FAMILY[i % 5]} Văn {GIVEN[i % 11]}{'' if i < 11 else ' ' + GIVEN[(i // 11) % 11]}"


@dataclass
class Lists:
    """One campaign, fund, round and decision of commune A, and how many rows each list holds."""

    world: object
    campaign: object = None
    round: object = None
    category: object = None
    decision: object = None
    school: object = None
    donors: list = field(default_factory=list)
    size: int = 0

    def __post_init__(self):
        unit = self.world.commune
        self.campaign = make_campaign(unit, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
        self.round = make_round(unit)
        self.category = make_category(self.round)
        self.decision = make_decision(unit)
        self.school = make_school(unit)
        ids = donor_services.create_donors_bulk(unit, [{"name": name(i), "kind": "person", "address": "Ấp Tân Lộc"}
                                                       for i in range(20)])
        db.session.commit()
        self.donors = [db.session.get(Donor, i) for i in ids]

    def grow(self, size: int) -> "Lists":
        """Bring every list to `size` rows: donations (and so ledger entries), pupils, nominations, honorees."""
        n, start = size - self.size, self.size
        record_donations_bulk(self.campaign, [
            {"donor": self.donors[i % len(self.donors)], "amount": 100_000 + i, "method": "cash",
             "donation_date": date(2026, 3, 1) + timedelta(days=i % 200), "collector_name": "Cô Lan"}
            for i in range(start, size)])
        ids = pupils.bulk_create_pupils(self.world.commune, [
            pupils.PupilData.from_full_name(name(i), birth_date=date(2012, 1 + i % 12, 1 + i % 28),
                                            school=self.school, grade=7, class_name="7A1", village="Ấp Tân Lộc")
            for i in range(start, size)], source="test")
        importing.bulk_nominate(self.round, [(pid, self.category, "", "Nhà khó khăn") for pid in ids])
        honoree_bulk.from_text(self.decision, "\n".join(f"{name(i)}\tHọc sinh giỏi {i}" for i in range(start, size)))
        db.session.commit()
        self.size = size
        assert n > 0
        return self
