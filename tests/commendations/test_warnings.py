"""Warnings on a decision's list: near-identical names, honours already given this year."""
from app.commendations import bulk, issuing, queries, services
from app.commendations.queries import near_duplicates
from app.vn.names import split_name
from tests.factories_commendations import add, make_assessment, make_decision, make_set

PREFIX = "/khen-thuong"


def _near(*names):
    found = near_duplicates((i, *split_name(n)) for i, n in enumerate(names))
    return {(names[a], names[b]) for a, others in found.items() for b in others if a < b}


def test_a_missing_or_extra_middle_name_is_near():
    assert _near("Nguyễn An", "Nguyễn Văn An") == {("Nguyễn An", "Nguyễn Văn An")}
    assert _near("Tôn Nữ Thị Minh Khuê", "Tôn Nữ Minh Khuê") == {("Tôn Nữ Thị Minh Khuê", "Tôn Nữ Minh Khuê")}


def test_one_typing_slip_in_the_family_or_middle_name_is_near():
    assert _near("Trần Văn Bình", "Trần Văm Bình") == {("Trần Văn Bình", "Trần Văm Bình")}
    assert _near("Nguyễn Thị Lan", "Ngyuễn Thị Lan") == {("Nguyễn Thị Lan", "Ngyuễn Thị Lan")}


def test_different_given_names_or_middle_names_are_not_near():
    assert _near("Trần Văn Đức", "Trần Văn Thành Đức") == set()  # Thành Đức is another name (issue 14)
    assert _near("Nguyễn Đức", "Nguyễn Thành Đức") == set()
    assert _near("Nguyễn Văn An", "Nguyễn Văn Anh") == set()
    assert _near("Nguyễn Thị Thu", "Nguyễn Thị Thủy") == set()
    assert _near("Nguyễn Văn An", "Nguyễn Thị An") == set()
    assert _near("Lê Văn An", "Trần Văn An") == set()


def test_detail_page_shows_near_duplicate_warnings(world, as_user):
    d = make_decision(world.commune)
    a = add(d, "Nguyễn Văn Hùng")
    b = add(d, "Nguyễn Hùng", "Học sinh tiêu biểu")
    c = add(d, "Nguyễn Văn Hưng")  # folded "hung" too, but Hưng is not Hùng: no "Trùng tên" (issue 14)
    e = add(d, "nguyễn  văn hùng", "Học sinh tiêu biểu")  # the same name as a, typed otherwise: flagged
    warnings = queries.warnings_for(d, services.honorees(d))
    assert "Tên gần giống: Nguyễn Hùng." in warnings[a.id]
    assert any(w.startswith("Tên gần giống: Nguyễn Văn Hùng, Nguyễn Văn Hưng") for w in warnings[b.id])
    assert not any("Trùng tên" in w for w in warnings[c.id])
    assert "Trùng tên với 1 người khác trong danh sách." in warnings[a.id] and any(
        "Trùng tên" in w for w in warnings[e.id])
    body = as_user(world.users["viewer"]).get(f"{PREFIX}/quyet-dinh/{d.id}", htmx=True).get_data(as_text=True)
    assert "Tên gần giống: Nguyễn Hùng." in body


def test_honours_of_units_below_count_and_other_communes_do_not(world):
    branch_decision = make_decision(world.branch)
    add(branch_decision, "Lê Thị Hoa", "Giải Nhì học sinh giỏi")
    other = make_decision(world.other_commune)
    add(other, "Trần Văn Bảo", "Giải Nhì học sinh giỏi")
    d = make_decision(world.commune)
    hoa = add(d, "Lê Thị Hoa", "Giải Nhì học sinh giỏi")
    bao = add(d, "Trần Văn Bảo", "Giải Nhì học sinh giỏi")
    warnings = queries.warnings_for(d, services.honorees(d))
    assert any(branch_decision.number in w for w in warnings[hoa.id])
    assert bao.id not in warnings


def test_other_years_do_not_count(world):
    from datetime import date

    old = make_decision(world.commune, day=date(2025, 5, 5))
    add(old, "Lê Thị Hoa", "Giải Nhì học sinh giỏi")
    d = make_decision(world.commune)
    h = add(d, "Lê Thị Hoa", "Giải Nhì học sinh giỏi")
    assert h.id not in queries.warnings_for(d, services.honorees(d))


def test_an_assessment_honoured_twice_is_flagged(world):
    cset = make_set()
    make_assessment(world.branch, cset, "Nguyễn Văn Tư", scores=[9] * 10)
    first = make_decision(world.commune)
    bulk.from_assessments(first, world.commune, 2026)
    issuing.issue(first)
    second = make_decision(world.commune)
    bulk.from_assessments(second, world.commune, 2026)
    [h] = services.honorees(second)
    warnings = queries.warnings_for(second, [h])
    assert f"Danh hiệu này đã được khen ở Quyết định số {first.number}." in warnings[h.id]
    assert any("cùng thành tích" in w for w in warnings[h.id])


def test_amended_decision_shows_its_amendment(world, as_user):
    d = make_decision(world.commune)
    add(d, "Lê Văn An")
    issuing.issue(d)
    new = services.amending_draft(d)
    from app.extensions import db

    db.session.commit()
    assert services.honorees(new) == []  # the list is not copied: register numbers stay with the old one
    body = as_user(world.users["viewer"]).get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert "Được sửa đổi bởi" in body and new.number in body


def test_issue_page_counts_the_lines_with_warnings(world, as_user):
    d = make_decision(world.commune)
    add(d, "Nguyễn Văn Hùng")
    add(d, "Nguyễn Hùng", "Học sinh tiêu biểu")
    add(d, "Lê Thị Mai")
    client = as_user(world.users["admin"])
    for htmx in (False, True):
        body = client.get(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh", htmx=htmx).get_data(as_text=True)
        assert "2 người trong danh sách có cảnh báo" in body
