"""Every list exports to .xlsx and CSV with the list's own filters; formula-like cells are neutralised."""
import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from app.core.export import BOM, build_csv
from app.extensions import db
from app.scholarships import payout
from app.scholarships import services as rounds
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_funds import give, make_fund, pay
from tests.factories_piggybanks import make_pig
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round

FORMULA = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'


def build(world):
    unit = world.commune
    drive = make_campaign(unit, "Tháng Khuyến học 2026")
    other_drive = make_campaign(unit, "Tết cho em 2026")
    keep = make_donor(unit, "Nguyễn Văn An", phone="0912345678")
    evil = make_donor(unit, FORMULA)
    make_donation(drive, 500_000, keep)
    make_donation(drive, 300_000, evil)
    make_donation(other_drive, 200_000, make_donor(unit, "Trần Thị Bình"))
    make_pig(world.branch, "Hộ ông Lê Văn Cường")
    make_pig(world.branch, "Hộ bà Đỗ Thị Lành")
    make_pupil(unit, "Lê Thị Mai", grade=7)
    make_pupil(unit, "Phạm Văn Tùng", grade=9)
    rnd = make_round(unit, commit=False, name="Học bổng vượt khó 2026")
    cat = make_category(rnd, 500_000, commit=False)
    waiting = make_nomination(rnd, make_pupil(unit, "Võ Thị Chờ", commit=False), cat, commit=False)
    paid = make_nomination(rnd, make_pupil(unit, "Hồ Văn Nhận", commit=False), cat, commit=False)
    rounds.approve(rnd, [paid])
    payout.pay(paid, date(2026, 3, 10))
    db.session.commit()
    decision = make_decision(unit)
    add(decision, "Đinh Thị Khen", amount=100_000)
    add(decision, "-1+1 Bùi Văn Trừ", amount=0)
    fund = make_fund(unit, "Quỹ thử xuất")
    give(fund, 2_000_000, counterparty="Người nộp Thu Vào")
    pay(fund, 150_000, recipient="Người nhận Chi Ra", purpose="@SUM(A1:A9) chi thử")
    return SimpleNamespace(drive=drive, rnd=rnd, waiting=waiting, paid=paid, decision=decision, fund=fund)


def cases(s):
    """(list page, export URL without query, filter query, a text only the filtered rows have,
    a text only the rows filtered out have, a header that must be there)."""
    return [
        ("/quyen-gop/", "/quyen-gop/xuat.xlsx", {"dot": s.drive.id}, "Nguyễn Văn An", "Trần Thị Bình",
         "Họ tên người đóng góp"),
        ("/quyen-gop/nha-hao-tam/", "/quyen-gop/nha-hao-tam/xuat.xlsx", {"q": "nguyen van an"}, "Nguyễn Văn An",
         "Trần Thị Bình", "Điện thoại"),
        ("/heo-dat/", "/heo-dat/xuat.xlsx", {"q": "cuong"}, "Hộ ông Lê Văn Cường", "Hộ bà Đỗ Thị Lành",
         "Người nuôi"),
        ("/hoc-sinh/", "/hoc-sinh/xuat.xlsx", {"khoi": 7}, "Lê Thị Mai", "Phạm Văn Tùng", "Họ và tên"),
        (f"/hoc-bong/{s.rnd.id}", f"/hoc-bong/{s.rnd.id}/xuat-excel", {"trang_thai": "pending"}, "Võ Thị Chờ",
         "Hồ Văn Nhận", "Loại học bổng"),
        (f"/quy/{s.fund.id}", f"/quy/{s.fund.id}/so-quy.xlsx", {"huong": "out"}, "Người nhận Chi Ra",
         "Người nộp Thu Vào", "Số phiếu"),
        ("/dot-van-dong/", "/dot-van-dong/xuat.xlsx", {"q": "tet cho em"}, "Tết cho em 2026",
         "Tháng Khuyến học 2026", "Tên đợt vận động"),
    ]


