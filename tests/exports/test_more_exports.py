"""Issue 6, second part: the lists that had no export (decisions, assessments, scholarship rounds, a
round's payout page, units, users, audit log, schools, roll-up) export to .xlsx and CSV with the
page's current filters and scope; the honoree export honours ?canh_bao=1; long exports are not cut."""
from datetime import date
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.scholarships import services as rounds
from app.units.services import create_unit
from tests.exports.test_exports import _csv_rows, _flat, _hrefs, _url, _xlsx_rows
from tests.factories_commendations import add, make_assessment, make_decision, make_set
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_scholarships import (make_category, make_nomination, make_pupil, make_round,
                                          make_school)


def build(world):
    unit = world.commune
    make_decision(unit, number="101/QĐ-HKH")
    make_decision(unit, number="202/QĐ-HKH")
    cset = make_set()
    make_assessment(unit, cset, "Nguyễn Văn Tư", village="Ấp Tân Lộc")
    make_assessment(unit, cset, "Lê Thị Năm", village="Ấp Mỹ Phước")
    near = make_school(unit, "Trường THCS Tân Phú")
    far = make_school(unit, "Trường THCS Mỹ An")
    make_school(world.other_commune, "Trường THCS Hòa An Xa")
    rnd = make_round(unit, commit=False, name="Học bổng vượt khó 2026")
    make_round(world.other_commune, name="Học bổng của xã khác")
    cat = make_category(rnd, 500_000, commit=False)
    a = make_nomination(rnd, make_pupil(unit, "Võ Thị Gần", school=near, commit=False), cat, commit=False)
    b = make_nomination(rnd, make_pupil(unit, "Hồ Văn Xa", school=far, commit=False), cat, commit=False)
    rounds.approve(rnd, [a, b])
    create_unit(unit, "Chi hội ấp Phú Mỹ", "village")
    db.session.commit()
    make_donation(make_campaign(world.branch, "Đợt của chi hội"), 700_000, make_donor(world.branch, "Đỗ Văn Góp"))
    return SimpleNamespace(rnd=rnd, near=near, far=far)


def cases(s, w):
    """(role, list page, export URL, filter query or None when the page has no filters, a text only the
    kept rows have, a text the filter (or, without filters, the scope) leaves out, a header)."""
    return [
        ("viewer", "/khen-thuong/", "/khen-thuong/xuat.xlsx", {"q": "101"}, "101/QĐ-HKH", "202/QĐ-HKH",
         "Số quyết định"),
        ("viewer", "/khen-thuong/danh-gia", "/khen-thuong/danh-gia/xuat.xlsx", {"thon": "Ấp Tân Lộc"},
         "Nguyễn Văn Tư", "Lê Thị Năm", "Danh hiệu"),
        ("viewer", "/hoc-bong/", "/hoc-bong/xuat.xlsx", None, "Học bổng vượt khó 2026", "Học bổng của xã khác",
         "Ngân sách (đồng)"),
        ("treasurer", f"/hoc-bong/{s.rnd.id}/chi-tra", f"/hoc-bong/{s.rnd.id}/chi-tra/xuat.xlsx",
         {"truong": s.near.id}, "Võ Thị Gần", "Hồ Văn Xa", "Số phiếu chi"),
        ("viewer", "/don-vi/", "/don-vi/xuat.xlsx", {"q": "tan loc"}, "Chi hội ấp Tân Lộc", "Chi hội ấp Phú Mỹ",
         "Đơn vị cấp trên"),
        ("admin", "/nguoi-dung/", "/nguoi-dung/xuat.xlsx", {"role": "treasurer"}, "treasurer_a", "viewer_a",
         "Tên đăng nhập"),
        ("admin", "/nhat-ky/", "/nhat-ky/xuat.xlsx", {"object_type": "unit"}, "Chi hội ấp Phú Mỹ", "treasurer_a",
         "Người thực hiện"),
        ("viewer", "/hoc-sinh/truong/", "/hoc-sinh/truong/xuat.xlsx", None, "Trường THCS Tân Phú",
         "Trường THCS Hòa An Xa", "Cấp học"),
        ("viewer", "/bao-cao/tong-hop", "/bao-cao/tong-hop.xlsx", {"don_vi": w.branch.id, "ky": "2026-2027"},
         "Chi hội ấp Tân Lộc", "Hội Khuyến học xã Tân Phú", "Vận động được (đồng)"),
    ]


N_CASES = 9


