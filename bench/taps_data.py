"""The school's list of N pupils, as an .xlsx filled in from the import template's columns."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bench.names import FAMILY, GIVEN, MIDDLE, VILLAGES

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Trường", "Lớp", "Thôn, ấp",
           "Phụ huynh", "Điện thoại", "Hoàn cảnh", "Loại học bổng", "Thành tích", "Lý do đề cử"]
SCHOOL = "Trường THCS Lai Vung"


def pupil_names(n: int) -> list[str]:
    """N different full names (no two alike even without diacritics: no false "Trùng tên")."""
    out, seen = [], set()
    i = 0
    while len(out) < n:
        name = (f"{FAMILY[i % len(FAMILY)]} {MIDDLE[(i // len(FAMILY)) % len(MIDDLE)]} "
                f"{GIVEN[(i * 7 + i // (len(FAMILY) * len(MIDDLE))) % len(GIVEN)]}")
        i += 1
        from app.vn.text import fold

        if fold(name) not in seen:
            seen.add(fold(name))
            out.append(name)
    return out


def pupils_xlsx(path: Path, n: int, category: str) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(HEADERS)
    born = date(2010, 1, 3)  # pupils of 6 to 15: every birth date in the past
    for i, name in enumerate(pupil_names(n), start=1):
        girl = " Thị " in f" {name} "
        sheet.append([i, name, (born + timedelta(days=(37 * i) % 3000)).strftime("%d/%m/%Y"), "Nữ" if girl else "Nam", "Kinh",
                      SCHOOL, f"{6 + i % 4}A{1 + i % 3}", f"Ấp {VILLAGES[i % len(VILLAGES)]}",
                      f"Phụ huynh em {name.split()[-1]}", f"09{i:08d}", "Hộ nghèo", category, "",
                      "Gia đình khó khăn, học khá"])
    book.save(path)
    return path
