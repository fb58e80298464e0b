"""Blank printing's pages (issue 18 D), plainly and through htmx: the layout form (decimal commas, refusals
beside their box), printers (add, edit, delete, calibration PDF), printing a decision onto blanks (the
background job, one test sheet at once); the issuer's admin sets up, whoever sees the decision prints,
another unit gets 404."""
import shutil

import pytest
from sqlalchemy import func, select

from app.commendations import blanks, issuing
from app.commendations.blank_models import BlankLayout, PrinterProfile, default_fields
from app.extensions import db
from tests.commendations.test_blanks import PREFIX, _printer, assert_at, line_of, page_count, words
from tests.factories import make_user
from tests.factories_commendations import add, make_decision

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdfinfo")),
                                reason="poppler-utils missing")


@pytest.fixture
def decision(world):
    d = make_decision(world.commune, number="12/QĐ-HKH")
    add(d, "Nguyễn Thị Ánh", "Học sinh giỏi", place="Lớp 9A1, Trường THCS Tân Phú")
    issuing.issue(d)
    db.session.commit()
    return d


def _form(overrides=None) -> dict:
    data = {"paper": "a4_landscape"}
    for key, spec in default_fields().items():
        for part, value in spec.items():
            if part == "show":
                if value:
                    data[f"{key}_show"] = "y"
            else:
                data[f"{key}_{part}"] = str(value).replace(".", ",")
    data.update(overrides or {})
    return data


def _both(client, url, needle, status=200):
    plain, htmx = client.get(url), client.get(url, htmx=True)
    assert plain.status_code == htmx.status_code == status, (url, plain.status_code, htmx.status_code)
    assert "<html" in plain.get_data(as_text=True)
    body = htmx.get_data(as_text=True)
    assert "<html" not in body and needle in body, url
    return body


