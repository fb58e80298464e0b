"""Vietnamese names and places for the seeded province (deterministic with a seeded Random)."""
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Tôn Nữ", "Hoàng Phủ", "Âu Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thanh", "Hữu", "Thị Kim", "Quốc", "Bảo", "Gia", "Thị Mỹ"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Châu", "Cường", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hạnh", "Hùng",
         "Hương", "Khánh", "Khuê", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Nhi", "Phúc", "Quân", "Quỳnh",
         "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Tuyết", "Uyên", "Vy", "Yến"]
VILLAGES = ["Tân Lộc", "Phú Hòa", "Bình Thạnh", "An Nhơn", "Long Hưng", "Mỹ Xuyên", "Đông Thạnh", "Hòa Lợi",
            "Vĩnh Phúc", "Thuận An", "Kim Sơn", "Thượng", "Hạ", "Trung", "Đồng Tâm", "Quyết Thắng"]
WITNESSES = ["Cô Lan", "Thầy Hùng", "Bác Tư", "Chú Năm", "Chị Hạnh", "Anh Dũng"]
COMMUNE_NAMES = ["Tân", "Phú", "Bình", "An", "Long", "Mỹ", "Vĩnh", "Hòa", "Thạnh", "Đông", "Tây", "Nam", "Bắc",
                 "Phước", "Thuận", "Hưng", "Lợi", "Lộc", "Thọ", "Xuân"]


def person_name(rng) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def commune_name(i: int) -> str:
    a, b = COMMUNE_NAMES[i % len(COMMUNE_NAMES)], COMMUNE_NAMES[(i // len(COMMUNE_NAMES) + 3 + i) % len(COMMUNE_NAMES)]
    return f"{a} {b} {i + 1}"
