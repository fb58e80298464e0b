"""Honorees from an .xlsx list: template, upload → preview (nothing written), confirm once."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.audit.models import AuditEntry
from app.commendations import importing, issuing, services
from app.commendations.models import Honoree
from app.core.xlsx import build_workbook
from app.extensions import db
from tests.factories_commendations import add, make_decision
from tests.factories_funds import give, make_fund

PREFIX = "/khen-thuong"
H = importing.HEADERS


@pytest.fixture
def admin(world, as_user):
    return as_user(world.users["admin"])


@pytest.fixture
def draft(world):
    fund = make_fund(world.commune)
    give(fund, 10_000_000)
    d = make_decision(world.commune, number="9/QĐ-HKH", amount=200_000, fund=fund)
    add(d, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi", amount=200_000)
    return d


def xlsx(rows, headers=H) -> bytes:
    return build_workbook(headers, rows)


def row(name, achievement="Học sinh xuất sắc", *, kind="", collective="", birth="", place="", amount="", note=""):
    return [1, name, kind, collective, birth, place, achievement, amount, note]


def upload(client, d, content: bytes, kind="pupil", filename="danh-sach.xlsx", **kw):
    return client.post(f"{PREFIX}/quyet-dinh/{d.id}/nhap-excel",
                       data={"file": (io.BytesIO(content), filename), "kind": kind},
                       content_type="multipart/form-data", **kw)


def confirm_fields(body: str) -> dict:
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', body).group(1)
    key = re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', body).group(1)
    return {"token": token, "idem_key": key}


def count(d) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Honoree).where(Honoree.decision_id == d.id))


def test_template_is_an_xlsx_with_the_import_headers(admin, draft):
    for htmx in (False, True):
        resp = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/mau.xlsx", htmx=htmx)
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(resp.data)).active
        assert [c.value for c in sheet[1]] == H
        assert sheet["B2"].value == "Tôn Nữ Thị Minh Khuê"
    # The template itself imports cleanly (two example rows, one a clan kept whole).
    rows = [list(r) for r in load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True)]
    parsed = importing.parse_rows(draft, rows)
    assert [r["errors"] for r in parsed] == [[], []]
    assert parsed[1]["kind"] == "clan" and parsed[1]["collective"] is True


def test_upload_page_plain_and_htmx(admin, draft):
    plain = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel")
    assert plain.status_code == 200 and "tệp mẫu (.xlsx)" in plain.get_data(as_text=True)
    frag = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'hx-encoding="multipart/form-data"' in frag
    assert "Nhập từ Excel" in admin.get(f"{PREFIX}/quyet-dinh/{draft.id}").get_data(as_text=True)


def test_preview_shows_each_rows_problem_and_writes_nothing(admin, draft):
    content = xlsx([
        row("Lê Văn An", "Giải Ba môn Văn", birth=date(2013, 5, 2), place="Lớp 6A1", amount=300000),
        row("", "Không có tên"),
        row("Trần Thị Bình", amount="ba trăm"),
        row("Võ Văn Cường", kind="Thợ lặn"),
        row("Phạm Thị Dung", birth="31/02/2013"),
        row("Hội Phụ nữ ấp Tân Lộc", "Đóng góp nhiều cho quỹ", kind="Nhà hảo tâm", collective="x"),
        row("nguyen thi dao", "Giải nhất học sinh giỏi"),  # already on the list: skipped
        row("Lê Văn An", "Giải Ba môn Văn"),  # same as line 2 of the file: skipped
        row("Lê Văn An", "Học sinh tiêu biểu"),  # same name, other achievement: a warning
        row("Nguyễn Đào", "Học sinh tiêu biểu"),  # "Nguyễn Thị Đào" without the middle name
    ])
    before = count(draft)
    resp = upload(admin, draft, content)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200, body[:2000]
    assert "Xem trước: 10 dòng · 4 dòng sẽ thêm (900.000 đ) · 4 dòng có lỗi · 2 dòng bỏ qua" in body
    assert "2 dòng có cảnh báo" in body
    for message in ("Thiếu họ và tên.", "Cột “Số tiền”: Số tiền không hợp lệ",
                    "Đối tượng “Thợ lặn” không có trong danh mục",
                    "31/02/2013 không có trong lịch", "Đã có trong danh sách", "Trùng với dòng 2 của tệp",
                    "Trùng tên với dòng 2 của tệp", "Tên gần giống: Nguyễn Thị Đào"):
        assert message in body, message
    assert count(draft) == before  # nothing written before the confirmation
    frag = upload(admin, draft, content, htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "Xem trước: 10 dòng" in frag and 'id="import-confirm"' in frag


def test_confirm_adds_the_ready_rows_once_with_the_default_prize(admin, draft):
    content = xlsx([row("Lê Văn An", "Giải Ba môn Văn", birth=date(2013, 5, 2), place="Lớp 6A1", amount=300000),
                    row("Trần Thị Bình", "Giải Nhì môn Toán"),
                    row("", "Dòng lỗi"),
                    row("Dòng họ Nguyễn ấp Tân Lộc", "Đạt danh hiệu", kind="Dòng họ học tập")])
    fields = confirm_fields(upload(admin, draft, content).get_data(as_text=True))
    url = f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan"
    resp = admin.post(url, data=fields)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyet-dinh/{draft.id}")
    rows = {h.full_name: h for h in services.honorees(draft)}
    assert len(rows) == 4
    an, binh, clan = rows["Lê Văn An"], rows["Trần Thị Bình"], rows["Dòng họ Nguyễn ấp Tân Lộc"]
    assert (an.amount, an.birth_text, an.place) == (300_000, "02/05/2013", "Lớp 6A1")
    assert binh.amount == 200_000  # blank: the decision's prize
    assert (clan.kind, clan.collective, clan.ten) == ("clan", True, "Dòng họ Nguyễn ấp Tân Lộc")
    assert admin.post(url, data=fields).status_code == 303  # a second click adds nothing
    assert admin.post(url, data=fields, htmx=True).headers.get("HX-Redirect", "").endswith(f"/quyet-dinh/{draft.id}")
    assert count(draft) == 4
    entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "bulk_add")).all()
    assert [e.after["added"] for e in entries] == [3] and entries[0].after["source"] == "xlsx"


def test_confirm_through_htmx_redirects_to_the_decision(admin, draft):
    fields = confirm_fields(upload(admin, draft, xlsx([row("Lê Văn An")])).get_data(as_text=True))
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan", data=fields, htmx=True)
    assert resp.headers["HX-Redirect"].endswith(f"/quyet-dinh/{draft.id}") and count(draft) == 2


def test_another_users_or_another_decisions_upload_cannot_be_confirmed(world, admin, as_user, app, draft):
    fields = confirm_fields(upload(admin, draft, xlsx([row("Lê Văn An")])).get_data(as_text=True))
    other = make_decision(world.commune, number="10/QĐ-HKH")
    resp = admin.post(f"{PREFIX}/quyet-dinh/{other.id}/nhap-excel/xac-nhan", data=fields)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyet-dinh/{other.id}/nhap-excel")
    treasurer = app.test_client()
    from tests.conftest import login

    login(treasurer, world.users["treasurer"])
    resp = treasurer.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan",
                          data={**fields, "idem_key": "e" * 32})
    assert resp.status_code == 303 and "/nhap-excel" in resp.headers["Location"]
    assert count(draft) == 1 and count(other) == 0


def test_wrong_files_are_refused_beside_the_file_field(admin, draft):
    resp = upload(admin, draft, b"STT,Ho va ten\n1,An\n", filename="danh-sach.csv")
    assert resp.status_code == 422 and "không phải là tệp Excel" in resp.get_data(as_text=True)
    resp = upload(admin, draft, xlsx([["x", "y"]], headers=["Tên trường", "Số lớp"]), htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Không thấy cột “Họ và tên”" in body and "<html" not in body
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel", data={"kind": "pupil"})
    assert resp.status_code == 422 and "Vui lòng chọn tệp Excel" in resp.get_data(as_text=True)


def test_headers_are_matched_without_diacritics_and_an_export_comes_back(app, draft):
    rows = [["Ho va ten", "Thanh tich", "Lớp, trường hoặc thôn, tổ", "Số tiền thưởng (đồng)"],
            ["Lê Văn An", "Giải Ba", "Lớp 7A", 150000.0]]
    [r] = importing.parse_rows(draft, rows)
    assert (r["name"], r["achievement"], r["place"], r["amount"], r["errors"]) == \
        ("Lê Văn An", "Giải Ba", "Lớp 7A", 150_000, [])


def test_nfd_names_are_stored_nfc(app, draft):
    [r] = importing.parse_rows(draft, [H, row("Nguye\u0302\u0303n Va\u0306n Hu\u031bng")])
    assert r["name"] == "Nguyễn Văn Hưng"


def test_pupil_is_linked_by_name_and_birth_and_donor_by_a_unique_name(world, app, draft):
    from tests.factories_donations import make_donor
    from tests.factories_scholarships import make_pupil, make_school

    school = make_school(world.branch, "Trường THCS Tân Phú")
    pupil = make_pupil(world.branch, "Lê Văn An", birth_date=date(2013, 5, 2), school=school, class_name="7A1")
    make_pupil(world.branch, "Lê Văn An", birth_date=date(2014, 1, 1))
    make_pupil(world.other_branch, "Trần Thị Bình", birth_date=date(2013, 1, 1))  # another commune
    donor = make_donor(world.branch, "Công ty TNHH Minh Phát", kind="business", address="Ấp Tân Lộc")
    rows = importing.parse_rows(draft, [H, row("le van an", birth="02/05/2013"), row("Lê Văn An", "Khác"),
                                        row("Trần Thị Bình", birth="01/01/2013"),
                                        row("Công ty TNHH Minh Phát", "Tặng 100 bộ sách", kind="Nhà hảo tâm",
                                            collective="x")])
    linked, unlinked, stranger, company = rows
    assert linked["pupil_id"] == pupil.id and linked["place"] == "Lớp 7A1, Trường THCS Tân Phú"
    assert unlinked["pupil_id"] is None and "ghi ngày sinh để liên kết" in unlinked["notes"][0]
    assert stranger["pupil_id"] is None and not stranger["notes"]
    assert company["donor_id"] == donor.id and company["place"] == "Ấp Tân Lộc"
    from app.commendations import bulk

    assert bulk.from_rows(draft, rows) == 4
    db.session.commit()
    by_name = {(h.full_name, h.achievement): h for h in services.honorees(draft)}
    assert by_name[("le van an", "Học sinh xuất sắc")].pupil_id == pupil.id


def test_issued_decision_sends_the_import_back(admin, draft):
    issuing.issue(draft)
    db.session.commit()
    resp = admin.get(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyet-dinh/{draft.id}")
    resp = upload(admin, draft, xlsx([row("Lê Văn An")]), htmx=True)
    assert resp.status_code == 422 and "đã ban hành" in resp.get_data(as_text=True)


def test_confirm_after_the_decision_was_issued_adds_nothing(admin, draft):
    fields = confirm_fields(upload(admin, draft, xlsx([row("Lê Văn An")])).get_data(as_text=True))
    issuing.issue(draft)
    db.session.commit()
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan", data=fields)
    assert resp.status_code == 303 and count(draft) == 1
    assert "đã ban hành" in admin.get(resp.headers["Location"]).get_data(as_text=True)


def test_a_zip_bomb_is_refused_before_it_is_opened(admin, draft):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    resp = upload(admin, draft, buf.getvalue())
    assert resp.status_code == 422 and "dữ liệu nén bất thường" in resp.get_data(as_text=True)


def test_a_staged_upload_expires_and_tokens_are_checked(admin, app, draft):
    from datetime import timedelta

    from app.core import blobs, imports

    body = upload(admin, draft, xlsx([row("Lê Văn An")])).get_data(as_text=True)
    token = confirm_fields(body)["token"]
    key = f"import/kt-{token}.json"
    assert blobs.exists(key)  # staged in the blob store (app.core.imports)
    blobs.put("import", blobs.get(key), key=key, ttl=timedelta(seconds=-60))  # as if MAX_AGE had passed
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/nhap-excel/xac-nhan", data=confirm_fields(body))
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/nhap-excel")
    assert blobs.sweep() == 1 and not blobs.exists(key) and count(draft) == 1
    assert imports.MAX_AGE == 6 * 3600
    with app.test_request_context():
        assert imports.load_staged("kt", "../../etc/passwd", decision_id=draft.id) is None
        assert imports.load_staged("../kt", "a" * 32, decision_id=draft.id) is None
