"""Donors: suggestions while typing, merge keeping history, search and export."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.donations.donors import Donor
from app.donations.models import Donation
from app.extensions import db
from tests.factories_donations import make_campaign, make_donation, make_donor


def test_suggestions_match_folded_name_and_rank_same_phone_first(world, as_user):
    make_donor(world.commune, "Nguyễn Văn Hùng", address="Ấp Hòa Bình")
    b = make_donor(world.commune, "Nguyễn Văn Hùng", address="Ấp Tân Lộc", phone="0912 345 678")
    make_donor(world.other_commune, "Nguyễn Văn Hùng")  # another commune: never suggested
    client = as_user(world.users["clerk"])
    resp = client.get("/quyen-gop/nha-hao-tam/goi-y?donor_name=nguyen van hung&phone=0912345678", htmx=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    assert html.count('name="donor_id"') == 3  # "new" + two in scope
    assert html.index(f'value="{b.id}"') < html.index("Ấp Hòa Bình")
    plain = client.get("/quyen-gop/nha-hao-tam/goi-y?donor_name=nguyen van hung")
    assert "<html" in plain.get_data(as_text=True)


def test_no_js_fallback_shows_candidates_in_the_entry_form(world, as_user):
    campaign = make_campaign(world.commune)
    make_donor(world.commune, "Trần Thị Mai", address="Ấp Tân Lộc")
    client = as_user(world.users["clerk"])
    resp = client.post("/quyen-gop/nhap", data={"campaign_id": campaign.id, "donor_name": "tran thi mai", "tim": "1"})
    assert resp.status_code == 200 and "Trần Thị Mai" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Donation.id)) is None


def test_merge_moves_donations_marks_merged_and_keeps_audit(world, as_user):
    campaign = make_campaign(world.commune)
    keep = make_donor(world.commune, "Công ty TNHH Minh Phát", "business")
    dup = make_donor(world.commune, "Cty TNHH Minh Phát", "business")
    make_donation(campaign, 1_000_000, donor=dup)
    make_donation(campaign, 2_000_000, donor=keep)
    client = as_user(world.users["treasurer"])
    assert client.get(f"/quyen-gop/nha-hao-tam/{dup.id}/gop").status_code == 200
    resp = client.post(f"/quyen-gop/nha-hao-tam/{dup.id}/gop", data={"keep_id": keep.id})
    assert resp.status_code == 303
    db.session.expire_all()
    dup = db.session.get(Donor, dup.id)
    assert dup.merged_into_id == keep.id
    assert {d.donor_id for d in db.session.scalars(select(Donation))} == {keep.id}
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
    assert "Minh Phát" in str(audit.__dict__)
    listing = client.get("/quyen-gop/nha-hao-tam/?q=minh phat", htmx=True).get_data(as_text=True)
    assert "Công ty TNHH Minh Phát" in listing and "Cty TNHH" not in listing
    again = client.post(f"/quyen-gop/nha-hao-tam/{dup.id}/gop", data={"keep_id": keep.id})
    assert again.status_code == 422


def test_clerk_cannot_merge(world, as_user):
    a = make_donor(world.commune, "Lê Văn A")
    b = make_donor(world.commune, "Lê Văn A")
    assert as_user(world.users["clerk"]).post(f"/quyen-gop/nha-hao-tam/{a.id}/gop",
                                              data={"keep_id": b.id}).status_code == 403


def test_exports_neutralise_formulas_and_open_with_openpyxl(world, as_user):
    campaign = make_campaign(world.commune)
    make_donation(campaign, 500_000, name="=cmd|' /C calc'!A0", address="+SUM(A1)")
    client = as_user(world.users["viewer"])
    for url in ("/quyen-gop/xuat.xlsx", "/quyen-gop/nha-hao-tam/xuat.xlsx", "/dot-van-dong/xuat.xlsx"):
        resp = client.get(url)
        assert resp.status_code == 200 and resp.data[:2] == b"PK"
        wb = load_workbook(io.BytesIO(resp.data))
        ws = wb.active
        assert ws["A1"].font.bold
        values = [c.value for row in ws.iter_rows() for c in row]
        assert not any(isinstance(v, str) and v[:1] in "=+-@" for v in values), url
    ws = load_workbook(io.BytesIO(client.get("/quyen-gop/xuat.xlsx").data)).active
    values = [c.value for c in ws[2]]
    assert "'=cmd|' /C calc'!A0" in values and "'+SUM(A1)" in values and 500000 in values
