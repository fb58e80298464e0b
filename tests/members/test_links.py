"""A member who is also a donor, a sponsor or a volunteer honoree is linked, not typed twice."""
import re
import uuid
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.commendations.models import Honoree
from app.donations.donors import Donor
from app.extensions import db
from app.members.models import Member
from app.pupils import queries as pupil_queries
from tests.conftest import login
from tests.factories_commendations import make_decision
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_members import make_member
from tests.factories_scholarships import make_pupil


def fresh(model, ident):
    db.session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    return db.session.get(model, ident)


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def linked_pair(world):
    member = make_member(world.commune, "Nguyễn Văn Ấn", birth_year=1950, phone="0912 345 678",
                         address="Số 5, ấp Tân Lộc")
    donor = make_donor(world.commune, "Nguyễn Văn Ấn", phone="0912345678")
    return member, donor


def test_the_member_page_suggests_the_donor_and_links_it_with_one_post(world, as_user):
    member, donor = linked_pair(world)
    make_donor(world.commune, "Trần Thị Mai")  # another person: not suggested
    other = make_donor(world.other_commune, "Nguyễn Văn Ấn", phone="0912345678")  # another commune: never
    campaign = make_campaign(world.commune)
    make_donation(campaign, 500_000, donor=donor)
    make_donation(campaign, 750_000, donor=donor)
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    block = page[page.index('id="lien-ket"'):]
    assert 'id="donor-suggestions"' in block and f'name="donor_id" value="{donor.id}"' in block
    assert f'value="{other.id}"' not in block and "Trần Thị Mai" not in block
    assert f'action="/hoi-vien/{member.id}/lien-ket/nha-hao-tam"' in block and "csrf_token" in block
    resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/hoi-vien/{member.id}#lien-ket")
    assert fresh(Member, member.id).donor_id == donor.id
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "member",
                                                        AuditEntry.action == "link")).all()
    assert len(audit) == 1 and audit[0].object_id == member.id
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert 'id="linked-donor"' in page and "1.250.000 đ" in page and "(2 lần)" in page
    assert f'href="/quyen-gop/nha-hao-tam/{donor.id}"' in page
    donor_page = client.get(f"/quyen-gop/nha-hao-tam/{donor.id}").get_data(as_text=True)
    assert (f'Là hội viên: <a href="/hoi-vien/{member.id}">Nguyễn Văn Ấn</a>, số thẻ {member.number}, '
            "Hội Khuyến học xã Tân Phú") in donor_page
    unlinked = make_donor(world.commune, "Trần Thị Mai Hai")
    assert "Là hội viên" not in client.get(f"/quyen-gop/nha-hao-tam/{unlinked.id}").get_data(as_text=True)


def test_linking_with_htmx_answers_the_block_in_place(world, as_user):
    member, donor = linked_pair(world)
    client = as_user(world.users["clerk"])
    resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id}, htmx=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and page.lstrip().startswith('<section id="lien-ket"') and "<html" not in page
    assert 'id="linked-donor"' in page


def test_unlink_takes_the_link_off_and_a_second_click_changes_nothing(world, as_user):
    member, donor = linked_pair(world)
    client = as_user(world.users["clerk"])
    client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id})
    assert fresh(Member, member.id).donor_id == donor.id
    for _ in range(2):
        assert client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam/bo").status_code == 303
    assert fresh(Member, member.id).donor_id is None and fresh(Donor, donor.id) is not None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "member", AuditEntry.action == "link")) == 2  # linked, unlinked once


def test_a_member_linked_to_one_donor_is_not_linked_to_another_without_unlinking(world, as_user):
    member, donor = linked_pair(world)
    second = make_donor(world.commune, "Nguyễn Văn Ấn", address="Ấp Mỹ")
    client = as_user(world.users["clerk"])
    client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id})
    resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": second.id})
    assert resp.status_code == 422 and "bỏ liên kết trước" in resp.get_data(as_text=True)
    assert fresh(Member, member.id).donor_id == donor.id


