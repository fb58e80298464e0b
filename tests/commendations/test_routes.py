"""Every commendation page, plainly and through htmx (a fragment never carries <html)."""
import pytest

from app.commendations import issuing, services
from app.commendations.models import Assessment, CriteriaSet, Decision, Honoree
from app.extensions import db
from tests.factories_commendations import add, make_assessment, make_decision, make_set
from tests.factories_funds import give, make_fund

PREFIX = "/khen-thuong"


@pytest.fixture
def admin(world, as_user):
    return as_user(world.users["admin"])


@pytest.fixture
def top_admin(world, as_user):
    """The province's admin: the only top unit, so the one who changes the shared criteria sets."""
    return as_user(world.province_admin)


@pytest.fixture
def draft(world):
    d = make_decision(world.commune, number="7/QĐ-HKH")
    add(d, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi")
    return d


def _both(client, url, needle):
    plain, htmx = client.get(url), client.get(url, htmx=True)
    assert plain.status_code == htmx.status_code == 200, (url, plain.status_code, htmx.status_code)
    assert "<html" in plain.get_data(as_text=True)
    body = htmx.get_data(as_text=True)
    assert "<html" not in body and needle in body, url
    return body


def test_list_and_detail_pages(admin, draft):
    _both(admin, f"{PREFIX}/", "7/QĐ-HKH")
    _both(admin, f"{PREFIX}/?q=7", "7/QĐ-HKH")
    _both(admin, f"{PREFIX}/quyet-dinh/{draft.id}", "Nguyễn Thị Đào")


def test_create_decision_plain_then_htmx_and_invalid_keeps_input(admin, world):
    body = _both(admin, f"{PREFIX}/quyet-dinh/moi", "1/QĐ-HKH")
    assert "Căn cứ Điều lệ Hội Khuyến học Việt Nam;" in body
    form = {"unit_id": world.commune.id, "number": "3/QĐ-HKH", "decision_date": "2026-02-05",
            "title": "Về việc khen thưởng học sinh giỏi", "bases": services.DEFAULT_BASES, "fund_id": 0,
            "award_form": "giay_khen", "payment_mode": "each", "group_by": "", "default_amount": "300.000",
            "signer_title": "CHỦ TỊCH", "idem_key": "a" * 32}
    resp = admin.post(f"{PREFIX}/quyet-dinh/moi", data=form)
    assert resp.status_code == 303
    d = db.session.scalar(db.select(Decision).where(Decision.number == "3/QĐ-HKH"))
    assert d.default_amount == 300_000 and d.signer_title == "CHỦ TỊCH"
    assert admin.post(f"{PREFIX}/quyet-dinh/moi", data=form).status_code == 303  # replay creates nothing
    assert db.session.scalar(db.select(db.func.count()).select_from(Decision)) == 1
    resp = admin.post(f"{PREFIX}/quyet-dinh/moi", data={**form, "idem_key": "b" * 32}, htmx=True)
    assert resp.status_code == 422 and "Đơn vị đã có quyết định số 3/QĐ-HKH" in resp.get_data(as_text=True)
    resp = admin.post(f"{PREFIX}/quyet-dinh/moi", data={**form, "number": "4/QĐ-HKH", "idem_key": "c" * 32},
                      htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].startswith(f"{PREFIX}/quyet-dinh/")


def test_edit_add_edit_and_remove_honoree(admin, draft):
    _both(admin, f"{PREFIX}/quyet-dinh/{draft.id}/sua", "7/QĐ-HKH")
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/them",
                      data={"name": "le van an", "kind": "pupil", "amount": "200.000", "achievement": "Giỏi"})
    assert resp.status_code == 303
    h = db.session.scalar(db.select(Honoree).where(Honoree.ten == "an"))
    assert h.amount == 200_000
    _both(admin, f"{PREFIX}/nguoi/{h.id}/sua", "le van an")
    resp = admin.post(f"{PREFIX}/nguoi/{h.id}/sua", data={"name": "Lê Văn An", "kind": "pupil", "amount": "x"},
                      htmx=True)
    assert resp.status_code == 422
    resp = admin.post(f"{PREFIX}/nguoi/{h.id}/sua", data={"name": "Lê Văn An", "kind": "pupil", "amount": ""},
                      htmx=True)
    assert resp.headers.get("HX-Redirect")
    assert "Bỏ “Lê Văn An”" in admin.get(f"{PREFIX}/nguoi/{h.id}/xoa").get_data(as_text=True)
    honoree_id = h.id
    removed = admin.post(f"{PREFIX}/nguoi/{honoree_id}/xoa", htmx=True)  # htmx: only the row is answered
    assert removed.get_data(as_text=True).lstrip().startswith(f'<tr id="row-{honoree_id}"')
    db.session.expire_all()
    assert db.session.get(Honoree, honoree_id) is None


