"""Demo members of xã Lai Vung (and one clan branch of Phong Hòa), their populations, and their dues.

- about 210 members: ấp Tân Lộc 60, ấp Hòa Bình 55, the THCS school's ban 35, the commune's own
  members 20 (its executive committee and retired teachers), dòng họ Nguyễn Văn (Phong Hòa) 40;
- joined between 2012 and 2026; a few left or died in 2025 and 2026, with the reason;
- a few members are the same people as the September drive's donors (linked, not typed twice);
- the commune's population for 2025 and 2026 (the counts' "chiếm … % dân số");
- dues for two years with some members lapsed: app/members/dues_demo.py, when it exists.
"""
import importlib
import random
from datetime import date

from sqlalchemy import select

from app.core.db import write_mode
from app.extensions import db
from app.pupils.demo import FAMILY, GIVEN_F, GIVEN_M, MIDDLE_F, MIDDLE_M

from . import services
from .models import DECEASED, LEFT, Member

# unit key, how many, villages of that unit, the occupations it draws from (weights by repetition)
BRANCHES = [
    ("tan_loc", 60, ["Ấp Tân Lộc"], ["farmer", "farmer", "parent", "parent", "veteran", "retired_teacher",
                                      "business", "retired_official", "worker", "religious"]),
    ("hoa_binh", 55, ["Ấp Hòa Bình"], ["farmer", "parent", "parent", "worker", "veteran", "retired_teacher",
                                        "business", "other"]),
    ("thcs_lai_vung", 35, ["Khóm 1", "Khóm 2", "Ấp Tân Lộc"], ["teacher", "teacher", "teacher", "parent",
                                                                "official", "student"]),
    ("lai_vung", 20, ["Khóm 1", "Khóm 2"], ["retired_teacher", "retired_official", "official", "veteran",
                                            "business"]),
    ("dong_ho_nguyen", 40, ["Ấp Phong Thạnh", "Ấp Phong Hòa"], ["farmer", "parent", "retired_teacher",
                                                               "veteran", "worker", "business"]),
]
# Long and compound names, so the list, the cards and the export meet them (first members of Tân Lộc).
LONG_NAMES = [("Công Tằng Tôn Nữ Thị Bảo Trâm", "female", 1958), ("Nguyễn Hoàng Bảo Ngọc Thiên Kim", "female", 1989),
              ("Âu Dương Thị Mỹ Hạnh", "female", 1966), ("Tôn Thất Quang Minh", "male", 1951),
              ("Hoàng Phủ Ngọc Tường", "male", 1949), ("Huỳnh Nguyễn Thiên Phúc Khang", "male", 1992)]
# The same people as donors of the September drive (app/donations/demo.py): linked, not typed twice.
DONOR_MEMBERS = [("tan_loc", "Mai Văn Khỏe", "male", 1960, "farmer"),
                 ("tan_loc", "Đặng Văn Lộc", "male", 1955, "veteran"),
                 ("hoa_binh", "Kiều Thị Yến", "female", 1972, "business"),
                 ("lai_vung", "Thầy Hồ Văn Nghĩa", "male", 1950, "retired_teacher"),
                 ("lai_vung", "Cô Phan Thị Thu Thủy", "female", 1963, "retired_teacher"),
                 ("hoa_binh", "Lương Văn Hậu", "male", 1968, "farmer")]
LEFT_REASONS = ["Chuyển đến sinh sống ở Thành phố Hồ Chí Minh", "Xin ra khỏi hội vì tuổi cao, sức yếu",
                "Đi làm ăn xa, không còn sinh hoạt", "Chuyển công tác về Trường THCS Tân Thành"]
DIED_REASONS = ["Từ trần do bệnh nặng", "Từ trần vì tuổi cao", "Tai nạn giao thông"]
# unit key -> [(status, ended_on)]: who ended their membership, in 2025 and 2026.
ENDINGS = {
    "tan_loc": [(LEFT, date(2025, 3, 14)), (DECEASED, date(2025, 11, 2)), (LEFT, date(2026, 6, 30)),
                (DECEASED, date(2026, 2, 19))],
    "hoa_binh": [(LEFT, date(2025, 8, 1)), (DECEASED, date(2026, 9, 23)), (LEFT, date(2026, 10, 5))],
    "thcs_lai_vung": [(LEFT, date(2025, 8, 31)), (LEFT, date(2026, 8, 31))],
    "dong_ho_nguyen": [(DECEASED, date(2025, 4, 7)), (LEFT, date(2026, 1, 15))],
}
# The commune's population (thống kê xã), for the counts' share of the population.
POPULATIONS = {"lai_vung": {2025: 13_020, 2026: 13_180}, "phong_hoa": {2025: 9_450, 2026: 9_510}}


