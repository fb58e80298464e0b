"""Roll-up: each level's total is the sum of the levels below, whichever unit the report starts at."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.reports.figures import load_facts
from app.reports.periods import calendar_year, school_year
from app.reports.rollup import Summary, own_summaries, rollup, rows_under
from app.reports.yearreport import rollup_page
from tests.factories_reports import EXPECTED, report_world

SY = school_year(2025)


@pytest.fixture
def w(app):
    return report_world()


def _totals(root, period):
    facts = load_facts(root, period.start, period.end)
    own = own_summaries(facts, period)
    return facts, own, rollup(facts, own)


def test_province_figures_match_what_was_recorded(w):
    _facts, _own, total = _totals(w.P, SY)
    s = total[w.P.id]
    got = {k: getattr(s, k) for k in EXPECTED}
    assert got == EXPECTED


@pytest.mark.parametrize("period", [SY, calendar_year(2026), calendar_year(2025), school_year(2024)])
def test_every_level_total_is_its_own_row_plus_its_childrens_rows(w, period):
    facts, own, total = _totals(w.P, period)
    checked = 0
    for uid in facts.units:
        rows = rows_under(facts, uid, own, total)
        summed = Summary()
        for r in rows:
            summed.add(r.summary)
        assert summed.as_tuple() == total[uid].as_tuple(), facts.units[uid].name
        checked += 1
    assert checked == 7


@pytest.mark.parametrize("period", [SY, calendar_year(2026)])
def test_a_childs_row_equals_the_childs_own_report(w, period):
    """Drilling down: the commune row on the province page = the commune's page total (its own queries)."""
    _facts, rows, _total = rollup_page(w.P, period)
    for r in rows:
        if r.own:
            continue
        _f, _rows, child_total = rollup_page(db.session.get(type(w.P), r.unit_id), period)
        assert r.summary.as_tuple() == child_total.as_tuple(), r.name
        for grandchild in _rows:
            if not grandchild.own:
                _f2, _r2, gc_total = rollup_page(db.session.get(type(w.P), grandchild.unit_id), period)
                assert grandchild.summary.as_tuple() == gc_total.as_tuple(), grandchild.name


def test_commune_rows_add_up_to_province_on_the_page_too(w, client, as_user):
    as_user(w.admin_p)
    resp = client.get(f"/bao-cao/tong-hop?don_vi={w.P.id}&ky=2025-2026")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Hội Khuyến học xã An Bình" in html and "Hội Khuyến học xã Bình Hòa" in html
    assert "11.300.000 đ" in html  # the province total raised


def test_donation_collected_by_a_branch_belongs_to_the_branch_at_every_root(w):
    _f, own, total = _totals(w.A, SY)
    assert own[w.A1.id].donation_amount == 1_000_000 + 300_000
    assert own[w.A1s.id].donation_amount == 700_000
    assert own[w.A.id].donation_amount == 2_500_000
    # The branch's own report (root A1) still sees what it collected for the commune's campaign.
    _f, own_a1, total_a1 = _totals(w.A1, SY)
    assert total_a1[w.A1.id].donation_amount == 2_000_000
    assert total[w.A1.id].as_tuple() == total_a1[w.A1.id].as_tuple()


def test_transfer_between_funds_is_counted_once(w):
    facts, own, total = _totals(w.P, SY)
    assert own[w.P.id].transfer_net == -2_000_000
    assert own[w.A.id].transfer_net == 2_000_000
    assert total[w.P.id].transfer_net == 0
    # Raised money: the 5.000.000 at the province once, not again when 2.000.000 of it moved to A.
    assert own[w.P.id].other_income == 5_000_000 and own[w.A.id].other_income == 0
    assert total[w.P.id].raised == EXPECTED["raised"]