def test_bulk_pages(admin, world, draft):
    for path, needle in (("dan-danh-sach", "Mỗi dòng một tên"), ("tu-hoc-bong", "Chưa có đợt học bổng"),
                         ("tu-dot-van-dong", "Chưa có đợt vận động"), ("tu-danh-gia", "Năm")):
        _both(admin, f"{PREFIX}/quyet-dinh/{draft.id}/{path}", needle)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/dan-danh-sach",
                      data={"text": "Lê Văn An\tGiải Ba\nTrần Thị Bình", "kind": "pupil"})
    assert resp.status_code == 303 and len(services.honorees(draft)) == 3
    cset = make_set()
    make_assessment(world.branch, cset, "Võ Văn Tư", scores=[9] * 10)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/tu-danh-gia", data={"year": 2026, "kind": ""}, htmx=True)
    assert resp.headers.get("HX-Redirect") and len(services.honorees(draft)) == 4


def test_issue_page_then_frozen_pages_refuse(admin, draft):
    _both(admin, f"{PREFIX}/quyet-dinh/{draft.id}/ban-hanh", "Ban hành")
    assert admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/ban-hanh").status_code == 303
    db.session.refresh(draft)
    assert draft.status == "issued" and services.honorees(draft)[0].register_number == 1
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/them", data={"name": "Lê Văn An", "kind": "pupil"}, htmx=True)
    assert resp.status_code == 422 and "đã ban hành" in resp.get_data(as_text=True)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/ban-hanh", htmx=True)
    assert resp.status_code == 422 and "đã ban hành" in resp.get_data(as_text=True)
    assert "Lập quyết định sửa đổi" in admin.get(f"{PREFIX}/quyet-dinh/{draft.id}").get_data(as_text=True)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/sua-doi")
    assert resp.status_code == 303
    assert db.session.scalar(db.select(Decision).where(Decision.amends_id == draft.id)) is not None


def test_issue_refused_when_fund_lacks_money(admin, world):
    fund = make_fund(world.commune)
    give(fund, 100_000)
    d = make_decision(world.commune, fund=fund)
    add(d, "Lê Văn An", amount=500_000)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh", htmx=True)
    assert resp.status_code == 422 and "không đủ tiền thưởng" in resp.get_data(as_text=True)
    db.session.refresh(d)
    assert d.status == "draft"


def test_pdfs_and_certificate_preview(admin, draft):
    h = services.honorees(draft)[0]
    for url in (f"{PREFIX}/quyet-dinh/{draft.id}/quyet-dinh.pdf", f"{PREFIX}/quyet-dinh/{draft.id}/danh-sach.pdf",
                f"{PREFIX}/nguoi/{h.id}/giay-khen.pdf"):
        resp = admin.get(url)
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF"), url
    body = _both(admin, f"{PREFIX}/nguoi/{h.id}/xem-giay-khen", "Nguyễn Thị Đào")
    assert "GIẤY KHEN" in body and "certificate.css" in body and "style=" not in body


def test_background_print_jobs_lead_to_the_progress_page(app, admin, draft, monkeypatch):
    from app.printing import jobs
    from app.printing.models import PrintJob

    # Stand in for the worker: the view only queues, the test then runs the job as the worker would.
    queued = []
    monkeypatch.setitem(app.extensions, "print_task", queued.append)
    for path in ("in-danh-sach", "in-giay-khen"):
        resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/{path}")
        assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
        job_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
        assert queued[-1] == job_id
        jobs.run_job(job_id)
        job = db.session.get(PrintJob, job_id)
        assert (job.status, job.pages, job.unit_id) == ("done", 1, draft.unit_id), job.error
        resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/{path}", htmx=True)  # unchanged: the same file
        assert resp.headers["HX-Redirect"].endswith(f"/in-an/{job_id}")


def test_criteria_pages(top_admin):
    admin = top_admin
    _both(admin, f"{PREFIX}/tieu-chi", "flask seed-criteria")
    _both(admin, f"{PREFIX}/tieu-chi/moi", "Tiêu chí")
    resp = admin.post(f"{PREFIX}/tieu-chi/moi", data={
        "title_kind": "family", "name": "Gia đình học tập 2026", "year": 2026, "pass_total": 70, "min_each": 0,
        "criteria": "Con cháu học tập | 40\nNgười lớn học tập | 30\nĐiều kiện | 30"})
    assert resp.status_code == 303
    cset = db.session.scalar(db.select(CriteriaSet).where(CriteriaSet.name == "Gia đình học tập 2026"))
    assert cset.max_total == 100
    _both(admin, f"{PREFIX}/tieu-chi/{cset.id}", "Con cháu học tập")
    _both(admin, f"{PREFIX}/tieu-chi/{cset.id}/sua", "Con cháu học tập | 40")
    resp = admin.post(f"{PREFIX}/tieu-chi/{cset.id}/sua", data={
        "name": cset.name, "year": 2026, "pass_total": 200, "min_each": 0, "criteria": "A | 40"}, htmx=True)
    assert resp.status_code == 422 and "Điểm đạt phải từ 1 đến 40" in resp.get_data(as_text=True)
    _both(admin, f"{PREFIX}/tieu-chi/{cset.id}/phien-ban-moi", "Người lớn học tập | 30")
    resp = admin.post(f"{PREFIX}/tieu-chi/{cset.id}/phien-ban-moi", data={
        "year": 2027, "pass_total": 75, "min_each": 0, "criteria": "A | 50\nB | 50"})
    assert resp.status_code == 303
    db.session.refresh(cset)
    assert cset.superseded_by_id is not None