def test_a_donor_record_is_made_from_the_member_once(world, as_user):
    member = make_member(world.commune, "Lê Thị Thu", phone="0987654321", address="Số 9", village="Ấp Tân Lộc")
    client = as_user(world.users["clerk"])
    before = db.session.scalar(select(func.count()).select_from(Donor))
    key = uuid.uuid4().hex
    for _ in range(2):  # a double click
        resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam/tao", data={"idem_key": key})
        assert resp.status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Donor)) == before + 1
    donor = fresh(Member, member.id).donor
    assert (donor.name, donor.phone, donor.address, donor.unit_id) == (
        "Lê Thị Thu", "0987654321", "Số 9, Ấp Tân Lộc", world.commune.id)


def test_making_a_donor_needs_the_donations_role(world, as_user):
    member = make_member(world.commune, "Lê Thị Thu")
    client = as_user(world.users["admin"])  # may keep the register, not the donors
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert "Tìm nhà hảo tâm khác" in page and "Tạo hồ sơ nhà hảo tâm từ hội viên" not in page
    resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam/tao", data={"idem_key": uuid.uuid4().hex})
    assert resp.status_code == 403


def test_another_communes_donor_or_member_is_not_found(world, as_user, app):
    member, donor = linked_pair(world)
    other_donor = make_donor(world.other_commune, "Nguyễn Văn Ấn")
    other_member = make_member(world.other_commune, "Nguyễn Văn Ấn")
    client = as_user(world.users["clerk"])
    assert client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam",
                       data={"donor_id": other_donor.id}).status_code == 404
    for path in ("lien-ket/nha-hao-tam", "lien-ket/nha-hao-tam/bo", "lien-ket/nha-hao-tam/tao"):
        assert client.post(f"/hoi-vien/{other_member.id}/{path}",
                           data={"donor_id": donor.id, "idem_key": uuid.uuid4().hex}).status_code == 404
    assert client.get(f"/hoi-vien/{other_member.id}/lien-ket/nha-hao-tam?q=an").status_code == 404
    assert fresh(Member, other_member.id).donor_id is None and fresh(Member, member.id).donor_id is None
    # The positive control: the commune's own donor links.
    assert client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id}).status_code == 303


def test_a_chi_hoi_clerk_links_only_donors_in_their_own_scope(world, app):
    member = make_member(world.branch, "Nguyễn Văn Ấn")
    commune_donor = make_donor(world.commune, "Nguyễn Văn Ấn")
    branch_donor = make_donor(world.branch, "Nguyễn Văn Ấn", address="Ấp khác")
    client = client_of(app, world.branch_user)
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert f'value="{branch_donor.id}"' in page and f'value="{commune_donor.id}"' not in page
    assert client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam",
                       data={"donor_id": commune_donor.id}).status_code == 404
    # The commune's clerk may link the chi hội's member to the commune's donor.
    commune_client = client_of(app, world.users["clerk"])
    assert commune_client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam",
                               data={"donor_id": commune_donor.id}).status_code == 303


