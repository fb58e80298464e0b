"""Demo pupils: three schools of Lai Vung and about 150 pupils with believable names and circumstances."""
import random
from datetime import date

from app.core.db import write_mode

from . import queries, services

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
          "Lý", "Trương", "Đoàn", "Lâm", "Châu", "Tôn Nữ", "Hoàng Phủ", "Âu Dương", "Tôn Thất"]
MIDDLE_F = ["Thị", "Ngọc", "Thị Mỹ", "Thị Ngọc", "Bảo", "Thanh", "Kim", "Hoàng Bảo", "Thị Thu", "Minh"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Hoàng", "Gia", "Nguyễn Hoàng", "Trọng"]
GIVEN_F = ["An", "Anh", "Ánh", "Châu", "Diễm", "Duyên", "Giang", "Hân", "Hằng", "Hoa", "Huyền", "Khuê", "Lan",
           "Linh", "Mai", "My", "Ngân", "Nhi", "Như", "Oanh", "Phương", "Quyên", "Thảo", "Thư", "Trâm", "Uyên",
           "Vy", "Xuân", "Yến", "Ẩn"]
GIVEN_M = ["An", "Bảo", "Bình", "Cường", "Danh", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Huy", "Khang", "Khoa",
           "Kiệt", "Lộc", "Long", "Nam", "Nghĩa", "Phát", "Phúc", "Quân", "Sang", "Tài", "Thắng", "Thịnh",
           "Toàn", "Trí", "Tuấn", "Vinh", "Ưng"]
VILLAGES = ["Ấp Tân Lộc", "Ấp Hòa Bình", "Ấp Long Thạnh", "Ấp Tân Thành", "Khóm 1", "Khóm 2"]
LONG_NAMES = [("Nguyễn Hoàng Bảo Ngọc Thiên Kim", "female"), ("Công Tằng Tôn Nữ Thị Bảo Trâm", "female"),
              ("Trần Lê Nguyễn Phương Khánh Linh", "female"), ("Huỳnh Nguyễn Thiên Phúc Khang", "male")]
ACHIEVEMENTS = ["Giải Nhì học sinh giỏi cấp tỉnh môn Toán", "Giải Ba học sinh giỏi cấp tỉnh môn Ngữ văn",
                "Giải Khuyến khích Hội khỏe Phù Đổng cấp tỉnh", "Giải Nhất Olympic tiếng Anh cấp xã"]

SCHOOLS = [("Trường Tiểu học Lai Vung 1", "primary", range(1, 6)),
           ("Trường THCS Lai Vung", "lower_secondary", range(6, 10)),
           ("Trường THPT Lai Vung 1", "upper_secondary", range(10, 13))]


def seed(units: dict) -> None:
    """About 150 pupils of xã Lai Vung (the caller commits, with the rest of the demo)."""
    rng = random.Random(2025)
    commune = units["lai_vung"]
    with write_mode():
        schools = [(services.save_school(commune, name, level, "Xã Lai Vung, tỉnh Đồng Tháp"), grades)
                   for name, level, grades in SCHOOLS]
        for i in range(150):
            school, grades = schools[i % 3]
            grade = rng.choice(list(grades))
            female = rng.random() < 0.5
            if i < len(LONG_NAMES):
                full, gender = LONG_NAMES[i]
                female = gender == "female"
            else:
                family = rng.choice(FAMILY)
                if family == "Tôn Nữ":
                    female = True
                middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
                full = f"{family} {middle} {rng.choice(GIVEN_F if female else GIVEN_M)}"
            born = 2025 - 6 - (grade - 1)
            circ = {k for k, p in (("poor", .25), ("near_poor", .15), ("orphan", .05), ("disabled", .03),
                                   ("minority", .04)) if rng.random() < p}
            family_name = services.split_name(full)[0]
            data = services.PupilData.from_full_name(
                full, birth_date=date(born, rng.randint(1, 12), rng.randint(1, 28)) if i % 10 else None,
                birth_year=born, gender="female" if female else "male",
                ethnicity="Khmer" if "minority" in circ else "Kinh", school=school, grade=grade,
                class_name=f"{grade}A{rng.randint(1, 4)}", school_year="2025-2026", village=rng.choice(VILLAGES),
                guardian=f"{family_name} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}",
                phone=f"09{rng.randint(10_000_000, 99_999_999)}", circumstances=circ)
            pupil = services.create_pupil(commune, data)
            if school.level == "primary":
                services.add_result(pupil, "2024-2025", rng.choice(["Hoàn thành xuất sắc", "Hoàn thành tốt",
                                                                    "Hoàn thành"]))
            else:
                services.add_result(pupil, "2024-2025", rng.choice(["Tốt", "Khá", "Đạt"]))
            if i % 17 == 5:
                services.add_achievement(pupil, "2025-2026", rng.choice(ACHIEVEMENTS))
            if i % 40 == 7:
                services.add_result(pupil, "2019-2020", old_text="Học sinh giỏi")
            if i % 50 == 3:
                queries.add_sponsorship(pupil, rng.choice(["Cô Lê Thị Mỹ Hạnh", "Ông Trần Văn Phước"]),
                                        "teacher" if i % 100 == 3 else "donor", date(2025, 9, 1), date(2026, 5, 31),
                                        500_000, "month", "Hỗ trợ tiền ăn học")
