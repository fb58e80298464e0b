"""Dues lists and passing up: who paid which year, the lapsed list (its window, its cache), and the
share passed up to the commune as a fund transfer."""
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.members import dues, dues_queries, dues_remit
from app.members.models import DuesRemittance
from tests.conftest import login
from tests.factories import make_unit
from tests.factories_members import end_member, make_member
from tests.members.test_dues import AMOUNT, SHARE, _batch, _collecting, _count, _idem, _members


# ---- who paid, lapsed ------------------------------------------------------------------------

def test_lapsed_list_counts_only_members_who_owe_every_year_of_the_window(world):
    _collecting(world.branch, lapsed_after=2)
    lapsed = make_member(world.branch, "Võ Văn Lâu", joined_on=date(2018, 1, 5))
    paid_2026 = make_member(world.branch, "Đỗ Thị Mai", joined_on=date(2018, 1, 5))
    paid_2025 = make_member(world.branch, "Bùi Văn Năm", joined_on=date(2018, 1, 5))
    new = make_member(world.branch, "Hà Thị Mới", joined_on=date(2026, 2, 1))  # only 2026 counts: not lapsed yet
    gone = make_member(world.branch, "Lý Văn Đi", joined_on=date(2018, 1, 5))
    end_member(gone, ended_on=date(2026, 1, 2))
    outsider = make_member(world.commune, "Tạ Văn Xã", joined_on=date(2018, 1, 5))  # the commune collects no dues
    _batch(world.branch, [paid_2025], year=2024, day=date(2024, 3, 1))  # the branch began collecting in 2024
    _batch(world.branch, [paid_2025], year=2025, day=date(2025, 3, 1))
    _batch(world.branch, [paid_2026], year=2026)
    ids = {m.id for m in db.session.scalars(dues_queries.lapsed_query(world.commune, 2026))}
    assert ids == {lapsed.id}
    assert {new.id, gone.id, outsider.id, paid_2026.id, paid_2025.id}.isdisjoint(ids)
    count, owed = dues_queries.lapsed_totals(world.commune, 2026)
    assert (count, owed) == (1, 3 * AMOUNT)  # 2024, 2025, 2026 since the branch began collecting
    rows = dues_queries.owed_rows([lapsed], 2026)
    assert rows[0]["years"] == [2024, 2025, 2026]
    # Read for 2027 (window 2026-2027): a 2026 payment still covers it; the member who joined in 2026 and
    # the one who paid only up to 2025 are now lapsed.
    ids_2027 = {m.id for m in db.session.scalars(dues_queries.lapsed_query(world.commune, 2027))}
    assert paid_2026.id not in ids_2027 and {lapsed.id, paid_2025.id, new.id} <= ids_2027


def test_lapsed_page_and_export(app, world, as_user):
    client = as_user(world.users["viewer"])
    before = client.get("/hoi-vien/hoi-phi/chua-dong").get_data(as_text=True)
    assert "Chưa đơn vị nào" in before and "/hoi-vien/hoi-phi/" in before
    _collecting(world.branch)
    m = make_member(world.branch, "Võ Văn Lâu", joined_on=date(2018, 1, 5))
    other = make_member(world.branch, "Đỗ Thị Mai", joined_on=date(2018, 1, 5))
    _batch(world.branch, [other], year=2025, day=date(2025, 3, 1))
    for htmx in (False, True):
        page = client.get(f"/hoi-vien/hoi-phi/chua-dong?nam=2026&don_vi={world.commune.id}", htmx=htmx)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and "Võ Văn Lâu" in text and "Đỗ Thị Mai" not in text
        assert "Tổng số: <strong>1</strong> hội viên" in text and "48.000 đ" in text
        # The row's "collect" link is for those who may collect: never for ban kiểm tra (a 403 behind it).
        assert "/hoi-vien/hoi-phi/thu?" not in text
        assert ("<html" in text) != htmx and "Chưa đơn vị nào" not in text
    collector = app.test_client()
    login(collector, world.users["treasurer"])
    collector = collector.get(f"/hoi-vien/hoi-phi/chua-dong?nam=2026&don_vi={world.commune.id}")
    assert f"/hoi-vien/hoi-phi/thu?don_vi={world.branch.id}&amp;nam=2026" in collector.get_data(as_text=True)
    export = client.get("/hoi-vien/hoi-phi/chua-dong.xlsx?nam=2026")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    csv = client.get("/hoi-vien/hoi-phi/chua-dong.xlsx?nam=2026&format=csv").get_data(as_text=True)
    assert "Võ Văn Lâu" in csv and "2025, 2026" in csv and m.full_name in csv


def test_paid_grid_marks_each_year_and_counts(world, as_user):
    _collecting(world.branch)
    a, b = make_member(world.branch, "Võ Văn An"), make_member(world.branch, "Đỗ Thị Bé")
    _batch(world.branch, [a, b], year=2025, day=date(2025, 3, 1))
    _batch(world.branch, [a])
    total, counts = dues_queries.grid_counts(world.commune, 2026)
    assert (total, counts) == (2, {2024: 0, 2025: 2, 2026: 1})
    client = as_user(world.users["clerk"])
    for htmx in (False, True):
        text = client.get(f"/hoi-vien/hoi-phi/da-dong?nam=2026&don_vi={world.branch.id}", htmx=htmx).get_data(as_text=True)
        assert "năm 2026 đã đóng <strong>1</strong>" in text and text.count("✓") == 3
    export = client.get("/hoi-vien/hoi-phi/da-dong.xlsx?nam=2026&format=csv").get_data(as_text=True)
    assert "Võ Văn An" in export and "Năm 2024" in export


