"""Issue 14 (7): "Trùng tên" in a decision's import means the same name with its diacritics and birth year:
Ân / Ẩn, Hà / Hạ, Đức / Thành Đức are different people, and the confirmation adds them all."""
import re

from app.commendations import queries, services
from tests.commendations.test_import import admin, confirm_fields, count, draft, row, upload, xlsx  # noqa: F401

PREFIX = "/khen-thuong"


def _cells(body):
    return {m.group(1): m.group(2) for m in re.finditer(r'data-label="Dòng">(\d+)</td>(.*?)</tr>', body, re.S)}


def test_names_that_differ_by_their_marks_are_not_namesakes_and_are_all_added(admin, draft):
    before = count(draft)
    body = upload(admin, draft, xlsx([
        row("Nguyễn Thị Đạo", "Giải Nhất học sinh giỏi"),  # the list has Nguyễn Thị Đào: another person
        row("Lê Văn Ân", "Học sinh tiêu biểu", birth="2013"), row("Lê Văn Ẩn", "Học sinh tiêu biểu", birth="2013"),
        row("Trần Thị Hà"), row("Trần Thị Hạ"),
        row("Phạm Văn Đức"), row("Phạm Văn Thành Đức"),
        row("Võ  Văn Bảy", birth="2012"), row("võ văn bảy", "Giải Ba", birth="2012"),  # the same name: flagged
        row("Hồ Văn Tám", birth="2012"), row("Hồ Văn Tám", "Giải Ba", birth="2014"),  # another year: not flagged
    ])).get_data(as_text=True)
    cells = _cells(body)
    assert "Trùng tên với dòng 9 của tệp." in cells["10"]
    flagged = [line for line, text in cells.items() if "Trùng tên" in text or "Tên gần giống" in text
               or "bỏ qua" in text]
    assert flagged == ["10"], flagged
    admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan", data=confirm_fields(body))
    assert count(draft) == before + 11
    warnings = queries.warnings_for(draft, services.honorees(draft))
    by_name = {h.full_name: warnings.get(h.id, []) for h in services.honorees(draft)}
    for name in ("Nguyễn Thị Đạo", "Nguyễn Thị Đào", "Lê Văn Ân", "Lê Văn Ẩn", "Trần Thị Hà", "Trần Thị Hạ",
                 "Phạm Văn Đức", "Phạm Văn Thành Đức", "Hồ Văn Tám"):
        assert not any("Trùng tên" in w for w in by_name[name]), (name, by_name[name])
    assert any("Trùng tên" in w for w in by_name["Võ Văn Bảy"])


def test_a_family_registers_beside_another_whose_name_differs_only_by_its_marks(world):
    import pytest

    from app.commendations.assessments import AssessmentError, register
    from tests.factories_commendations import make_set

    cset = make_set()
    register(world.commune, cset, "Gia đình ông Lê Văn Ân", 2026, "Ấp Tân Lộc")
    register(world.commune, cset, "Gia đình ông Lê Văn Ẩn", 2026, "Ấp Tân Lộc")  # another family
    with pytest.raises(AssessmentError):
        register(world.commune, cset, "gia đình ông  lê văn ân", 2026, "Ấp Tân Lộc")