@pytest.mark.parametrize("index", range(N_CASES))
def test_export_holds_the_pages_rows_with_its_filters_in_both_formats(world, as_user, index):
    s = build(world)
    role, page, export, query, kept, dropped, header = cases(s, world)[index]
    client = as_user(world.users[role])
    everything = _flat(_xlsx_rows(client.get(export).data))
    if query:  # the filter, not the scope, leaves the row out: it is there without the filter
        assert dropped in everything
    else:  # no filters: the other commune's record stays out of every export
        assert kept in everything and dropped not in everything
    for htmx in (False, True):
        resp = client.get(_url(export, query), htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        assert "attachment" in resp.headers["Content-Disposition"] and ".xlsx" in resp.headers["Content-Disposition"]
        rows = _xlsx_rows(resp.data)
        assert header in rows[0]
        assert kept in _flat(rows[1:]) and dropped not in _flat(rows)
        resp = client.get(_url(export, {**(query or {}), "format": "csv"}), htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        assert "charset=utf-8" in resp.headers["Content-Type"] and ".csv" in resp.headers["Content-Disposition"]
        rows = _csv_rows(resp.data)  # checks the byte-order mark
        assert header in rows[0]
        assert kept in _flat(rows[1:]) and dropped not in _flat(rows)


@pytest.mark.parametrize("index", range(N_CASES))
def test_list_page_links_both_exports_with_its_current_filters(world, as_user, index):
    s = build(world)
    role, page, export, query, *_ = cases(s, world)[index]
    client = as_user(world.users[role])
    for htmx in (False, True):
        resp = client.get(_url(page, {**(query or {}), "trang": 1}), htmx=htmx)
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        hrefs = [h.replace("&amp;", "&") for h in _hrefs(html)]
        hrefs = [h for h in hrefs if urlsplit(h).path == export]
        assert len(hrefs) == 2, hrefs
        parsed = [parse_qs(urlsplit(h).query) for h in hrefs]
        for args in parsed:
            for key, value in (query or {}).items():
                assert args[key] == [str(value)]
            assert "trang" not in args
        assert sorted(a.get("format", ["xlsx"])[0] for a in parsed) == ["csv", "xlsx"]
        assert "Xuất Excel" in html and "Xuất CSV" in html


def test_exports_answer_as_their_pages_do_for_roles_and_other_units(app, world):
    from tests.conftest import login

    s = build(world)
    other_round = make_round(world.other_commune, name="Đợt xã khác có chi trả")
    client = app.test_client()
    login(client, world.users["viewer"])
    assert client.get("/nguoi-dung/xuat.xlsx").status_code == 403  # the user list is for administrators
    assert client.get(f"/hoc-bong/{s.rnd.id}/chi-tra/xuat.xlsx").status_code == 403  # paying is the treasurer's
    client = app.test_client()
    login(client, world.users["treasurer"])
    assert client.get(f"/hoc-bong/{s.rnd.id}/chi-tra/xuat.xlsx").status_code == 200
    assert client.get(f"/hoc-bong/{other_round.id}/chi-tra/xuat.xlsx").status_code == 404
    assert client.get(f"/bao-cao/tong-hop.xlsx?don_vi={world.other_commune.id}").status_code == 404
    other_school = make_school(world.other_commune, "Trường khác xã")
    assert client.get(f"/hoc-bong/{s.rnd.id}/chi-tra/xuat.xlsx?truong={other_school.id}").status_code == 404


def test_rollup_export_has_the_own_row_each_child_and_the_total(world, as_user):
    build(world)
    make_donation(make_campaign(world.commune, "Đợt của xã"), 300_000, make_donor(world.commune, "Người Xã"))
    client = as_user(world.users["viewer"])
    query = {"don_vi": world.commune.id, "ky": "2026-2027"}
    page = client.get(_url("/bao-cao/tong-hop", query)).get_data(as_text=True)
    for fmt in ("xlsx", "csv"):
        data = client.get(_url("/bao-cao/tong-hop.xlsx", {**query, "format": fmt})).data
        rows = _xlsx_rows(data) if fmt == "xlsx" else [
            [r[0], *(int(v) for v in r[1:])] for r in _csv_rows(data)[1:]]
        body = rows[1:] if fmt == "xlsx" else rows
        names = [r[0] for r in body]
        assert names[0] == "Hội Khuyến học xã Tân Phú (trực tiếp)"
        assert "Chi hội ấp Tân Lộc" in names and "Chi hội ấp Phú Mỹ" in names and names[-1] == "Tổng cộng"
        by_name = {r[0]: r for r in body}
        assert by_name["Hội Khuyến học xã Tân Phú (trực tiếp)"][1] == 300_000
        assert by_name["Chi hội ấp Tân Lộc"][1] == 700_000
        for col in range(1, len(body[0])):  # the total is the sum of the rows above, as on the page
            assert by_name["Tổng cộng"][col] == sum(r[col] for r in body[:-1])
        assert by_name["Tổng cộng"][1] == 1_000_000
        for name in names[:-1]:
            assert name.replace(" (trực tiếp)", "") in page


def test_honoree_export_honours_the_warnings_filter(world, as_user):
    d = make_decision(world.commune)
    add(d, "Nguyễn Văn An")
    add(d, "Nguyễn Văn An", achievement="Học sinh giỏi")
    add(d, "Trần Thị Bình")
    client = as_user(world.users["clerk"])
    url = f"/khen-thuong/quyet-dinh/{d.id}/xuat.xlsx"
    everything = _xlsx_rows(client.get(url).data)
    assert [r[1] for r in everything[1:]] == ["Nguyễn Văn An", "Nguyễn Văn An", "Trần Thị Bình"]
    assert "Cảnh báo" not in everything[0]
    for fmt in ("xlsx", "csv"):
        data = client.get(f"{url}?canh_bao=1&format={fmt}").data
        rows = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
        assert rows[0][-1] == "Cảnh báo"
        assert [r[1] for r in rows[1:]] == ["Nguyễn Văn An", "Nguyễn Văn An"]  # Trần Thị Bình has no warning
        assert [str(r[0]) for r in rows[1:]] == ["1", "2"]  # numbered as in the whole list
        assert all("Trùng tên" in r[-1] for r in rows[1:])
    # The links on the filtered page (and in its htmx fragment) carry the filter.
    for htmx in (False, True):
        html = client.get(f"/khen-thuong/quyet-dinh/{d.id}?canh_bao=1", htmx=htmx).get_data(as_text=True)
        hrefs = [h.replace("&amp;", "&") for h in _hrefs(html) if urlsplit(h.replace("&amp;", "&")).path == url]
        assert len(hrefs) == 2 and all(parse_qs(urlsplit(h).query)["canh_bao"] == ["1"] for h in hrefs), hrefs


def test_long_export_is_read_in_batches_and_not_cut(world, as_user, monkeypatch):
    """The donation export reads its rows in batches (here of 2) and keeps every row in both formats;
    CSV is streamed."""
    import app.donations.routes as donation_routes

    monkeypatch.setattr(donation_routes, "EXPORT_BATCH", 2)
    drive = make_campaign(world.commune, "Đợt dài")
    names = [f"Người góp số {i}" for i in range(7)]
    for i, name in enumerate(names):
        make_donation(drive, 100_000 + i, make_donor(world.commune, name), day=date(2026, 9, 1 + i))
    client = as_user(world.users["viewer"])
    rows = _xlsx_rows(client.get(f"/quyen-gop/xuat.xlsx?dot={drive.id}").data)
    assert sorted(r[2] for r in rows[1:]) == sorted(names)
    assert [r[1] for r in rows[1:]] and all(r[1] for r in rows[1:])  # each receipt number loaded
    resp = client.get(f"/quyen-gop/xuat.xlsx?dot={drive.id}&format=csv")
    assert resp.is_streamed
    rows = _csv_rows(resp.data)
    assert sorted(r[2] for r in rows[1:]) == sorted(names)
    assert [r[0] for r in rows[1:]] == [f"2026-09-0{7 - i}" for i in range(7)]  # newest first, as the page


def test_xlsx_past_the_sheet_limit_ends_with_a_row_saying_so_and_csv_holds_everything(world, as_user,
                                                                                       monkeypatch):
    """The one cap: an .xlsx sheet holds about a million rows (Excel's limit). Past it the file says the
    list holds only the first rows; CSV has no limit and keeps every row."""
    import app.core.xlsx as xlsx

    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 3)
    drive = make_campaign(world.commune, "Đợt dài")
    for i in range(5):
        make_donation(drive, 100_000, make_donor(world.commune, f"Người góp số {i}"))
    client = as_user(world.users["viewer"])
    rows = _xlsx_rows(client.get(f"/quyen-gop/xuat.xlsx?dot={drive.id}").data)
    assert len(rows) == 1 + 3 + 1
    assert rows[-1][0] == "Danh sách chỉ gồm 3 dòng đầu; hãy lọc hẹp hơn."
    assert len(_csv_rows(client.get(f"/quyen-gop/xuat.xlsx?dot={drive.id}&format=csv").data)) == 1 + 5
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 5)  # exactly at the limit: nothing left out, no such row
    rows = _xlsx_rows(client.get(f"/quyen-gop/xuat.xlsx?dot={drive.id}").data)
    assert len(rows) == 1 + 5 and "hãy lọc hẹp hơn" not in _flat(rows)


def test_xlsx_keeps_bold_headers_widths_frozen_header_and_date_format():
    import io

    from openpyxl import load_workbook

    from app.core.xlsx import WIDTH_SAMPLE, build_workbook

    rows = [["Nguyễn Văn An", date(2026, 9, 5)]] * (WIDTH_SAMPLE + 3) + [["x" * 40, None]]
    ws = load_workbook(io.BytesIO(build_workbook(["Họ tên", "Ngày"], rows))).active
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    # Widths from the sample (+2); XlsxWriter stores a character width with Excel's cell padding.
    assert len("Nguyễn Văn An") + 2 <= ws.column_dimensions["A"].width < len("Nguyễn Văn An") + 3
    assert ws["B2"].number_format.upper() == "DD/MM/YYYY" and ws.max_row == 1 + WIDTH_SAMPLE + 4
    assert ws.cell(row=ws.max_row, column=1).value == "x" * 40  # rows past the width sample are all there
