"""Opening a pig: dispositions, the ledger, tái đàn, retiring, voiding, double submit."""
from sqlalchemy import func, select

from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.piggybanks import services
from app.piggybanks.models import PiggyBankOpening
from tests.factories_piggybanks import make_opening, make_pig


def _open(client, pig, key="d" * 32, **extra):
    data = {"opened_on": "2026-08-20", "amount": "450.000", "disposition": "fund", "to_fund_amount": "",
            "kept_amount": "", "witness1": "Trần Văn Bảy", "witness2": "Lê Thị Tám", "note": "", "idem_key": key,
            **extra}
    return client.post(f"/heo-dat/{pig.id}/mo-heo", data=data)


def _fund_balance(pig):
    return funds.balance(funds.default_fund(pig.unit))


def _openings():
    return db.session.scalars(select(PiggyBankOpening)).all()


def test_opening_form_page_and_fragment(as_user, world):
    pig = make_pig(world.branch)
    client = as_user(world.users["clerk"])
    assert "Mổ heo" in client.get(f"/heo-dat/{pig.id}/mo-heo").get_data(as_text=True)
    frag = client.get(f"/heo-dat/{pig.id}/mo-heo", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and 'id="open-form"' in frag


def test_all_to_fund_posts_a_receipt_and_links_it(as_user, world):
    pig = make_pig(world.branch, "Hộ bà Võ Thị Sáu")
    client = as_user(world.users["clerk"])
    assert _open(client, pig).status_code == 303
    (opening,) = _openings()
    assert (opening.amount, opening.to_fund, opening.kept) == (450_000, 450_000, 0)
    entry = opening.ledger_entry
    assert entry.source == "piggy_bank" and entry.source_id == opening.id and entry.number.startswith("PT-2026-")
    assert entry.counterparty == "Hộ bà Võ Thị Sáu" and _fund_balance(pig) == 450_000
    db.session.refresh(pig)
    assert pig.status == "opened"
    page = client.get(f"/heo-dat/{pig.id}").get_data(as_text=True)
    assert f"/quy/but-toan/{entry.id}/phieu.pdf" in page and entry.number in page


def test_all_kept_records_the_amount_but_leaves_the_fund_alone(as_user, world):
    pig = make_pig(world.branch)
    assert _open(as_user(world.users["clerk"]), pig, disposition="kept").status_code == 303
    (opening,) = _openings()
    assert (opening.to_fund, opening.kept, opening.ledger_entry_id) == (0, 450_000, None)
    assert _fund_balance(pig) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_split_posts_only_the_fund_part(as_user, world):
    pig = make_pig(world.branch)
    resp = _open(as_user(world.users["clerk"]), pig, disposition="split", to_fund_amount="300.000",
                 kept_amount="150.000")
    assert resp.status_code == 303
    (opening,) = _openings()
    assert (opening.to_fund, opening.kept) == (300_000, 150_000)
    assert opening.ledger_entry.amount == 300_000 and _fund_balance(pig) == 300_000


def test_split_that_does_not_add_up_is_refused_beside_the_field(as_user, world):
    pig = make_pig(world.branch)
    client = as_user(world.users["clerk"])
    resp = _open(client, pig, disposition="split", to_fund_amount="300.000", kept_amount="100.000")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "không bằng số đếm được" in body and 'value="100.000"' in body
    assert 'id="kept_amount-err"' in body
    assert _openings() == [] and _fund_balance(pig) == 0
    frag = _open(client, pig, key="e" * 32, disposition="split", to_fund_amount="1", kept_amount="1")
    assert frag.status_code == 422


def test_missing_witness_and_amount_are_refused(as_user, world):
    pig = make_pig(world.branch)
    resp = _open(as_user(world.users["clerk"]), pig, amount="", witness2="")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Vui lòng nhập số tiền đếm được" in body and "người chứng kiến" in body
    assert _openings() == []


def test_double_submit_creates_one_opening(as_user, world):
    pig = make_pig(world.branch)
    client = as_user(world.users["clerk"])
    first, second = _open(client, pig), _open(client, pig)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_openings()) == 1 and _fund_balance(pig) == 450_000


