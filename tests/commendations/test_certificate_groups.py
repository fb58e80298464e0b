"""A decision's certificates as one PDF or one PDF per class, school or village (issue 18 E): the page
/khen-thuong/quyet-dinh/<id>/in-giay-khen/theo-nhom (GET) lists "Tất cả" and each group of the attached list with
its count; each "In" is a real POST form queueing the print job of that group's lines, whose file is
named after the decision and the group and opens inline."""
import re
import shutil
import subprocess
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from app.commendations import documents
from app.extensions import db
from app.printing.models import PrintJob
from tests.conftest import login
from tests.factories_commendations import add, make_decision

PREFIX = "/khen-thuong"
PLACES = {  # name -> place; "" is a line without a place
    "Nguyễn Thị Ánh": "Lớp 5A, Trường Tiểu học Tân Phú", "Trần Văn Bình": "Lớp 4B, Trường Tiểu học Tân Phú",
    "Lê Ngọc Ẩn": "Lớp 5A, Trường Tiểu học Tân Phú", "Đặng Thị Ưng": "Lớp 4B, Trường Tiểu học Tân Phú",
    "Phạm Quỳnh Anh": "Lớp 5A, Trường Tiểu học Tân Phú", "Hồ Văn Đức": "", "Võ Thị Cúc": "Ấp Tân Lộc",
}
FIVE_A = "Lớp 5A, Trường Tiểu học Tân Phú"


@pytest.fixture
def clerk(world, as_user):
    return as_user(world.users["clerk"])


@pytest.fixture
def decision(world):
    d = make_decision(world.commune, number="15/QĐ-HKH", group_by="place")
    for name, place in PLACES.items():
        add(d, name, "Học sinh giỏi", place=place, commit=False)
    db.session.commit()
    return d


def _jobs() -> int:
    return db.session.scalar(select(func.count()).select_from(PrintJob))


def _last_job() -> PrintJob:
    return db.session.scalars(select(PrintJob).order_by(PrintJob.id.desc())).first()


def _ids_of(d, *names) -> list[int]:
    """The lines' ids in the attached list's order."""
    return [r["id"] for r in _rows(d) if r["name"] in names]


def _rows(d):
    from app.commendations.services import honorees

    return [{"id": h.id, "name": h.full_name} for h in honorees(d)]


def test_the_groups_of_the_attached_list_with_their_counts(decision):
    groups = documents.certificate_groups(decision)
    assert [(g.key, g.count) for g in groups] == [
        ("(Chưa ghi)", 1), ("Ấp Tân Lộc", 1), ("Lớp 4B, Trường Tiểu học Tân Phú", 2), (FIVE_A, 3)]
    # The attached list's headings: the same groups in the same order (the places' Vietnamese order).
    assert list(dict.fromkeys(r["group"] for r in documents.list_rows(decision))) == [g.key for g in groups]
    assert sum(g.count for g in groups) == len(PLACES)
    five = documents.certificate_group(decision, FIVE_A)
    assert list(five.ids) == _ids_of(decision, "Nguyễn Thị Ánh", "Lê Ngọc Ẩn", "Phạm Quỳnh Anh")
    assert documents.certificate_group(decision, "Lớp 9C") is None
    assert documents.group_filename(decision, five) == "Giấy khen 15-QĐ-HKH - Lớp 5A, Trường Tiểu học Tân Phú.pdf"


def test_the_page_lists_all_then_each_group_with_a_real_form(clerk, decision):
    url = f"{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen/theo-nhom"
    for htmx in (False, True):
        resp = clerk.get(url, htmx=htmx)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200 and ("<html" in body) != htmx
        assert "Tất cả (7 giấy khen)" in body and f"{FIVE_A} (3 giấy khen)" in body
        assert "Ấp Tân Lộc (1 giấy khen)" in body and "(Chưa ghi) (1 giấy khen)" in body
        # The main action first: the whole decision's form comes before every group's.
        whole = body.index(f'action="{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen"')
        assert whole < body.index(f'action="{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen/nhom"')
        section = body[body.index('id="certificate-groups"'):]
        assert section.count('name="nhom"') == 4 and section.count('name="csrf_token"') == 5
        assert f'value="{FIVE_A}"' in body and 'value="(Chưa ghi)"' in body


def test_the_decision_page_links_to_the_groups_and_the_blanks(clerk, decision):
    body = clerk.get(f"{PREFIX}/quyet-dinh/{decision.id}").get_data(as_text=True)
    assert f'href="{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen/theo-nhom"' in body and "In giấy khen theo lớp, trường" in body
    assert f'href="{PREFIX}/quyet-dinh/{decision.id}/in-phoi"' in body and "In lên phôi" in body


