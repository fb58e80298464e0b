"""Every .xlsx import flags in its preview a row its service would refuse, and its confirmation
never answers 500: a row with one bad value (a future or pre-1900 date, an amount of 0, below 0 or
above the books bound, a 300-character name, an unknown category or kind) is shown with its
Vietnamese message and left out; a refusal that only shows at the confirmation (the staged rows
went stale) answers 422 with the message and writes nothing."""
import io
import json
import re
import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from app.commendations.models import Honoree
from app.core import blobs, clock
from app.core.books import max_amount
from app.core.xlsx import build_workbook
from app.donations import importer as donation_import
from app.donations.models import Donation
from app.extensions import db
from app.pupils import importing as pupil_import
from app.pupils.models import Pupil
from app.scholarships import importing as round_import
from app.scholarships.models import Nomination
from tests.factories_commendations import make_decision
from tests.factories_donations import make_campaign
from tests.factories_scholarships import make_category, make_round, make_school

FUTURE = (clock.today() + timedelta(days=3)).strftime("%d/%m/%Y")
LONG = "Nguyễn " + "A" * 293  # 300 characters


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _field(page, name):
    return re.search(rf'name="{name}" type="hidden" value="([0-9a-f]{{32}})"', page).group(1)


def _confirm_fields(page):
    key = re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"', page, re.S)
    return {"token": _field(page, "token"), "idem_key": key.group(1)}


def _stale(app, prefix, token, change):
    """Edit a staged upload as if the world changed between the preview and the confirmation."""
    key = f"import/{prefix}-{token}.json"
    meta = json.loads(blobs.get(key))
    change(meta["payload"]["rows"])
    blobs.put("import", json.dumps(meta, ensure_ascii=False).encode("utf-8"), key=key, ttl=timedelta(hours=1))


def _pupil(name, birth="05/02/2013", school="Trường THCS Lai Vung", village="Ấp Tân Lộc"):
    return [1, name, birth, "Nữ", "Kinh", school, "7A1", village, "Lê Văn Hùng", "0912345678", "Hộ nghèo"]


PUPIL_ROWS = [
    (_pupil("Trần Thị Hợp Lệ"), None),
    (_pupil("Lê Văn Tương Lai", birth=FUTURE), "Ngày sinh không được sau hôm nay."),
    (_pupil("Lê Văn Cổ", birth="01/01/1899"), "Năm sinh không hợp lệ."),
    (_pupil(LONG), "dài quá"),
    (_pupil("Lê Văn Thôn", village="Ấp " * 100), "Thôn/ấp dài quá 120 ký tự."),
]


def _flagged(page, rows):
    for _, message in rows:
        if message:
            assert message in page, message


def test_pupil_list_import_flags_refused_rows_and_confirm_writes_only_good_ones(app, world, as_user):
    make_school(world.commune, "Trường THCS Lai Vung")
    client = as_user(world.users["clerk"])
    before = _count(Pupil)
    for htmx in (False, True):
        resp = client.post("/hoc-sinh/nhap-excel", content_type="multipart/form-data", htmx=htmx,
                           data={"file": (io.BytesIO(build_workbook(pupil_import.HEADERS, [r for r, _ in PUPIL_ROWS])),
                                          "ds.xlsx"), "school_year": "2026-2027"})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
        _flagged(page, PUPIL_ROWS)
    assert _count(Pupil) == before
    resp = client.post("/hoc-sinh/nhap-excel/xac-nhan", data=_confirm_fields(page))
    assert resp.status_code == 303
    assert _count(Pupil) == before + 1
    assert db.session.scalar(select(Pupil.ten).order_by(Pupil.id.desc()).limit(1)) == "Lệ"