def test_opening_twice_in_one_cycle_is_refused(world, app):
    pig = make_pig(world.branch)
    make_opening(pig)
    try:
        make_opening(pig)
    except services.PiggyBankError as err:
        assert "không ở trạng thái đang nuôi" in str(err)
        db.session.rollback()
    else:
        raise AssertionError("second opening accepted")


def test_reissue_starts_a_new_cycle(as_user, world):
    pig = make_pig(world.branch)
    make_opening(pig)
    client = as_user(world.users["clerk"])
    assert client.get(f"/heo-dat/{pig.id}/tai-dan", htmx=True).status_code == 200
    resp = client.post(f"/heo-dat/{pig.id}/tai-dan", data={"issued_on": "2026-09-01", "seed_money": "5.000"})
    assert resp.status_code == 303
    db.session.refresh(pig)
    assert (pig.cycle, pig.status, pig.seed_money, str(pig.issued_on)) == (2, "active", 5_000, "2026-09-01")
    body = client.get(f"/heo-dat/{pig.id}").get_data(as_text=True)
    assert "Lứa 2" in body and "Lứa 1" in body
    make_opening(pig, amount=200_000, opened_on=pig.issued_on)
    assert [o.cycle for o in _openings()] == [1, 2]


def test_reissue_before_the_last_opening_is_refused(as_user, world):
    pig = make_pig(world.branch)
    make_opening(pig)
    resp = as_user(world.users["clerk"]).post(f"/heo-dat/{pig.id}/tai-dan", data={"issued_on": "2026-08-01"})
    assert resp.status_code == 422
    db.session.refresh(pig)
    assert pig.cycle == 1


def test_retire_takes_the_pig_off_the_sheet(as_user, world):
    pig = make_pig(world.branch)
    client = as_user(world.users["clerk"])
    assert "hx-confirm" in client.get(f"/heo-dat/{pig.id}/ngung").get_data(as_text=True)
    assert client.post(f"/heo-dat/{pig.id}/ngung").status_code == 303
    db.session.refresh(pig)
    assert pig.status == "retired"


def test_void_reverses_the_ledger_entry_and_reopens_the_pig(as_user, world):
    pig = make_pig(world.branch)
    opening = make_opening(pig, amount=320_000)
    client = as_user(world.users["treasurer"])
    page = client.get(f"/heo-dat/mo-heo/{opening.id}/huy").get_data(as_text=True)
    assert "hx-confirm" in page and "hx-post" in page
    assert client.post(f"/heo-dat/mo-heo/{opening.id}/huy", data={"reason": ""}).status_code == 422
    resp = client.post(f"/heo-dat/mo-heo/{opening.id}/huy", data={"reason": "Đếm nhầm"}, htmx=True)
    assert resp.headers["HX-Redirect"] == f"/heo-dat/{pig.id}"
    db.session.refresh(opening)
    db.session.refresh(pig)
    assert opening.voided and opening.void_reason == "Đếm nhầm" and pig.status == "active"
    assert funds.reversal_of(opening.ledger_entry) is not None and _fund_balance(pig) == 0
    # The count can now be entered again (the partial unique index ignores the voided one).
    make_opening(pig, amount=330_000)
    assert _fund_balance(pig) == 330_000


def test_void_is_for_treasurers_only(as_user, world):
    opening = make_opening(make_pig(world.branch))
    resp = as_user(world.users["clerk"]).post(f"/heo-dat/mo-heo/{opening.id}/huy", data={"reason": "x"})
    assert resp.status_code == 403


def test_funds_page_sends_piggy_bank_entries_to_the_opening(as_user, world):
    opening = make_opening(make_pig(world.branch))
    resp = as_user(world.users["treasurer"]).get(f"/quy/but-toan/{opening.ledger_entry_id}/huy")
    assert "lần mổ heo đất" in resp.get_data(as_text=True)


def test_malformed_inputs_answer_in_vietnamese(as_user, world):
    pig = make_pig(world.branch)
    body = _open(as_user(world.users["clerk"]), pig, opened_on="20/08/2026", disposition="x").get_data(as_text=True)
    assert "Vui lòng nhập ngày hợp lệ." in body and "Lựa chọn không hợp lệ" in body and "Not a valid" not in body