def test_closing_balance_equals_the_ledger_and_opening_plus_movements(w):
    from app.funds.models import IN, LedgerEntry
    from sqlalchemy import case

    _f, own, total = _totals(w.P, SY)
    s = total[w.P.id]
    signed = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)
    ledger_end = db.session.scalar(select(func.sum(signed)).where(LedgerEntry.entry_date <= SY.end))
    ledger_start = db.session.scalar(select(func.sum(signed)).where(LedgerEntry.entry_date < SY.start))
    assert s.closing_balance == ledger_end
    assert s.opening_balance == ledger_start == 900_000
    assert s.closing_balance == s.opening_balance + s.ledger_income - s.spent + s.transfer_net


def test_raw_tables_agree_with_the_totals(w):
    """Independent sums straight from the tables (no attribution, no months) for the whole tree."""
    from app.donations.models import Donation
    from app.piggybanks.models import PiggyBankOpening

    _f, _own, total = _totals(w.P, SY)
    donations = db.session.scalar(select(func.sum(Donation.amount)).where(
        Donation.voided_at.is_(None), Donation.donation_date.between(SY.start, SY.end)))
    counted = db.session.scalar(select(func.sum(PiggyBankOpening.amount)).where(
        PiggyBankOpening.voided.is_(False), PiggyBankOpening.opened_on.between(SY.start, SY.end)))
    assert total[w.P.id].donation_amount == donations
    assert total[w.P.id].pig_counted == counted


def test_a_unit_moved_to_another_commune_takes_its_history_along(w):
    """Its own campaigns' money moves with it; what it collected for its old commune's campaign stays
    with that campaign's unit (the money sits in that commune's fund)."""
    from app.units.services import move_unit

    before = {u: _totals(u, SY)[2][u.id] for u in (w.P, w.A, w.B)}
    move_unit(w.A1, w.B)  # e.g. after the 2025 merger ấp Tân Lộc belongs to xã Bình Hòa
    db.session.commit()
    after = {u: _totals(u, SY)[2][u.id] for u in (w.P, w.A, w.B)}
    assert after[w.P].as_tuple() == before[w.P].as_tuple()
    assert after[w.B].raised == before[w.B].raised + 300_000
    assert after[w.A].raised == before[w.A].raised - 300_000
    facts, own, total = _totals(w.P, SY)
    assert [facts.units[c].name for c in facts.children[w.B.id]] == ["Chi hội ấp Mỹ Hòa", "Chi hội ấp Tân Lộc"]
    assert own[w.A.id].donation_amount == 2_500_000 + 1_000_000 + 700_000
    assert total[w.A1.id].donation_amount == 300_000


def test_inactive_units_keep_their_rows(w):
    from app.units.services import set_active

    set_active(w.A1s, False)
    db.session.commit()
    _facts, rows, total = rollup_page(w.A1, SY)
    assert [r.name for r in rows] == ["Chi hội ấp Tân Lộc", "Chi hội dòng họ Lê"]
    assert rows[1].active is False and rows[1].summary.donation_amount == 700_000


def test_scholarships_and_honorees_by_month_and_period(w):
    _f, _own, cal25 = _totals(w.P, calendar_year(2025))
    assert cal25[w.P.id].awards == 0 and cal25[w.P.id].donation_amount == 900_000 + 4_500_000
    _f, _own, cal26 = _totals(w.P, calendar_year(2026))
    assert cal26[w.P.id].awards == 4 and cal26[w.P.id].honorees == 3


def test_the_fund_table_lists_the_units_own_funds_then_one_row_per_child(w):
    from app.reports.yearreport import build

    rep = build(w.P, SY)
    assert [r.info.name for r in rep.funds] == [
        "Quỹ khuyến học", "Các quỹ của Hội Khuyến học xã An Bình", "Các quỹ của Hội Khuyến học xã Bình Hòa"]
    own, a, b = rep.funds
    assert own.transfer_net == -2_000_000 and a.transfer_net == 2_000_000 and b.transfer_net == 0
    assert sum(r.closing for r in rep.funds) == rep.total.closing_balance
    assert sum(r.opening for r in rep.funds) == rep.total.opening_balance == 900_000