def _person(rng: random.Random, family: str = "") -> tuple[str, str]:
    female = rng.random() < 0.5
    family = family or rng.choice(FAMILY)
    if family == "Tôn Nữ":
        female = True
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    return f"{family} {middle} {rng.choice(GIVEN_F if female else GIVEN_M)}", "female" if female else "male"


def _joined(rng: random.Random, birth_year: int) -> date:
    # Most joined at a chi hội's founding congress (2012, 2017, 2022) or over the years since.
    year = max(birth_year + 16, rng.choice([2012, 2012, 2017, 2017, 2022, 2014, 2016, 2019, 2020, 2021, 2023,
                                            2024, 2025, 2026]))
    last = date(2026, 11, 30) if year == 2026 else date(year, 12, 28)
    day = date(year, rng.randint(1, 12), rng.randint(1, 28))
    return min(day, last)


def _rows(rng: random.Random, key: str, count: int, villages: list[str], occupations: list[str]) -> list[dict]:
    rows, used = [], set()
    people = []
    if key == "tan_loc":
        people += [(name, gender, born, "") for name, gender, born in LONG_NAMES]
    people += [(name, gender, born, occ) for unit, name, gender, born, occ in DONOR_MEMBERS if unit == key]
    while len(people) < count:
        # A clan branch is mostly its own family name.
        name, gender = _person(rng, "Nguyễn" if key == "dong_ho_nguyen" and rng.random() < .8 else "")
        if name in used:
            continue
        used.add(name)
        people.append((name, gender, None, ""))
    for i, (name, gender, born, occupation) in enumerate(people):
        occupation = occupation or rng.choice(occupations)
        if born is None:
            low, high = {"student": (2005, 2008), "parent": (1975, 1995), "teacher": (1970, 1998)}.get(
                occupation, (1945, 1985))
            born = rng.randint(low, high)
        village = rng.choice(villages)
        rows.append(services.check_fields(
            name=name.removeprefix("Thầy ").removeprefix("Cô "), birth_year=born if i % 13 else None,
            gender=gender, village=village, address=f"{village}, xã Lai Vung" if key != "dong_ho_nguyen"
            else f"{village}, xã Phong Hòa",
            phone=f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < .6 else "",
            occupation=occupation, joined_on=_joined(rng, born),
            note="Ủy viên Ban Chấp hành" if key == "lai_vung" and i < 5 else ""))
    return rows


def _link_donors(commune, linked: list[tuple[int, str]]) -> None:
    from app.donations.donors import Donor

    for member_id, donor_name in linked:
        donor = db.session.scalar(select(Donor).where(Donor.unit_id == commune.id, Donor.name == donor_name))
        if donor is not None:  # the donations demo may change its list
            services.link_donor(db.session.get(Member, member_id), donor)


def _populations(units: dict) -> None:
    """Through the population page's service when it is there (app.members.counts), else rows audited here."""
    from app.audit.services import record

    from .models import UnitPopulation

    try:
        from .counts import save_populations as saver
    except ImportError:  # before the counts land
        saver = None
    for key, years in POPULATIONS.items():
        for year, population in years.items():
            if saver is not None:
                saver(units[key], year, {units[key].id: population})
                continue
            row = UnitPopulation(unit_id=units[key].id, year=year, population=population)
            db.session.add(row)
            db.session.flush()
            record("create", row, after=row.audit_dict(), unit_id=row.unit_id)


def seed(units: dict) -> None:
    """The caller commits, with the rest of the demo."""
    rng = random.Random(19)
    donor_names = {(key, name.removeprefix("Thầy ").removeprefix("Cô ")): name for key, name, *_ in DONOR_MEMBERS}
    linked = []
    with write_mode():
        for key, count, villages, occupations in BRANCHES:
            rows = _rows(rng, key, count, villages, occupations)
            ids = services.bulk_create_members(units[key], rows)
            db.session.flush()
            members = [db.session.get(Member, i) for i in ids]
            linked += [(m.id, donor_names[key, m.full_name]) for m in members if (key, m.full_name) in donor_names]
            # The ones who end are long-standing members (joined two years before), never a linked donor.
            for status, ended_on in ENDINGS.get(key, []):
                candidates = [m for m in members if m.active and m.joined_on.year <= ended_on.year - 2
                              and (key, m.full_name) not in donor_names]
                member = rng.choice(candidates)
                reason = rng.choice(DIED_REASONS if status == DECEASED else LEFT_REASONS)
                services.end_membership(member, status=status, ended_on=ended_on, reason=reason)
        db.session.flush()
        _link_donors(units["lai_vung"], linked)
        _populations(units)
        db.session.flush()
        try:
            dues_demo = importlib.import_module("app.members.dues_demo")
        except ModuleNotFoundError as err:  # the dues demo lands with the dues pages
            if err.name != "app.members.dues_demo":
                raise
            return
        dues_demo.seed(units)
