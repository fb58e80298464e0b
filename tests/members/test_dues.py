"""Dues (hội phí): settings, batches from a paper list with a control total, voiding, who paid, the
lapsed list, passing up to the commune; every page plainly and with htmx, without JavaScript."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.books import checks_owners
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.members import dues, dues_queries, dues_remit
from app.members.models import DuesBatch, DuesPayment, DuesRemittance
from tests.factories import make_unit
from tests.factories_members import make_member

DAY = date(2026, 3, 10)
AMOUNT, SHARE = 24_000, 6_000


def _collecting(unit, amount=AMOUNT, share=SHARE, lapsed_after=2):
    setting = dues.save_setting(unit, enabled=True, amount=amount, fund_id=None, share_up=share,
                                lapsed_after=lapsed_after, new_fund=True)
    db.session.commit()
    return setting


def _members(unit, n, joined=date(2020, 3, 1)):
    return [make_member(unit, joined_on=joined) for _ in range(n)]


def _batch(unit, members, year=2026, day=DAY):
    batch = dues.collect(unit, year=year, member_ids=[m.id for m in members], collected_on=day,
                         collector="Trần Văn Tài", control_total=AMOUNT * len(members))
    db.session.commit()
    return batch


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _idem(page: str) -> str:
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]+)"', page).group(1)


# ---- settings --------------------------------------------------------------------------------

def test_settings_refuse_the_quy_khuyen_hoc_a_share_above_the_amount_and_years_outside_1_to_5(world):
    unit = world.branch
    default = funds.default_fund(unit)
    db.session.commit()
    cases = [(dict(fund_id=default.id), "fund_id"), (dict(share_up=30_000), "share_up"),
             (dict(lapsed_after=0), "lapsed_after"), (dict(lapsed_after=6), "lapsed_after"),
             (dict(amount=0), "amount"), (dict(fund_id=None), "fund_id")]
    other = funds.create_fund(unit, "Quỹ hoạt động")
    db.session.commit()
    for change, field in cases:
        kw = dict(enabled=True, amount=AMOUNT, fund_id=other.id, share_up=SHARE, lapsed_after=2) | change
        with pytest.raises(dues.DuesError) as err:
            dues.save_setting(unit, **kw)
        assert err.value.field == field
        db.session.rollback()
    # Positive control: the same with a right fund is saved.
    setting = dues.save_setting(unit, enabled=True, amount=AMOUNT, fund_id=other.id, share_up=SHARE, lapsed_after=2)
    assert setting.fund_id == other.id and dues.collecting(unit) is setting


def test_another_units_fund_is_refused(world):
    stranger = funds.create_fund(world.other_branch, "Quỹ hoạt động Hội")
    db.session.commit()
    with pytest.raises(dues.DuesError) as err:
        dues.save_setting(world.branch, enabled=True, amount=AMOUNT, fund_id=stranger.id, share_up=0, lapsed_after=2)
    assert err.value.field == "fund_id"


@pytest.mark.parametrize("htmx", [False, True])
def test_settings_page_creates_the_operating_fund_and_keeps_input_on_error(world, as_user, htmx):
    client = as_user(world.users["treasurer"])
    url = f"/hoi-vien/hoi-phi/cai-dat?don_vi={world.branch.id}"
    page = client.get(url, htmx=htmx).get_data(as_text=True)
    assert "Quỹ hoạt động Hội" in page and "chưa thu hội phí" in page
    bad = client.post(url, data={"don_vi": world.branch.id, "enabled": "y", "amount": "24.000", "fund_choice": "moi",
                                 "share_up": "50.000", "lapsed_after": "2"}, htmx=htmx)
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Phần nộp cấp trên phải từ 0" in text and 'value="50.000"' in text
    assert dues.setting_of(world.branch) is None and not dues.operating_funds(world.branch)  # nothing written
    garbled = client.post(url, data={"amount": "24.000", "fund_choice": "9999", "share_up": "0", "lapsed_after": "2"},
                          htmx=htmx)
    assert garbled.status_code == 422 and dues.setting_of(world.branch) is None
    ok = client.post(url, data={"don_vi": world.branch.id, "enabled": "y", "amount": "24.000", "fund_choice": "moi",
                                "share_up": "6.000", "lapsed_after": "3"}, htmx=htmx)
    assert ok.status_code == (200 if htmx else 303)
    db.session.expire_all()
    s = dues.setting_of(world.branch)
    assert (s.enabled, s.amount, s.share_up, s.lapsed_after, s.fund.name) == (True, 24_000, 6_000, 3, "Quỹ hoạt động Hội")
    assert not s.fund.is_default


def test_a_clerk_may_not_open_or_change_the_settings_and_is_told_who_may(world, as_user):
    client = as_user(world.users["clerk"])
    url = f"/hoi-vien/hoi-phi/cai-dat?don_vi={world.branch.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"enabled": "y", "amount": "1000", "lapsed_after": "2"}).status_code == 403
    page = client.get(f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}").get_data(as_text=True)
    assert "chưa thu hội phí" in page and "/hoi-vien/hoi-phi/cai-dat" not in page


# ---- batches ---------------------------------------------------------------------------------

def test_a_unit_without_dues_says_so_with_a_link_to_its_settings(world, as_user):
    make_member(world.branch, "Nguyễn Thị Lan")
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}").get_data(as_text=True)
    assert "chưa thu hội phí" in page and f"/hoi-vien/hoi-phi/cai-dat?don_vi={world.branch.id}" in page
    assert "Nguyễn Thị Lan" not in page
    _collecting(world.branch)  # positive control: once it collects, the list shows its members
    page = client.get(f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page and 'name="hoi_vien"' in page


@pytest.mark.parametrize("htmx", [False, True])
def test_a_control_total_that_differs_is_refused_with_the_difference_and_every_tick_kept(world, as_user, htmx):
    _collecting(world.branch)
    members = _members(world.branch, 3)
    client = as_user(world.users["clerk"])
    url = f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}&nam=2026"
    page = client.get(url).get_data(as_text=True)
    data = {"don_vi": world.branch.id, "nam": 2026, "idem_key": _idem(page), "collected_on": "2026-03-10",
            "collector": "Trần Văn Tài", "control_total": "50.000", "hoi_vien": [m.id for m in members[:2]]}
    resp = client.post(url, data=data, htmx=htmx)
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "lệch 2.000 đ" in text and "48.000 đ" in text and 'value="50.000"' in text
    for m in members[:2]:
        assert re.search(rf'value="{m.id}"[^>]*checked', text)
    assert not re.search(rf'value="{members[2].id}"[^>]*checked', text)
    assert _count(DuesBatch) == 0 and _count(DuesPayment) == 0
    assert _count(LedgerEntry) == 0


@pytest.mark.parametrize("change", [{"nam": "2026x"}, {"nam": "1999"}, {"don_vi": "abc"}, {"don_vi": str(2**40)},
                                    {"hoi_vien": ["1x"]}])
def test_a_garbled_unit_year_or_tick_is_refused_with_nothing_written(world, as_user, change):
    _collecting(world.branch)
    members = _members(world.branch, 2)
    client = as_user(world.users["clerk"])
    url = f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}&nam=2026"
    page = client.get(url).get_data(as_text=True)
    data = {"don_vi": world.branch.id, "nam": 2026, "idem_key": _idem(page), "collected_on": "2026-03-10",
            "collector": "Trần Văn Tài", "control_total": "48.000", "hoi_vien": [m.id for m in members]}
    if "hoi_vien" in change:
        data["hoi_vien"] = data["hoi_vien"] + change["hoi_vien"]
    else:
        data.update(change)
    resp = client.post(url, data=data)
    assert resp.status_code == 422 and "không hợp lệ" in resp.get_data(as_text=True)
    assert _count(DuesBatch) == 0 and _count(LedgerEntry) == 0
    data.update({"don_vi": world.branch.id, "nam": 2026, "hoi_vien": [m.id for m in members]})
    assert client.post(url, data=data).status_code == 303  # positive control: the page's own values


def test_a_batch_posts_one_receipt_into_the_dues_fund_once_even_when_submitted_twice(world, as_user):
    setting = _collecting(world.branch)
    members = _members(world.branch, 35)
    client = as_user(world.users["clerk"])
    url = f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}&nam=2026"
    page = client.get(url + "&tat_ca=1").get_data(as_text=True)
    assert page.count(" checked") == 35  # "Chọn tất cả" without JavaScript
    data = {"don_vi": world.branch.id, "nam": 2026, "idem_key": _idem(page), "collected_on": "2026-03-10",
            "collector": "Trần Văn Tài", "control_total": "840.000", "hoi_vien": [m.id for m in members]}
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(DuesBatch) == 1 and _count(DuesPayment) == 35
    batch = db.session.scalar(select(DuesBatch))
    entry = batch.ledger_entry
    assert (entry.amount, entry.source, entry.source_id, entry.counterparty, entry.fund_id) == (
        840_000, "dues", batch.id, "Trần Văn Tài", setting.fund_id)
    assert entry.description == f"Thu hội phí năm 2026 của 35 hội viên {world.branch.name}"
    assert funds.balance(setting.fund) == 840_000
    assert funds.balance(funds.default_fund(world.branch)) == 0  # never the Quỹ khuyến học
    assert checks_owners.dues_batches({}) == []
    # The detail links the phiếu thu and the list PDFs.
    detail = client.get(f"/hoi-vien/hoi-phi/dot/{batch.id}").get_data(as_text=True)
    assert f"/quy/but-toan/{entry.id}/phieu.pdf" in detail and f"/hoi-vien/hoi-phi/dot/{batch.id}/danh-sach.pdf" in detail


def test_a_member_paying_a_year_twice_is_refused_by_name(world):
    _collecting(world.branch)
    a, b = make_member(world.branch, "Lê Văn Bình"), make_member(world.branch, "Phạm Thị Cúc")
    _batch(world.branch, [a])
    with pytest.raises(dues.DuesError) as err:
        dues.collect(world.branch, year=2026, member_ids=[a.id, b.id], collected_on=DAY, collector="X",
                     control_total=48_000)
    assert "Lê Văn Bình" in str(err.value) and "Phạm Thị Cúc" not in str(err.value)
    db.session.rollback()
    # Another year is free (positive control).
    assert _batch(world.branch, [a, b], year=2025).count == 2


def test_a_member_who_joined_after_the_dues_year_owes_nothing_for_it(world, as_user):
    _collecting(world.branch)
    old, new = make_member(world.branch, "Lê Văn Cũ"), make_member(world.branch, "Hà Thị Mới", joined_on=date(2026, 2, 1))
    with pytest.raises(dues.DuesError) as err:
        dues.collect(world.branch, year=2025, member_ids=[old.id, new.id], collected_on=DAY, collector="X",
                     control_total=48_000)
    assert "Hà Thị Mới" in str(err.value) and "Lê Văn Cũ" not in str(err.value)
    db.session.rollback()
    page = as_user(world.users["clerk"]).get(
        f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}&nam=2025&tat_ca=1").get_data(as_text=True)
    assert f'name="hoi_vien" value="{new.id}"' not in page and re.search(rf'value="{old.id}"[^>]*checked', page)
    assert "Vào hội năm 2026" in page and "Chọn tất cả (1)" in page


def test_paid_members_are_shown_paid_and_cannot_be_ticked(world, as_user):
    _collecting(world.branch)
    a, b = make_member(world.branch, "Lê Văn Bình"), make_member(world.branch, "Phạm Thị Cúc")
    _batch(world.branch, [a])
    page = as_user(world.users["clerk"]).get(
        f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}&nam=2026&tat_ca=1").get_data(as_text=True)
    assert f'name="hoi_vien" value="{a.id}"' not in page and re.search(rf'value="{b.id}"[^>]*checked', page)
    assert "Đã đóng" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_voiding_a_batch_reverses_its_receipt_and_frees_the_year(world, as_user, htmx):
    setting = _collecting(world.branch)
    members = _members(world.branch, 2)
    batch = _batch(world.branch, members)
    client = as_user(world.users["treasurer"])
    url = f"/hoi-vien/hoi-phi/dot/{batch.id}/huy"
    page = client.get(url, htmx=htmx).get_data(as_text=True)
    assert 'name="reason"' in page and "hx-confirm" in page
    assert client.post(url, data={"reason": ""}, htmx=htmx).status_code == 422
    resp = client.post(url, data={"reason": "Ghi nhầm năm"}, htmx=htmx)
    assert resp.status_code == (200 if htmx else 303)
    db.session.expire_all()
    batch = db.session.get(DuesBatch, batch.id)
    assert batch.voided and batch.void_reason == "Ghi nhầm năm"
    assert funds.is_reversed(batch.ledger_entry) and funds.balance(setting.fund) == 0
    assert all(p.voided for p in batch.payments)
    assert checks_owners.dues_batches({}) == []
    from app.audit.models import AuditEntry

    logged = {(a.action, a.username) for a in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "dues_batch", AuditEntry.object_id == batch.id))}
    assert ("void", world.users["treasurer"].username) in logged and any(a == "create" for a, _ in logged)
    again = _batch(world.branch, members)  # the year is free again
    assert again.count == 2


def test_a_clerk_may_not_void_a_batch(world, as_user):
    _collecting(world.branch)
    batch = _batch(world.branch, _members(world.branch, 1))
    assert as_user(world.users["clerk"]).post(f"/hoi-vien/hoi-phi/dot/{batch.id}/huy",
                                              data={"reason": "x"}).status_code == 403


def test_another_communes_batch_is_404(world, as_user):
    _collecting(world.other_branch)
    batch = _batch(world.other_branch, _members(world.other_branch, 1))
    client = as_user(world.users["treasurer"])
    for url in (f"/hoi-vien/hoi-phi/dot/{batch.id}", f"/hoi-vien/hoi-phi/dot/{batch.id}/huy",
                f"/hoi-vien/hoi-phi/dot/{batch.id}/danh-sach.pdf", f"/hoi-vien/hoi-phi/thu?don_vi={world.other_branch.id}",
                f"/hoi-vien/hoi-phi/dot/{2**40}", f"/hoi-vien/hoi-phi/dot/{2**40}/huy"):
        assert client.get(url).status_code == 404, url
    _collecting(world.branch)
    own = _batch(world.branch, _members(world.branch, 1))
    assert client.get(f"/hoi-vien/hoi-phi/dot/{own.id}").status_code == 200  # positive control


def test_the_books_check_finds_a_batch_whose_receipt_was_reversed_behind_its_back(world):
    _collecting(world.branch)
    batch = _batch(world.branch, _members(world.branch, 2))
    funds.reverse(batch.ledger_entry, "Hủy thẳng trong sổ")
    db.session.commit()
    found = checks_owners.dues_batches({})
    assert len(found) == 1 and f"dues_batch:{batch.id}" == found[0].ref


# ---- every page ------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True])
def test_every_dues_page_answers_plainly_and_as_a_fragment(world, as_user, htmx):
    _collecting(world.commune, share=0)
    _collecting(world.branch)
    batch = _batch(world.branch, _members(world.branch, 2))
    rem = dues_remit.remit(world.branch, 2026, remitted_on=date(2026, 4, 1))
    db.session.commit()
    client = as_user(world.users["treasurer"])
    for url in ("/hoi-vien/hoi-phi/", f"/hoi-vien/hoi-phi/cai-dat?don_vi={world.branch.id}",
                f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}", f"/hoi-vien/hoi-phi/dot/{batch.id}",
                f"/hoi-vien/hoi-phi/dot/{batch.id}/huy", "/hoi-vien/hoi-phi/da-dong", "/hoi-vien/hoi-phi/chua-dong",
                "/hoi-vien/hoi-phi/nop-cap-tren", f"/hoi-vien/hoi-phi/nop-cap-tren/{rem.id}/huy"):
        resp = client.get(url, htmx=htmx)
        assert resp.status_code == 200, url
        assert ("<html" in resp.get_data(as_text=True)) != htmx or "huy" in url, url


def test_the_list_pdf_has_the_total_in_words(world, as_user):
    _collecting(world.branch)
    batch = _batch(world.branch, _members(world.branch, 3))
    resp = as_user(world.users["viewer"]).get(f"/hoi-vien/hoi-phi/dot/{batch.id}/danh-sach.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data[:4] == b"%PDF"


def test_the_demo_seeds_settings_two_years_lapsed_members_and_a_remittance(app):
    from app.members import dues_demo

    commune = make_unit(make_unit(None, "Tỉnh", "province"), "Xã Lai Vung", "commune")
    units = {"lai_vung": commune, "tan_loc": make_unit(commune, "Ấp Tân Lộc", "village"),
             "hoa_binh": make_unit(commune, "Ấp Hòa Bình", "village")}
    for key in ("tan_loc", "hoa_binh"):
        _members(units[key], 15, joined=date(2019, 1, 1))
    dues_demo.seed(units)
    db.session.commit()
    assert {b.year for b in db.session.scalars(select(DuesBatch))} == {2025, 2026}
    assert dues_queries.lapsed_totals(commune, 2026)[0] > 0
    assert _count(DuesRemittance) == 1
    assert checks_owners.dues_batches({}) == []


def test_the_index_lists_the_units_near_and_every_unit_that_collects(world, as_user):
    deep = make_unit(world.branch, "Tổ khuyến học xóm Giữa", "village")
    quiet = make_unit(world.branch, "Tổ khuyến học xóm Trên", "village")
    _collecting(deep)
    page = as_user(world.users["treasurer"]).get("/hoi-vien/hoi-phi/").get_data(as_text=True)
    assert world.commune.name in page and world.branch.name in page and deep.name in page
    assert quiet.name not in page  # two levels down and collecting nothing: left out
    assert page.index(world.branch.name) < page.index(deep.name)