def test_layout_page_plain_and_htmx_and_save_with_a_decimal_comma(world, as_user):
    admin = as_user(world.users["admin"])
    body = _both(admin, f"{PREFIX}/phoi-giay-khen", "Lưu vị trí in")
    assert 'for="name_x"' in body and "Lề trái x (mm)" in body and "Cỡ chữ (pt)" in body
    resp = admin.post(f"{PREFIX}/phoi-giay-khen", data=_form({"name_x": "45,5", "name_size": "24"}))
    assert resp.status_code == 303
    layout = db.session.scalar(select(BlankLayout).where(BlankLayout.unit_id == world.commune.id))
    assert layout.fields["name"]["x"] == 45.5 and layout.fields["name"]["size"] == 24.0
    assert admin.get(f"{PREFIX}/phoi-giay-khen").get_data(as_text=True).count('value="45,5"') == 1
    resp = admin.post(f"{PREFIX}/phoi-giay-khen", data=_form({"name_x": "45.5", "name_w": "300"}), htmx=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "ra ngoài bề ngang giấy" in body and "<html" not in body
    assert 'id="o-name" open' in body  # the wrong field's group is opened
    resp = admin.post(f"{PREFIX}/phoi-giay-khen", data=_form({"detail_size": "nhiều"}))
    assert resp.status_code == 422 and "ví dụ 12,5" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(BlankLayout, layout.id).fields["name"]["w"] == 200.0  # refused: unchanged
    resp = admin.post(f"{PREFIX}/phoi-giay-khen", data=_form({"name_x": "46"}), htmx=True)
    assert resp.status_code == 200 and resp.headers["HX-Redirect"].endswith(f"don_vi={world.commune.id}")


def test_printers_add_edit_delete_and_calibration(world, as_user, tmp_path):
    admin = as_user(world.users["admin"])
    url = f"{PREFIX}/phoi-giay-khen/may-in?don_vi={world.commune.id}"
    assert admin.post(url, data={"name": "Máy in Canon văn phòng", "offset_x": "-3,5", "offset_y": "2"}).status_code == 303
    p = db.session.scalar(select(PrinterProfile).where(PrinterProfile.unit_id == world.commune.id))
    assert (p.offset_x_mm, p.offset_y_mm) == (-3.5, 2.0)
    resp = admin.post(url, data={"name": "Máy in HP", "offset_x": "25", "offset_y": "0"}, htmx=True)
    assert resp.status_code == 422 and "±20" in resp.get_data(as_text=True)
    body = _both(admin, f"{PREFIX}/phoi-giay-khen?sua={p.id}", "Sửa máy in Máy in Canon văn phòng")
    assert 'value="-3,5"' in body
    resp = admin.post(f"{PREFIX}/phoi-giay-khen/may-in/{p.id}", data={"name": p.name, "offset_x": "1,5", "offset_y": ""},
                      htmx=True)
    assert resp.status_code == 200 and "HX-Redirect" in resp.headers
    db.session.expire_all()
    assert (p.offset_x_mm, p.offset_y_mm) == (1.5, 0.0)
    resp = admin.get(f"{PREFIX}/phoi-giay-khen/can-chinh.pdf?may_in={p.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert "Máy in Canon văn phòng" in " ".join(w["text"] for w in words(resp.data, tmp_path)[0])
    pid = p.id
    assert admin.post(f"{PREFIX}/phoi-giay-khen/may-in/{pid}/xoa").status_code == 303
    db.session.expire_all()
    assert db.session.get(PrinterProfile, pid) is None


def test_another_unit_and_other_roles(world, as_user, decision):
    p = _printer(world.commune)
    other_admin = make_user(world.other_commune, "admin", username="admin_other")
    client = as_user(other_admin)
    assert client.get(f"{PREFIX}/phoi-giay-khen?don_vi={world.commune.id}").status_code == 404
    assert client.get(f"{PREFIX}/phoi-giay-khen").status_code == 200  # control: their own unit
    assert client.post(f"{PREFIX}/phoi-giay-khen/may-in/{p.id}", data={"name": "X", "offset_x": "0",
                                                                       "offset_y": "0"}).status_code == 404
    assert client.post(f"{PREFIX}/phoi-giay-khen/may-in/{p.id}/xoa").status_code == 404
    assert client.get(f"{PREFIX}/phoi-giay-khen/can-chinh.pdf?may_in={p.id}").status_code == 404
    assert client.get(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi").status_code == 404
    assert client.post(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi", data={"printer_id": "0"}).status_code == 404
    assert db.session.get(PrinterProfile, p.id) is not None


def test_treasurer_prints_but_does_not_set_up(world, as_user, decision, tmp_path):
    p = _printer(world.commune)
    t = as_user(world.users["treasurer"])
    assert t.get(f"{PREFIX}/phoi-giay-khen").status_code == 403
    assert t.post(f"{PREFIX}/phoi-giay-khen/may-in/{p.id}/xoa").status_code == 403
    body = _both(t, f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi", "In 1 giấy khen trên phôi")
    assert "Máy in Canon văn phòng" in body and 'for="printer_id"' in body and 'for="may_in_one"' in body
    assert "Đặt vị trí in và máy in" not in body  # setting up is the admin's
    h = decision.honorees[0]
    resp = t.get(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi/to-thu.pdf?nguoi={h.id}&may_in={p.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert page_count(resp.data, tmp_path) == 1
    assert t.get(f"{PREFIX}/phoi-giay-khen/can-chinh.pdf?may_in={p.id}").status_code == 200


def test_print_queues_the_job_and_one_sheet_renders_at_once(world, as_user, decision, tmp_path):
    from app.printing.jobs import job_file
    from app.printing.models import PrintJob

    p = _printer(world.commune)
    admin = as_user(world.users["admin"])
    body = _both(admin, f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi", "In 1 giấy khen trên phôi")
    assert "Đặt vị trí in và máy in" in body
    resp = admin.post(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi", data={"printer_id": str(p.id)})
    assert resp.status_code == 303 and "/in-an/" in resp.headers["Location"]
    job = db.session.scalar(select(PrintJob).where(PrintJob.kind == blanks.KIND))
    assert job.params["printer_id"] == p.id and job.status == "done", job.error
    pdf = job_file(job)  # the bytes, from the blob store
    assert page_count(pdf, tmp_path) == 1
    assert_at(line_of(words(pdf, tmp_path)[0], "Nguyễn", "Ánh"), blanks.fields_of(blanks.layout_for(world.commune))
              ["name"], p.offset_x_mm, p.offset_y_mm)
    resp = admin.post(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi", data={"printer_id": "999999"}, htmx=True)
    assert resp.status_code == 422 and "<html" not in resp.get_data(as_text=True)
    other = make_decision(world.other_commune)
    stranger = add(other, "Trần Văn Bình")
    assert admin.get(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi/to-thu.pdf?nguoi={stranger.id}").status_code == 404
    hidden = _printer(world.other_commune, "Máy in xã khác")
    h = decision.honorees[0]
    assert admin.get(f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi/to-thu.pdf?nguoi={h.id}&may_in={hidden.id}").status_code == 404




def test_the_defaults_fit_every_paper_and_a_reset_takes_them(world, as_user):
    from app.commendations.blank_models import PAPERS

    for paper in PAPERS:
        blanks.save_layout(world.commune, paper, default_fields(paper))  # refused if a box left the paper
    db.session.rollback()
    admin = as_user(world.users["admin"])
    resp = admin.post(f"{PREFIX}/phoi-giay-khen", data={"paper": "a5_landscape", "mac_dinh": "1", "name_x": "x"})
    assert resp.status_code == 303
    layout = db.session.scalar(select(BlankLayout).where(BlankLayout.unit_id == world.commune.id))
    assert layout.paper == "a5_landscape" and layout.fields == default_fields("a5_landscape")
    assert layout.fields["name"]["x"] < default_fields()["name"]["x"]
    resp = admin.post(f"{PREFIX}/phoi-giay-khen", data={"paper": "a3", "mac_dinh": "1"}, htmx=True)
    assert resp.status_code == 422 and "Khổ giấy không hợp lệ" in resp.get_data(as_text=True)


def test_a_picked_line_of_another_decision_is_refused_not_widened_to_all(world, as_user, decision):
    """A posted nguoi= that is not this decision's line answers 404 and queues nothing; a line of the
    decision (the control) queues a job for that line alone."""
    from app.printing.models import PrintJob

    other = make_decision(world.other_commune)
    stranger = add(other, "Trần Văn Lạ")
    admin = as_user(world.users["admin"])
    url = f"{PREFIX}/quyet-dinh/{decision.id}/in-phoi"
    own = decision.honorees[0].id
    for picked in ([str(stranger.id)], [str(own), str(stranger.id)], ["abc"]):
        assert admin.post(url, data={"printer_id": "0", "nguoi": picked}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PrintJob).where(PrintJob.kind == blanks.KIND)) == 0
    assert admin.post(url, data={"printer_id": "0", "nguoi": [str(own)]}).status_code == 303
    job = db.session.scalar(select(PrintJob).where(PrintJob.kind == blanks.KIND))
    assert job.params["honoree_ids"] == [own]
