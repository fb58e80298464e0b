"""Import from .xlsx: preview with each row's problem, nothing written until confirmed; bad files refused."""
import io
import re
import unicodedata
import uuid
import zipfile
from datetime import date

from sqlalchemy import func, select

from app.campaigns import services as campaign_services
from app.core.xlsx import build_workbook
from app.donations.importer import HEADERS
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.conftest import login
from tests.factories_donations import make_campaign


def _xlsx(rows, headers=HEADERS) -> bytes:
    return build_workbook(headers, rows)


def _upload(client, data: bytes, name="dong-gop.xlsx", htmx=False):
    return client.post("/quyen-gop/nhap-excel", data={"idem_key": uuid.uuid4().hex,
                                                      "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", htmx=htmx)


def _count(model=Donation):
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_marks_bad_rows_and_confirm_writes_only_good_rows(app, world, as_user):
    campaign = make_campaign(world.commune, "Tháng Khuyến học 2026")
    closed = make_campaign(world.commune, "Đợt cũ")
    campaign_services.set_status(closed, "closed")
    db.session.commit()
    nfd = unicodedata.normalize("NFD", "Phạm Thị Hường")
    rows = [
        [date(2026, 9, 5), nfd, "Cá nhân", "Ấp Tân Lộc", "0912345678", 500000, "Tiền mặt", "", "tháng khuyến học 2026", "Tư", ""],
        ["05/09/2026", "Hộ ông Sáu", "Hộ gia đình", "", "", "1.000.000", "Chuyển khoản", "", "Tháng Khuyến học 2026", "", ""],
        ["05/09/2026", "Võ Văn Kiệt", "Cá nhân", "", "", "abc", "Tiền mặt", "", "Tháng Khuyến học 2026", "", ""],
        ["05/09/2026", "", "Cá nhân", "", "", 100000, "Tiền mặt", "", "Tháng Khuyến học 2026", "", ""],
        ["05/09/2026", "Lê Thị Nga", "Cá nhân", "", "", 100000, "Tiền mặt", "", "Không có đợt này", "", ""],
        ["31/02/2026", "Lê Thị Hoa", "Cá nhân", "", "", 100000, "Tiền mặt", "", "Tháng Khuyến học 2026", "", ""],
        ["05/09/2026", "Đỗ Văn Lâm", "Cá nhân", "", "", 100000, "Tiền mặt", "", "Đợt cũ", "", ""],
    ]
    client = as_user(world.users["clerk"])
    resp = _upload(client, _xlsx(rows))
    assert resp.status_code == 303
    preview_url = resp.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    for problem in ("Số tiền không hợp lệ", "Thiếu họ tên", "Không tìm thấy đợt vận động", "Ngày không hợp lệ",
                    "đã kết thúc"):
        assert problem in html, problem
    assert "2</strong> dòng hợp lệ" in html
    assert _count() == 0 and _count(LedgerEntry) == 0  # nothing written before confirming
    # another user in scope sees it but cannot confirm it
    other = app.test_client()
    login(other, world.users["treasurer"])
    key = re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', html)
    assert other.post(preview_url, data={"idem_key": uuid.uuid4().hex}).status_code == 422 and _count() == 0
    confirm = client.post(preview_url, data={"idem_key": key.group(1) if key else uuid.uuid4().hex})
    assert confirm.status_code == 303
    names = set(db.session.scalars(select(Donation.donor_id)))
    assert _count() == 2 and _count(LedgerEntry) == 2 and len(names) == 2
    from app.donations.donors import Donor

    stored = db.session.scalars(select(Donor.name)).all()
    assert "Phạm Thị Hường" in stored and nfd not in stored  # stored NFC
    assert campaign_services.campaign_total(campaign) == 1_500_000
    again = client.post(preview_url, data={"idem_key": uuid.uuid4().hex})
    assert again.status_code in (200, 303, 422) and _count() == 2


def test_template_download_has_vietnamese_headers(world, as_user):
    from openpyxl import load_workbook

    resp = as_user(world.users["clerk"]).get("/quyen-gop/nhap-excel/mau.xlsx")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert [c.value for c in ws[1]] == HEADERS


def _refused(client, data, name="x.xlsx"):
    resp = _upload(client, data, name, htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'class="error-box"' in html and "<html" not in html
    return html


def test_non_xlsx_files_are_refused_with_a_vietnamese_message(world, as_user):
    client = as_user(world.users["clerk"])
    assert "không phải là tệp Excel" in _refused(client, b"Ngay,Ho ten\n1,2\n", "x.csv")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "không phải bảng tính")
    assert "không phải là bảng tính Excel" in _refused(client, buf.getvalue())
    assert "không đúng mẫu" in _refused(client, _xlsx([["a"]], headers=["Cột A", "Cột B"]))
    assert _count() == 0


def test_zip_bomb_is_refused_before_loading(world, as_user):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    client = as_user(world.users["clerk"])
    assert "bất thường" in _refused(client, buf.getvalue())


def test_too_many_rows_are_refused(app):
    from werkzeug.datastructures import FileStorage

    from app.core.xlsx import XlsxError, read_upload

    data = _xlsx([[i] for i in range(30)])
    try:
        read_upload(FileStorage(io.BytesIO(data), "x.xlsx"), max_rows=20)
    except XlsxError as err:
        assert "quá nhiều dòng" in str(err)
    else:
        raise AssertionError("30 rows accepted with max_rows=20")
    assert len(read_upload(FileStorage(io.BytesIO(data), "x.xlsx"), max_rows=50)) == 31