def test_a_viewer_sees_the_links_but_may_not_change_them(world, app):
    member, donor = linked_pair(world)
    client = client_of(app, world.users["viewer"])
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert 'id="lien-ket"' in page and "Tạo hồ sơ nhà hảo tâm" not in page and 'name="donor_id"' not in page
    assert client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id}).status_code == 403
    assert client.get(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam").status_code == 403


def test_the_search_page_works_without_javascript_and_with_htmx(world, as_user):
    member, donor = linked_pair(world)
    make_donor(world.other_commune, "Nguyễn Văn Ấn Hai")
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam?q=nguyen van an").get_data(as_text=True)
    assert "<html" in page and 'method="get"' in page and '<label for="link-q">' in page
    assert page.count('aria-label="Liên kết với') == 1 and f'value="{donor.id}"' in page
    frag = client.get(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam?q=0912345", htmx=True).get_data(as_text=True)
    assert frag.lstrip().startswith('<div id="link-results"') and f'value="{donor.id}"' in frag


def test_sponsorships_naming_the_linked_donor_are_listed(world, as_user):
    member, donor = linked_pair(world)
    pupil = make_pupil(world.commune, "Lê Văn Tí")
    pupil_queries.add_sponsorship(pupil, "Nguyễn Văn Ấn", "donor", date(2025, 9, 1), None, 300_000, "month")
    pupil_queries.add_sponsorship(pupil, "Nguyễn Văn Ân", "donor", date(2025, 9, 1), None, 100_000, "month")
    other_pupil = make_pupil(world.other_commune, "Trần Văn Tèo")
    pupil_queries.add_sponsorship(other_pupil, "Nguyễn Văn Ấn", "donor", date(2025, 9, 1), None, 200_000, "month")
    db.session.commit()
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert 'id="member-sponsorships"' not in page  # not linked yet: nothing said
    client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": donor.id})
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    table = page[page.index('id="member-sponsorships"'):page.index("</table>", page.index('id="member-sponsorships"'))]
    assert "Lê Văn Tí" in table and "300.000 đ" in table
    assert "100.000 đ" not in table and "Trần Văn Tèo" not in table


def test_a_volunteer_honoree_is_picked_from_the_members_and_listed_on_their_page(world, as_user):
    member = make_member(world.branch, "Phạm Thị Hồng", birth_year=1957, village="Ấp Tân Lộc")
    other = make_member(world.other_commune, "Phạm Thị Hồng", birth_year=1957)
    d = make_decision(world.commune)
    client = as_user(world.users["clerk"])
    page = client.get(f"/khen-thuong/quyet-dinh/{d.id}/chon-nguoi?loai=hoi-vien&q=pham thi hong").get_data(as_text=True)
    assert f'name="hoi_vien" value="{member.id}"' in page and f'value="{other.id}"' not in page
    form = client.get(f"/khen-thuong/quyet-dinh/{d.id}/them?hoi_vien={member.id}").get_data(as_text=True)
    assert 'value="Phạm Thị Hồng"' in form and 'value="1957"' in form and 'value="Ấp Tân Lộc"' in form
    assert re.search(rf'name="member_id" type="hidden" value="{member.id}"', form)
    assert '<option selected value="volunteer">' in form and "hồ sơ hội viên" in form
    assert client.get(f"/khen-thuong/quyet-dinh/{d.id}/them?hoi_vien={other.id}").status_code == 404
    resp = client.post(f"/khen-thuong/quyet-dinh/{d.id}/them", data={
        "name": "Phạm Thị Hồng", "kind": "volunteer", "birth_text": "1957", "place": "Ấp Tân Lộc",
        "achievement": "Tích cực vận động khuyến học", "amount": "0", "member_id": str(member.id)})
    assert resp.status_code == 303
    h = db.session.scalar(select(Honoree).where(Honoree.decision_id == d.id))
    assert h.member_id == member.id and h.kind == "volunteer"
    page = client.get(f"/hoi-vien/{member.id}").get_data(as_text=True)
    assert 'id="member-honors"' in page and f"Quyết định {d.number}" in page and "Tích cực vận động" in page
    refused = client.post(f"/khen-thuong/quyet-dinh/{d.id}/them", data={
        "name": "Phạm Thị Hồng", "kind": "volunteer", "amount": "0", "member_id": str(other.id)})
    assert refused.status_code == 422 and "Hội viên được chọn không thuộc đơn vị" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Honoree).where(Honoree.member_id == other.id)) == 0


def test_a_link_without_a_donor_is_refused_with_a_message_and_nothing_changes(world, as_user):
    member, donor = linked_pair(world)
    client = as_user(world.users["clerk"])
    for value in ("", "abc"):
        resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": value})
        assert resp.status_code == 422 and "<html" in resp.get_data(as_text=True)
        assert 'role="alert"' in resp.get_data(as_text=True)
    resp = client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam", data={"donor_id": ""}, htmx=True)
    assert resp.status_code == 422 and resp.get_data(as_text=True).lstrip().startswith('<section id="lien-ket"')
    assert client.post(f"/hoi-vien/{member.id}/lien-ket/nha-hao-tam",
                       data={"donor_id": str(2**40)}).status_code == 404
    assert fresh(Member, member.id).donor_id is None