def _xlsx_rows(data: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def _csv_rows(data: bytes) -> list[list]:
    assert data.startswith(BOM.encode("utf-8")), "CSV must start with the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _flat(rows) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in r) for r in rows)


def _url(base, query):
    from urllib.parse import urlencode

    return f"{base}?{urlencode(query)}" if query else base


@pytest.mark.parametrize("index", range(7))
def test_filtered_export_holds_only_the_filtered_rows_in_both_formats(world, as_user, index):
    s = build(world)
    page, export, query, kept, dropped, header = cases(s)[index]
    client = as_user(world.users["viewer"])
    everything = client.get(export)
    assert everything.status_code == 200
    assert dropped in _flat(_xlsx_rows(everything.data))  # the row is there without the filter
    for htmx in (False, True):
        resp = client.get(_url(export, query), htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        assert ".xlsx" in resp.headers["Content-Disposition"] and "attachment" in resp.headers["Content-Disposition"]
        rows = _xlsx_rows(resp.data)
        assert header in rows[0]
        assert kept in _flat(rows[1:]) and dropped not in _flat(rows)
        resp = client.get(_url(export, {**query, "format": "csv"}), htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        assert "charset=utf-8" in resp.headers["Content-Type"] and ".csv" in resp.headers["Content-Disposition"]
        rows = _csv_rows(resp.data)
        assert header in rows[0]
        assert kept in _flat(rows[1:]) and dropped not in _flat(rows)


@pytest.mark.parametrize("index", range(7))
def test_list_page_links_both_exports_with_its_current_filters(world, as_user, index):
    from urllib.parse import parse_qs, urlsplit

    s = build(world)
    page, export, query, *_ = cases(s)[index]
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        html = client.get(_url(page, {**query, "trang": 1}), htmx=htmx).get_data(as_text=True)
        assert ("<html" in html) != htmx
        hrefs = [h.replace("&amp;", "&") for h in _hrefs(html) if urlsplit(h.replace("&amp;", "&")).path == export]
        assert len(hrefs) == 2, hrefs
        parsed = [parse_qs(urlsplit(h).query) for h in hrefs]
        for args in parsed:
            for key, value in query.items():
                assert args[key] == [str(value)]
            assert "trang" not in args  # an export holds every page
        assert sorted(a.get("format", ["xlsx"])[0] for a in parsed) == ["csv", "xlsx"]
        assert "Xuất Excel" in html and "Xuất CSV" in html


def _hrefs(html: str) -> list[str]:
    import re

    return re.findall(r'href="([^"]+)"', html)


def test_honoree_export_lists_the_decisions_people_in_both_formats(world, as_user):
    s = build(world)
    client = as_user(world.users["clerk"])
    url = f"/khen-thuong/quyet-dinh/{s.decision.id}/xuat.xlsx"
    for htmx in (False, True):
        rows = _xlsx_rows(client.get(url, htmx=htmx).data)
        assert rows[0][:2] == ["STT", "Họ và tên"] and "Số sổ vàng" in rows[0]
        assert "Đinh Thị Khen" in _flat(rows)
        # "-1+1 ..." would be a formula: kept as text with a leading apostrophe.
        assert any(r[1] == "'-1+1 Bùi Văn Trừ" for r in rows[1:])
        rows = _csv_rows(client.get(url + "?format=csv", htmx=htmx).data)
        assert any(r[1] == "'-1+1 Bùi Văn Trừ" for r in rows[1:])
    page = client.get(f"/khen-thuong/quyet-dinh/{s.decision.id}").get_data(as_text=True)
    assert url in page and url + "?format=csv" in page


def test_formula_like_cells_are_neutralised_in_xlsx_and_csv(world, as_user):
    s = build(world)
    client = as_user(world.users["viewer"])
    xlsx = _flat(_xlsx_rows(client.get(f"/quyen-gop/xuat.xlsx?dot={s.drive.id}").data))
    assert "'" + FORMULA in xlsx and "\n" + FORMULA not in xlsx and "| " + FORMULA not in xlsx
    text = client.get(f"/quyen-gop/xuat.xlsx?dot={s.drive.id}&format=csv").data.decode("utf-8-sig")
    cells = [c for r in csv.reader(io.StringIO(text)) for c in r]
    assert "'" + FORMULA in cells and FORMULA not in cells
    ledger = _csv_rows(client.get(f"/quy/{s.fund.id}/so-quy.xlsx?format=csv").data)
    assert "'@SUM(A1:A9) chi thử" in [c for r in ledger for c in r]


def test_build_csv_neutralises_every_dangerous_start_and_keeps_numbers_and_dates():
    data = build_csv(["Tên", "Số tiền", "Ngày"], [
        ["=1+1", 1_250_000, date(2026, 9, 5)], ["+84912", -5, None], ["-2", 0, None], ["@cmd", 1, None],
        ["\tTab", 2, None], ["\rCR", 3, None], ["Nguyễn Thị Đào", 4, None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Tên", "Số tiền", "Ngày"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'+84912", "'-2", "'@cmd", "'\tTab", "'\rCR", "Nguyễn Thị Đào"]
    assert rows[1][1:] == ["1250000", "2026-09-05"]  # plain digits, ISO dates: read right in every locale
    assert rows[2][1] == "-5"  # a number is not a formula


def test_exports_stay_inside_the_users_scope(world, as_user):
    build(world)
    stranger = make_campaign(world.other_commune, "Đợt của xã khác")
    make_donation(stranger, 999_000, make_donor(world.other_commune, "Người Xã Khác"))
    client = as_user(world.users["viewer"])
    for fmt in ("xlsx", "csv"):
        data = client.get(f"/quyen-gop/xuat.xlsx?format={fmt}").data
        text = _flat(_xlsx_rows(data)) if fmt == "xlsx" else data.decode("utf-8-sig")
        assert "Nguyễn Văn An" in text and "Người Xã Khác" not in text


def test_piggy_bank_report_exports_csv_too_and_its_page_links_both(world, as_user):
    build(world)
    client = as_user(world.users["viewer"])
    query = f"don_vi={world.commune.id}"
    rows = _csv_rows(client.get(f"/heo-dat/bao-cao.xlsx?{query}&format=csv").data)
    assert rows[0][0] == "Đơn vị" and rows[-1][0] == "Tổng cộng"
    for htmx in (False, True):
        html = client.get(f"/heo-dat/bao-cao?{query}", htmx=htmx).get_data(as_text=True).replace("&amp;", "&")
        assert f"/heo-dat/bao-cao.xlsx?{query}" in html and "format=csv" in html


def test_fund_list_exports_each_fund_with_its_balance(world, as_user):
    s = build(world)
    other = make_fund(world.other_commune, "Quỹ xã khác")
    give(other, 5_000)
    client = as_user(world.users["viewer"])
    for htmx in (False, True):
        rows = _xlsx_rows(client.get("/quy/xuat.xlsx", htmx=htmx).data)
        assert rows[0][:4] == ["Tên quỹ", "Đơn vị", "Mô tả", "Số dư (đồng)"]
        assert [s.fund.name, world.commune.name] == rows[[r[0] for r in rows].index(s.fund.name)][:2]
        assert 1_850_000 in [r[3] for r in rows] and "Quỹ xã khác" not in _flat(rows)
        assert "1850000" in _flat(_csv_rows(client.get("/quy/xuat.xlsx?format=csv", htmx=htmx).data))
        html = client.get("/quy/", htmx=htmx).get_data(as_text=True)
        assert 'href="/quy/xuat.xlsx"' in html and 'href="/quy/xuat.xlsx?format=csv"' in html