def test_assessment_pages_register_and_score(admin, world):
    cset = make_set(pass_total=80, min_each=5)
    _both(admin, f"{PREFIX}/danh-gia", "Chưa có hồ sơ")
    _both(admin, f"{PREFIX}/danh-gia/moi", "Đăng ký")
    resp = admin.post(f"{PREFIX}/danh-gia/moi", data={
        "criteria_set_id": cset.id, "unit_id": world.branch.id, "name": "Nguyễn Văn Tư", "year": 2026,
        "village": "Ấp Tân Lộc", "idem_key": "d" * 32})
    assert resp.status_code == 303
    a = db.session.scalar(db.select(Assessment))
    _both(admin, f"{PREFIX}/danh-gia/{a.id}", "Chỉ số 1")
    scores = {f"c{i}": 10 for i in range(10)}
    resp = admin.post(f"{PREFIX}/danh-gia/{a.id}/cham-diem", data={**scores, "c9": 4}, htmx=True)
    assert resp.headers.get("HX-Redirect")
    db.session.refresh(a)
    assert (a.total, a.passed) == (94, False)
    resp = admin.post(f"{PREFIX}/danh-gia/{a.id}/cham-diem", data={**scores, "c0": 11}, htmx=True)
    assert resp.status_code == 422 and "Điểm từ 0 đến 10" in resp.get_data(as_text=True)
    body = _both(admin, f"{PREFIX}/danh-gia?nam=2026", "Nguyễn Văn Tư")
    assert "Ấp Tân Lộc" in body and "0%" in body


def test_certificate_settings(admin, world):
    _both(admin, f"{PREFIX}/mau-giay-khen", "Kiểu viền")
    resp = admin.post(f"{PREFIX}/mau-giay-khen?don_vi={world.commune.id}", data={
        "issuer_line": "Ban Thường vụ Hội Khuyến học xã Tân Phú", "title": "GIẤY KHEN", "border": "simple",
        "logo": "img/logo-khuyen-hoc.svg", "signer_title": "CHỦ TỊCH", "signer_name": "Lê Văn Ký", "place": "Tân Phú"})
    assert resp.status_code == 303
    resp = admin.post(f"{PREFIX}/mau-giay-khen", data={"title": "GIẤY KHEN", "border": "gold", "logo": ""},
                      htmx=True)
    assert resp.status_code == 422



def test_certificate_wording_per_kind_shown_with_its_defaults_and_saved(admin, world):
    from app.commendations import certificates as certs

    body = _both(admin, f"{PREFIX}/mau-giay-khen", "Lời khen: học bổng")
    assert 'value="Đã được nhận [thành tích]"' in body and "Mặc định: Đạt danh hiệu [thành tích]" in body
    resp = admin.post(f"{PREFIX}/mau-giay-khen?don_vi={world.commune.id}", data={
        "title": "GIẤY KHEN", "border": "classic", "logo": "",
        "wording_scholarship": "Được trao [thành tích]", "wording_title": "Đạt danh hiệu [thành tích]"})
    assert resp.status_code == 303
    assert certs.setting_for(world.commune).wording == {"scholarship": "Được trao [thành tích]"}
    assert 'value="Được trao [thành tích]"' in admin.get(f"{PREFIX}/mau-giay-khen").get_data(as_text=True)


def test_clerk_may_draft_but_not_issue(world, as_user, draft):
    clerk = as_user(world.users["clerk"])
    assert clerk.get(f"{PREFIX}/quyet-dinh/{draft.id}/them").status_code == 200
    assert clerk.post(f"{PREFIX}/quyet-dinh/{draft.id}/ban-hanh").status_code == 403
    issuing.issue(draft)
    db.session.commit()


def test_print_job_requested_from_a_form_runs_in_immediate_mode(admin, draft):
    """The job id is kept across the commit, so an immediate-mode worker is not locked out."""
    from app.printing.models import PrintJob

    resp = admin.post(f"{PREFIX}/quyet-dinh/{draft.id}/in-danh-sach")
    assert resp.status_code == 303
    job_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    job = db.session.get(PrintJob, job_id)
    assert job.status == "done", job.error


