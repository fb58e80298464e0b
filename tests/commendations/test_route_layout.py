"""The shape the commendation views keep (issue 16): the form-to-service mapping is one function of
the service, and a long attached list is offered as a background print through the one cut-off."""
from dataclasses import fields

from app.commendations import bulk, services
from app.commendations.forms import DecisionForm, HonoreeForm
from app.extensions import db
from app.printing.offer import DIRECT_MAX
from tests.factories_commendations import make_decision

PREFIX = "/khen-thuong"


def test_every_header_field_travels_from_the_form_by_its_name():
    """DecisionData.of(form.data) reads the fields by name: a field the dataclass has and the form
    lacks (the fund, loaded by the view) must be given explicitly, nothing else."""
    missing = {f.name for f in fields(services.DecisionData) if not hasattr(DecisionForm, f.name)}
    assert missing == {"fund"}
    missing = {f.name for f in fields(services.HonoreeData) if not hasattr(HonoreeForm, f.name)}
    assert missing == {"assessment_id", "nomination_id"}  # kept from the corrected line by the view


def test_of_keeps_only_the_dataclass_fields_and_the_given_values_win():
    data = services.HonoreeData.of({"name": "Lê Văn An", "amount": 5, "unlink": True, "csrf_token": "x",
                                    "pupil_id": "12"}, pupil_id=12)
    assert (data.name, data.amount, data.pupil_id, data.kind) == ("Lê Văn An", 5, 12, "pupil")


def test_amending_draft_copies_the_header(world):
    from app.commendations import issuing
    from tests.factories_commendations import add

    d = make_decision(world.commune, place="Lai Vung", proposal="Chi hội ấp 3")  # school year 2025-2026
    add(d, "Lê Văn An")
    issuing.issue(d)
    new = services.amending_draft(d)
    assert (new.place, new.school_year, new.proposal, new.amends_id) == ("Lai Vung", "2025-2026", "Chi hội ấp 3", d.id)
    assert new.number != d.number and f"Căn cứ Quyết định số {d.number};" in new.bases


def test_a_long_list_is_offered_as_a_background_print(world, as_user):
    admin = as_user(world.users["admin"])
    d = make_decision(world.commune)
    bulk.from_text(d, "\n".join(f"Nguyễn Văn Học {i}" for i in range(DIRECT_MAX + 1)), "pupil", False)
    db.session.commit()
    resp = admin.get(f"{PREFIX}/quyet-dinh/{d.id}/danh-sach.pdf")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert f"{PREFIX}/quyet-dinh/{d.id}/in-danh-sach" in body  # the button queueing it
    page = admin.get(f"{PREFIX}/quyet-dinh/{d.id}").get_data(as_text=True)
    assert f"/quyet-dinh/{d.id}/danh-sach.pdf" not in page and "In danh sách (chạy nền)" in page
    # positive control: a short list prints at once
    short = make_decision(world.commune)
    bulk.from_text(short, "Lê Văn An", "pupil", False)
    db.session.commit()
    resp = admin.get(f"{PREFIX}/quyet-dinh/{short.id}/danh-sach.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    page = admin.get(f"{PREFIX}/quyet-dinh/{short.id}").get_data(as_text=True)
    assert f"/quyet-dinh/{short.id}/danh-sach.pdf" in page
