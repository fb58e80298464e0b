"""Pig codes: one spelling whatever was typed (issue 14: "LV-HB--001"), and correcting a code before
the pig's first opening."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.piggybanks import codes, services
from app.piggybanks.models import PiggyBank
from tests.factories_piggybanks import make_opening, make_pig, make_pigs


@pytest.mark.parametrize("typed, expected", [
    ("LV-HB", "LV-HB"),
    ("LV-HB-", "LV-HB"),          # the trailing dash of a typed prefix
    ("lv-hb", "LV-HB"),           # lower case
    ("  lv  hb  ", "LV-HB"),      # spaces, inside too
    ("LV--HB---", "LV-HB"),       # repeated dashes
    ("LV – HB", "LV-HB"),         # an en dash between spaces (phone keyboards)
    ("lv_hb", "LV-HB"),
    ("đt-lộc", "DT-LOC"),         # Vietnamese letters to their base letter
    ("Lv-Ho\u0302\u0323c", "LV-HOC"),  # NFD input (decomposed marks) gives the same
])
def test_normalize(typed, expected):
    assert codes.normalize(typed) == expected


@pytest.mark.parametrize("typed, message", [
    ("", "Vui lòng nhập"),
    ("---", "Vui lòng nhập"),
    ("LV/HB", "“/”"),
    ("A" * 21, "dài quá 20"),
])
def test_bad_prefixes_are_refused_with_a_vietnamese_message(typed, message):
    with pytest.raises(codes.CodeError) as err:
        codes.check_prefix(typed)
    assert message in str(err.value) and err.value.field == "prefix"


def _issue(client, world, prefix, names="Nguyễn Văn An", key="a" * 32, start=""):
    return client.post("/heo-dat/cap-moi", data={
        "unit_id": world.branch.id, "holder_type": "household", "names": names, "prefix": prefix, "start": start,
        "issued_on": "2026-09-05", "seed_money": "", "campaign_id": "0", "idem_key": key})


def _codes(unit):
    return db.session.scalars(select(PiggyBank.code).where(PiggyBank.unit_id == unit.id)
                              .order_by(PiggyBank.code)).all()


@pytest.mark.parametrize("prefix", ["LV-HB-", "lv-hb", "LV HB", " lv - hb - "])
def test_a_typed_prefix_continues_the_existing_series(as_user, world, prefix):
    make_pigs(world.branch, ["Hộ ông Một", "Hộ bà Hai"], prefix="LV-HB")
    resp = _issue(as_user(world.users["clerk"]), world, prefix, names="Hộ ông Ba\nHộ bà Tư")
    assert resp.status_code == 303
    assert _codes(world.branch) == ["LV-HB-001", "LV-HB-002", "LV-HB-003", "LV-HB-004"]


def test_issue_with_vietnamese_letters_and_the_flash_names_the_codes(as_user, world):
    client = as_user(world.users["clerk"])
    assert _issue(client, world, "đt lộc", names="Hộ ông Một\nHộ bà Hai").status_code == 303
    assert _codes(world.branch) == ["DT-LOC-001", "DT-LOC-002"]
    assert "mã DT-LOC-001 đến DT-LOC-002" in client.get("/heo-dat/").get_data(as_text=True)


def test_a_bad_prefix_is_refused_beside_the_field_and_kept(as_user, world):
    resp = _issue(as_user(world.users["clerk"]), world, "LV/HB")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="prefix-err"' in body and "“/”" in body and 'value="LV/HB"' in body
    assert _codes(world.branch) == []


def test_the_hint_says_what_the_code_does(as_user, world):
    body = as_user(world.users["clerk"]).get("/heo-dat/cap-moi").get_data(as_text=True)
    assert "LV-TL-001, LV-TL-002" in body and "“lv-tl-” hay “lv tl” đều là LV-TL" in body
    assert codes.check_prefix("lv-tl-") == codes.check_prefix("lv tl") == "LV-TL"  # as the hint says


def test_next_code_number_ignores_the_spelling_of_the_prefix(world):
    make_pigs(world.branch, ["Hộ ông Một"], prefix="LV-HB", commit=True)
    assert services.next_code_number(world.branch, "lv-hb-") == 2


# Correcting a code ---------------------------------------------------------------------------------

def _change(client, pig, code, reason="Gõ nhầm tiền tố", htmx=False):
    return client.post(f"/heo-dat/{pig.id}/sua-ma", data={"code": code, "reason": reason}, htmx=htmx)


def test_code_is_corrected_normalised_and_audited(as_user, world):
    pig = make_pig(world.branch, "Hộ ông Một", prefix="LV-HBB")
    client = as_user(world.users["clerk"])
    assert "Sửa mã heo</a>" in client.get(f"/heo-dat/{pig.id}").get_data(as_text=True)
    assert 'id="code-form"' in client.get(f"/heo-dat/{pig.id}/sua-ma", htmx=True).get_data(as_text=True)
    resp = _change(client, pig, " lv-hb--7 ")
    assert resp.status_code == 303
    db.session.refresh(pig)
    assert pig.code == "LV-HB-7" and pig.search_key.startswith("lv-hb-7 ")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "change_code")).one()
    assert (entry.object_id, entry.before["code"], entry.after["code"], entry.after["reason"]) == (
        pig.id, "LV-HBB-001", "LV-HB-7", "Gõ nhầm tiền tố")


def test_code_must_stay_unique_in_the_unit_but_may_repeat_elsewhere(as_user, world):
    a, b = make_pigs(world.branch, ["Hộ ông Một", "Hộ bà Hai"], prefix="LV")
    elsewhere = make_pig(world.other_branch, "Hộ chú Ba", prefix="X")
    client = as_user(world.users["clerk"])
    resp = _change(client, b, "lv-001")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "LV-001 đã là mã heo của Hộ ông Một" in body and 'id="code-err"' in body
    db.session.refresh(b)
    assert b.code == "LV-002"
    services.change_code(elsewhere, "LV-001", "Theo sổ của chi hội")
    db.session.commit()
    assert elsewhere.code == "LV-001"


def test_a_reason_is_required(as_user, world):
    pig = make_pig(world.branch, prefix="LV")
    resp = _change(as_user(world.users["clerk"]), pig, "LV-009", reason="")
    assert resp.status_code == 422 and "Vui lòng nhập lý do sửa mã." in resp.get_data(as_text=True)
    with pytest.raises(services.PiggyBankError, match="lý do"):
        services.change_code(pig, "LV-009", "   ")


def test_code_is_frozen_after_the_first_opening(as_user, world):
    pig = make_pig(world.branch, prefix="LV")
    make_opening(pig)
    client = as_user(world.users["clerk"])
    detail = client.get(f"/heo-dat/{pig.id}")
    assert detail.status_code == 200 and pig.code in detail.get_data(as_text=True)  # the pig's own page
    assert "Sửa mã heo</a>" not in detail.get_data(as_text=True)
    page = client.get(f"/heo-dat/{pig.id}/sua-ma").get_data(as_text=True)
    assert "đã mổ ngày 20/08/2026: mã heo đã ghi trên phiếu thu nên không sửa được nữa" in page
    resp = _change(client, pig, "LV-100", htmx=True)
    assert resp.status_code == 422 and "không sửa được nữa" in resp.get_data(as_text=True)
    db.session.refresh(pig)
    assert pig.code.endswith("-001")


def test_a_voided_first_opening_still_freezes_the_code(world):
    pig = make_pig(world.branch, prefix="LV")
    services.void_opening(make_opening(pig), "Đếm nhầm")
    db.session.commit()
    with pytest.raises(services.PiggyBankError, match="không sửa được"):
        services.change_code(pig, "LV-100", "Sửa")


def test_a_viewer_cannot_change_a_code(as_user, world):
    pig = make_pig(world.branch, prefix="LV")
    assert _change(as_user(world.users["viewer"]), pig, "LV-100").status_code == 403
