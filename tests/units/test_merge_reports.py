"""Reports across a merge (issue 20 D): a year before it shows the old units under their old names,
a year after it shows the merged unit only, and the money adds up in both."""
from datetime import date

from app.extensions import db
from app.funds import services as funds
from app.reports import yearreport
from app.reports.periods import calendar_year
from app.units import merging
from tests.factories_funds import give

MERGE_DAY = date(2026, 1, 1)


def _merge(world):
    a, b = funds.default_fund(world.commune), funds.default_fund(world.other_commune)
    db.session.commit()
    give(a, 700_000, entry_date=date(2025, 5, 1))
    give(b, 300_000, entry_date=date(2025, 6, 1))
    merge = merging.propose(world.province, [world.commune], target=world.other_commune,
                            new_name="Hội Khuyến học xã Tân Hòa", effective_on=MERGE_DAY,
                            actor=world.province_admin)
    merging.confirm(merge, world.province_admin)
    db.session.commit()


def _rows(world, year):
    _facts, rows, total = yearreport.rollup_page(world.province, calendar_year(year))
    return {r.name: r.summary.closing_balance for r in rows if not r.own}, total


def test_a_year_before_the_merge_reads_the_old_units_by_their_old_names(world):
    _merge(world)
    rows, total = _rows(world, 2025)
    assert rows == {"Hội Khuyến học xã Tân Phú": 700_000, "Hội Khuyến học xã Hòa An": 300_000}
    assert total.closing_balance == 1_000_000
    rep = yearreport.build(world.other_commune, calendar_year(2025))
    assert rep.unit_name == "Hội Khuyến học xã Hòa An"
    assert "Tân Hòa" not in rep.paragraph


def test_a_year_after_the_merge_reads_the_merged_unit(world):
    _merge(world)
    rows, total = _rows(world, 2026)
    assert rows == {"Hội Khuyến học xã Tân Hòa": 1_000_000}
    assert total.closing_balance == 1_000_000
    rep = yearreport.build(world.other_commune, calendar_year(2026))
    assert rep.unit_name == "Hội Khuyến học xã Tân Hòa"
    assert world.branch.id in {r.unit_id for r in rep.rows}  # the branch moved in with its commune