def test_one_group_prints_only_its_lines_named_after_it(clerk, decision, tmp_path):
    url = f"{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen/nhom"
    resp = clerk.post(url, data={"nhom": FIVE_A})
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = _last_job()
    assert job.kind == documents.CERTS_KIND and job.status == "done", job.error
    ids = _ids_of(decision, "Nguyễn Thị Ánh", "Lê Ngọc Ẩn", "Phạm Quỳnh Anh")
    assert job.params["decision_id"] == decision.id and job.params["honoree_ids"] == ids
    assert job.filename == f"Giấy khen 15-QĐ-HKH - {FIVE_A}.pdf"
    pdf = clerk.get(f"/in-an/{job.id}/tai-ve")
    disposition = pdf.headers["Content-Disposition"]
    assert pdf.mimetype == "application/pdf" and disposition.startswith("inline")
    assert unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)) == job.filename
    if shutil.which("pdftotext"):
        text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True,
                                       check=True).stdout.decode().split())
        flat = text.replace(" ", "")
        for name in ("Nguyễn Thị Ánh", "Lê Ngọc Ẩn", "Phạm Quỳnh Anh"):
            assert name.replace(" ", "") in flat, name
        for name in ("Trần Văn Bình", "Võ Thị Cúc", "Hồ Văn Đức"):  # the other groups' lines are not in it
            assert name.replace(" ", "") not in flat, name


def test_the_group_without_a_place_and_htmx(clerk, decision):
    url = f"{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen/nhom"
    resp = clerk.post(url, data={"nhom": "(Chưa ghi)"}, htmx=True)
    assert resp.status_code == 200 and "/in-an/" in resp.headers["HX-Redirect"]
    job = _last_job()
    assert job.params["honoree_ids"] == _ids_of(decision, "Hồ Văn Đức")
    assert job.filename == "Giấy khen 15-QĐ-HKH - (Chưa ghi).pdf"


def test_the_whole_decision_still_prints_as_one_job(clerk, decision):
    resp = clerk.post(f"{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen")
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = _last_job()
    params = {k: v for k, v in job.params.items() if k != "_site"}  # the site's address travels with every job
    assert params == {"decision_id": decision.id} and job.filename == "Giấy khen 15/QĐ-HKH.pdf"


def test_a_group_no_longer_in_the_list_or_no_group_queues_nothing(clerk, decision):
    url = f"{PREFIX}/quyet-dinh/{decision.id}/in-giay-khen/nhom"
    before = _jobs()
    resp = clerk.post(url, data={"nhom": "Lớp 9C"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/quyet-dinh/{decision.id}/in-giay-khen/theo-nhom")
    page = clerk.get(resp.headers["Location"]).get_data(as_text=True)
    assert "không còn nhóm “Lớp 9C”" in page
    resp = clerk.post(url, data={"nhom": "Lớp 9C"}, htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].endswith("/in-giay-khen/theo-nhom")
    assert clerk.post(url, data={}).status_code == 400
    assert clerk.post(url, data={"nhom": FIVE_A}, csrf=False).status_code == 400
    assert _jobs() == before
    assert clerk.post(url, data={"nhom": FIVE_A}).status_code == 303 and _jobs() == before + 1  # positive control


def test_an_empty_decision_offers_nothing_to_print(clerk, world):
    d = make_decision(world.commune)
    body = clerk.get(f"{PREFIX}/quyet-dinh/{d.id}/in-giay-khen/theo-nhom").get_data(as_text=True)
    assert "Danh sách đang trống" in body and 'name="nhom"' not in body


def test_a_decision_of_another_unit_is_refused(app, world, as_user, decision):
    other = make_decision(world.other_commune, number="3/QĐ-HKH")
    add(other, "Trần Văn Bình", place="Lớp 5A")
    client = as_user(world.users["clerk"])
    before = _jobs()
    assert client.get(f"{PREFIX}/quyet-dinh/{other.id}/in-giay-khen/theo-nhom").status_code == 404
    assert client.get(f"{PREFIX}/quyet-dinh/{other.id}/in-giay-khen/theo-nhom", htmx=True).status_code == 404
    assert client.post(f"{PREFIX}/quyet-dinh/{other.id}/in-giay-khen/nhom", data={"nhom": "Lớp 5A"}).status_code == 404
    assert _jobs() == before
    # Their own clerk may (positive control).
    theirs = app.test_client()
    login(theirs, world.other_user)
    assert theirs.get(f"{PREFIX}/quyet-dinh/{other.id}/in-giay-khen/theo-nhom").status_code == 200
    assert theirs.post(f"{PREFIX}/quyet-dinh/{other.id}/in-giay-khen/nhom", data={"nhom": "Lớp 5A"}).status_code == 303
    assert _jobs() == before + 1