def test_criteria_seed_button_adds_the_shipped_sets_once(top_admin):
    admin = top_admin
    body = admin.get(f"{PREFIX}/tieu-chi").get_data(as_text=True)
    assert "Thêm bộ tiêu chí mẫu: Tiêu chí Gia đình học tập, Tiêu chí Công dân học tập" in body
    _both(admin, f"{PREFIX}/tieu-chi/them-mau", "Thêm bộ tiêu chí mẫu")
    assert admin.post(f"{PREFIX}/tieu-chi/them-mau").status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(CriteriaSet)) == 2
    assert admin.post(f"{PREFIX}/tieu-chi/them-mau", htmx=True).headers.get("HX-Redirect")
    assert db.session.scalar(db.select(db.func.count()).select_from(CriteriaSet)) == 2
    listing = admin.get(f"{PREFIX}/tieu-chi")
    assert listing.status_code == 200 and "Tiêu chí Gia đình học tập" in listing.get_data(as_text=True)  # now listed
    assert "Thêm bộ tiêu chí mẫu:" not in listing.get_data(as_text=True)


def test_assessments_of_one_village_with_its_share(admin, world):
    cset = make_set(pass_total=80, min_each=5)
    make_assessment(world.branch, cset, "Nguyễn Văn Tư", scores=[9] * 10)
    make_assessment(world.branch, cset, "Lê Văn Năm", scores=[5] * 10)
    make_assessment(world.branch, cset, "Trần Văn Sáu", village="Ấp Mỹ Hòa", scores=[9] * 10)
    body = _both(admin, f"{PREFIX}/danh-gia?nam=2026&thon=Ấp+Tân+Lộc", "Nguyễn Văn Tư")
    assert "Lê Văn Năm" in body and "Trần Văn Sáu" not in body and "50%" in body
    page = admin.get(f"{PREFIX}/danh-gia?nam=2026").get_data(as_text=True)
    assert '<option value="Ấp Mỹ Hòa">' in page and "thon=%E1%BA%A4p+M%E1%BB%B9+H%C3%B2a" in page


def test_settings_pick_a_unit_below_and_preview_a_sample(admin, world):
    body = admin.get(f"{PREFIX}/mau-giay-khen").get_data(as_text=True)
    assert f'<option value="{world.branch.id}">' in body and "Xem thử giấy khen" in body
    _both(admin, f"{PREFIX}/mau-giay-khen?don_vi={world.branch.id}", "Chi hội ấp Tân Lộc")
    admin.post(f"{PREFIX}/mau-giay-khen?don_vi={world.branch.id}", data={
        "issuer_line": "Ban Khuyến học ấp Tân Lộc", "title": "GIẤY KHEN", "border": "simple", "logo": "",
        "signer_title": "TRƯỞNG BAN", "signer_name": "Lê Văn Ký", "place": "Tân Lộc"})
    # The sample's long name on two even lines (issue 18 C): "Công Tằng Tôn Nữ Thị Hoàng <br>Phương ...".
    body = _both(admin, f"{PREFIX}/mau-giay-khen/xem-thu?don_vi={world.branch.id}",
                 "Công Tằng Tôn Nữ Thị Hoàng <br>Phương Quỳnh Ngọc Diễm Lệ Ái Bích")
    assert "Ban Khuyến học ấp Tân Lộc" in body and "Lê Văn Ký" in body and "TRƯỞNG BAN" in body
    assert "style=" not in body


def test_every_list_cell_carries_its_column_label_for_phones(admin, world):
    """Issue 14 C: tables in table.list stack on a phone, each cell showing its data-label."""
    import re

    cset = make_set()
    a = make_assessment(world.branch, cset, scores=[9] * 10)
    d = make_decision(world.commune, number="8/QĐ-HKH")
    add(d, "Nguyễn Thị Đào", "Giải Nhất học sinh giỏi", birth_text="05/02/2013")
    issuing.issue(d)
    db.session.commit()
    pages = [f"{PREFIX}/", f"{PREFIX}/quyet-dinh/{d.id}", f"{PREFIX}/danh-sach-duoc-khen?ky=2026",
             f"{PREFIX}/tieu-chi", f"{PREFIX}/tieu-chi/{cset.id}", f"{PREFIX}/danh-gia?nam=2026"]
    for url in pages:
        body = admin.get(url).get_data(as_text=True)
        tables = re.findall(r'<table class="list.*?</table>', body, re.S)
        cells = [c for t in tables for c in re.findall(r"<td[^>]*>", t)]
        assert cells, url
        assert all("data-label=" in c for c in cells), (url, [c for c in cells if "data-label" not in c])
    assert a.passed