def test_pupil_list_confirm_of_a_row_gone_bad_answers_422_and_writes_nothing(app, world, as_user):
    make_school(world.commune, "Trường THCS Lai Vung")
    client = as_user(world.users["clerk"])
    page = client.post("/hoc-sinh/nhap-excel", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(build_workbook(pupil_import.HEADERS, [PUPIL_ROWS[0][0]])), "ds.xlsx"),
                             "school_year": "2026-2027"}).get_data(as_text=True)
    fields = _confirm_fields(page)
    _stale(app, "hs", fields["token"], lambda rows: rows[0].update(birth_date=(clock.today() + timedelta(days=1))
                                                                   .isoformat()))
    before = _count(Pupil)
    resp = client.post("/hoc-sinh/nhap-excel/xac-nhan", data=fields)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Ngày sinh không được sau hôm nay." in page and "<html" in page
    # the preview again, the row now refused: confirming it (htmx) writes nothing either
    resp = client.post("/hoc-sinh/nhap-excel/xac-nhan", data=_confirm_fields(page), htmx=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Ngày sinh không được sau hôm nay." in page and "<html" not in page
    assert _count(Pupil) == before


def _round_row(name, cat="Học bổng vượt khó", **kw):
    return _pupil(name, **kw) + [cat, "", "Nhà nghèo"]


ROUND_ROWS = [(_round_row(r[1], birth=r[2], village=r[7]), m) for r, m in PUPIL_ROWS] + [
    (_round_row("Phạm Thị Lạ", cat="Học bổng không có"), "Loại học bổng “Học bổng không có” không có trong đợt này."),
]


def test_round_import_flags_refused_rows_and_confirm_writes_only_good_ones(app, world, as_user):
    make_school(world.commune, "Trường THCS Lai Vung")
    rnd = make_round(world.commune)
    make_category(rnd, 500_000, name="Học bổng vượt khó")
    make_category(rnd, 300_000, name="Học bổng học giỏi")
    client = as_user(world.users["clerk"])
    before = (_count(Pupil), _count(Nomination))
    for htmx in (False, True):
        resp = client.post(f"/hoc-bong/{rnd.id}/nhap-excel", content_type="multipart/form-data", htmx=htmx,
                           data={"file": (io.BytesIO(build_workbook(round_import.HEADERS, [r for r, _ in ROUND_ROWS])),
                                          "ds.xlsx"), "proposer": "Trường THCS Lai Vung"})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
        _flagged(page, ROUND_ROWS)
    assert (_count(Pupil), _count(Nomination)) == before
    resp = client.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan", data=_confirm_fields(page))
    assert resp.status_code == 303
    assert (_count(Pupil), _count(Nomination)) == (before[0] + 1, before[1] + 1)


def test_round_confirm_of_a_row_gone_bad_answers_422_and_writes_nothing(app, world, as_user):
    make_school(world.commune, "Trường THCS Lai Vung")
    rnd = make_round(world.commune)
    make_category(rnd, 500_000, name="Học bổng vượt khó")
    client = as_user(world.users["clerk"])
    page = client.post(f"/hoc-bong/{rnd.id}/nhap-excel", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(build_workbook(round_import.HEADERS, [ROUND_ROWS[0][0]])), "ds.xlsx"),
                             "proposer": ""}).get_data(as_text=True)
    fields = _confirm_fields(page)
    _stale(app, "hb", fields["token"], lambda rows: rows[0].update(birth_date=(clock.today() + timedelta(days=1))
                                                                   .isoformat()))
    before = (_count(Pupil), _count(Nomination))
    resp = client.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan", data=fields)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Ngày sinh không được sau hôm nay." in page and "<html" in page
    # the preview again, the row now refused: confirming it (htmx) writes nothing either
    resp = client.post(f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan", data=_confirm_fields(page), htmx=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Ngày sinh không được sau hôm nay." in page and "<html" not in page
    assert (_count(Pupil), _count(Nomination)) == before


def _gift(name="Nguyễn Văn An", day=date(2026, 9, 5), amount=500000, kind="Cá nhân", note=""):
    return [day, name, kind, "Ấp Tân Lộc", "0912345678", amount, "Tiền mặt", "", "Tháng Khuyến học 2026", "Tư", note]


DONATION_ROWS = [
    (_gift(), None),
    (_gift(day=date(2099, 1, 1)), "Ngày"),
    (_gift(day="01/01/1899"), "Ngày"),
    (_gift(amount=0), "Số tiền không hợp lệ"),
    (_gift(amount=-5000), "Số tiền không hợp lệ"),
    (_gift(amount=max_amount() + 1), "Số tiền không hợp lệ"),
    (_gift(name=LONG), "Họ tên dài quá 200 ký tự."),
    (_gift(kind="Người ngoài hành tinh"), "Loại “Người ngoài hành tinh” không hợp lệ."),
    (_gift(note="x" * 600), "Ghi chú: Quá 500 ký tự."),
]


def test_donation_import_flags_refused_rows_and_confirm_writes_only_good_ones(app, world, as_user):
    make_campaign(world.commune, "Tháng Khuyến học 2026")
    client = as_user(world.users["clerk"])
    resp = client.post("/quyen-gop/nhap-excel", content_type="multipart/form-data",
                       data={"idem_key": uuid.uuid4().hex, "file": (io.BytesIO(
                           build_workbook(donation_import.HEADERS, [r for r, _ in DONATION_ROWS])), "dg.xlsx")})
    assert resp.status_code == 303
    url = resp.headers["Location"]
    for htmx in (False, True):
        page = client.get(url, htmx=htmx).get_data(as_text=True)
        _flagged(page, DONATION_ROWS)
        assert "1</strong> dòng hợp lệ" in page
    assert _count(Donation) == 0
    key = re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    assert client.post(url, data={"idem_key": key}).status_code == 303
    assert _count(Donation) == 1


def _honoree(name="Lê Văn An", amount="", kind=""):
    return [1, name, kind, "", "", "Lớp 6A1", "Giải Ba môn Văn", amount, ""]


COMMENDATION_ROWS = [
    (_honoree(), None),
    (_honoree("Trần Văn Âm", amount=-5000), "Số tiền"),
    (_honoree("Trần Văn Lớn", amount=max_amount() + 1), "Số tiền"),
    (_honoree(LONG), "dài quá"),
    (_honoree("Trần Văn Lạ", kind="Thợ lặn"), "Đối tượng “Thợ lặn” không có trong danh mục"),
]


def test_commendation_import_flags_refused_rows_and_confirm_writes_only_good_ones(app, world, as_user):
    d = make_decision(world.commune, number="9/QĐ-HKH", amount=0)
    client = as_user(world.users["admin"])
    for htmx in (False, True):
        resp = client.post(f"/khen-thuong/quyet-dinh/{d.id}/nhap-excel", content_type="multipart/form-data",
                           htmx=htmx, data={"kind": "pupil", "file": (io.BytesIO(build_workbook(
                               ["STT", "Họ và tên", "Đối tượng", "Tập thể", "Ngày sinh", "Lớp, trường hoặc thôn",
                                "Thành tích", "Số tiền", "Ghi chú"], [r for r, _ in COMMENDATION_ROWS])), "kt.xlsx")})
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200
        _flagged(page, COMMENDATION_ROWS)
    before = _count(Honoree)
    fields = {"token": _field(page, "token"), "idem_key": _field(page, "idem_key")}
    resp = client.post(f"/khen-thuong/quyet-dinh/{d.id}/nhap-excel/xac-nhan", data=fields)
    assert resp.status_code == 303
    assert _count(Honoree) == before + 1


def test_donation_confirm_of_a_row_gone_bad_answers_422_and_writes_nothing(app, world, as_user):
    from app.donations.models import DonationImport

    make_campaign(world.commune, "Tháng Khuyến học 2026")
    client = as_user(world.users["clerk"])
    url = client.post("/quyen-gop/nhap-excel", content_type="multipart/form-data",
                      data={"idem_key": uuid.uuid4().hex, "file": (io.BytesIO(
                          build_workbook(donation_import.HEADERS, [_gift()])), "dg.xlsx")}).headers["Location"]
    imp = db.session.scalar(select(DonationImport))
    rows = json.loads(imp.rows_json)
    rows[0]["name"] = LONG  # as if the rules changed since the preview
    imp.rows_json = json.dumps(rows, ensure_ascii=False)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    for htmx in (False, True):
        resp = client.post(url, data={"idem_key": key}, htmx=htmx)
        assert resp.status_code == 422 and "Họ tên dài quá 200 ký tự." in resp.get_data(as_text=True)
    assert _count(Donation) == 0


def test_commendation_confirm_of_a_row_gone_bad_answers_422_and_writes_nothing(app, world, as_user):
    d = make_decision(world.commune, number="9/QĐ-HKH", amount=0)
    client = as_user(world.users["admin"])
    page = client.post(f"/khen-thuong/quyet-dinh/{d.id}/nhap-excel", content_type="multipart/form-data",
                       data={"kind": "pupil", "file": (io.BytesIO(build_workbook(
                           ["Họ và tên", "Thành tích", "Số tiền"], [["Lê Văn An", "Giải Ba", 1000]])), "kt.xlsx")}
                       ).get_data(as_text=True)
    fields = {"token": _field(page, "token"), "idem_key": _field(page, "idem_key")}
    _stale(app, "kt", fields["token"], lambda rows: rows[0].update(amount=max_amount() + 1))
    before = _count(Honoree)
    resp = client.post(f"/khen-thuong/quyet-dinh/{d.id}/nhap-excel/xac-nhan", data=fields)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Số tiền thưởng" in page and "<html" in page
    assert _count(Honoree) == before