# ---- passing up ------------------------------------------------------------------------------

def test_passing_up_owes_paid_times_share_minus_remitted_and_moves_money_between_funds(world, as_user):
    commune_setting = _collecting(world.commune, share=0)
    branch_setting = _collecting(world.branch)
    _batch(world.branch, _members(world.branch, 5))
    pos = dues_remit.position(world.branch, 2026)
    assert (pos["paid"], pos["due"], pos["remitted"], pos["owed"]) == (5, 30_000, 0, 30_000)
    client = as_user(world.users["treasurer"])
    page = client.get("/hoi-vien/hoi-phi/nop-cap-tren?nam=2026").get_data(as_text=True)
    assert "30.000 đ" in page and world.branch.name in page
    data = {"idem_key": _idem(page), "unit_id": world.branch.id, "year": 2026, "nam": 2026, "remitted_on": "2026-04-01"}
    assert client.post("/hoi-vien/hoi-phi/nop-cap-tren", data=data).status_code == 303
    again = client.post("/hoi-vien/hoi-phi/nop-cap-tren", data=data, htmx=True)  # the same submit again, by htmx
    assert again.status_code == 200 and again.headers["HX-Redirect"].endswith("nam=2026")
    assert _count(DuesRemittance) == 1
    rem = db.session.scalar(select(DuesRemittance))
    legs = db.session.scalars(select(LedgerEntry).where(LedgerEntry.transfer_id == rem.transfer_id)).all()
    assert sorted((leg.direction, leg.fund_id, leg.amount) for leg in legs) == [
        ("in", commune_setting.fund_id, 30_000), ("out", branch_setting.fund_id, 30_000)]
    assert funds.balance(branch_setting.fund) == 120_000 - 30_000 and funds.balance(commune_setting.fund) == 30_000
    assert dues_remit.position(world.branch, 2026)["owed"] == 0
    # Nothing left to pass up: refused.
    with pytest.raises(dues.DuesError):
        dues_remit.remit(world.branch, 2026, remitted_on=date(2026, 4, 2))
    db.session.rollback()
    # Void: both legs reversed, owed again.
    url = f"/hoi-vien/hoi-phi/nop-cap-tren/{rem.id}/huy"
    assert "hx-confirm" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"reason": "Nộp nhầm năm"}).status_code == 303
    db.session.expire_all()
    assert all(funds.is_reversed(leg) for leg in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.transfer_id == rem.transfer_id, LedgerEntry.reversal_of_id.is_(None))))
    assert dues_remit.position(world.branch, 2026)["owed"] == 30_000
    assert funds.balance(commune_setting.fund) == 0


def test_passing_up_is_refused_while_the_commune_has_no_dues_fund(world):
    _collecting(world.branch)
    _batch(world.branch, _members(world.branch, 2))
    with pytest.raises(dues.DuesError) as err:
        dues_remit.remit(world.branch, 2026, remitted_on=date(2026, 4, 1))
    assert world.commune.name in str(err.value) and "quỹ" in str(err.value)


def test_the_commune_sees_what_each_chi_hoi_passed_up_and_still_owes(world, as_user):
    _collecting(world.commune, share=0)
    _collecting(world.branch)
    second = make_unit(world.commune, "Chi hội ấp Hòa Bình", "village")
    _collecting(second)
    _batch(world.branch, _members(world.branch, 2))
    _batch(second, _members(second, 4))
    dues_remit.remit(world.branch, 2026, remitted_on=date(2026, 4, 1))
    db.session.commit()
    rows = {r["unit"].id: (r["due"], r["remitted"], r["owed"])
            for r in dues_remit.positions([world.branch.id, second.id], 2026)}
    assert rows == {world.branch.id: (12_000, 12_000, 0), second.id: (24_000, 0, 24_000)}


def test_the_lapsed_list_follows_a_changed_setting_and_a_new_batch_at_once(world):
    """The list is cached per data version: a saved setting and a batch must both show on the next read."""
    _collecting(world.branch, lapsed_after=2)
    m = make_member(world.branch, "Võ Văn Lâu", joined_on=date(2018, 1, 5))
    other = make_member(world.branch, "Đỗ Thị Mai", joined_on=date(2018, 1, 5))
    _batch(world.branch, [other], year=2024, day=date(2024, 3, 1))
    _batch(world.branch, [m], year=2024, day=date(2024, 3, 1))
    assert dues_queries.lapsed_totals(world.commune, 2026)[0] == 2
    s = dues.setting_of(world.branch)
    dues.save_setting(world.branch, enabled=True, amount=AMOUNT, fund_id=s.fund_id, share_up=SHARE, lapsed_after=3)
    db.session.commit()
    assert dues_queries.lapsed_totals(world.commune, 2026)[0] == 0  # 2024 was paid: not 3 years unpaid
    dues.save_setting(world.branch, enabled=True, amount=AMOUNT, fund_id=s.fund_id, share_up=SHARE, lapsed_after=2)
    db.session.commit()
    assert dues_queries.lapsed_totals(world.commune, 2026)[0] == 2
    _batch(world.branch, [m], year=2026)
    assert dues_queries.lapsed_totals(world.commune, 2026) == (1, 2 * AMOUNT)

