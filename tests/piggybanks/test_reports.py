"""Reports: figures equal the sum of the standing openings; grouped per unit and holder type."""
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.piggybanks import queries, services
from app.piggybanks.models import PiggyBankOpening
from tests.factories import make_unit
from tests.factories_piggybanks import make_opening, make_pig, make_pigs


def _data(world):
    school = make_unit(world.commune, "Ban Khuyến học Trường THCS Tân Phú", "school")
    pupils = make_pigs(school, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"], holder_type="pupil", prefix="S")
    homes = make_pigs(world.branch, ["Hộ ông Ba", "Hộ bà Tư"], prefix="H", issued_on=date(2025, 1, 2))
    make_opening(pupils[0], 250_000)
    make_opening(pupils[1], 400_000, "split", to_fund=100_000, kept=300_000)
    make_opening(homes[0], 500_000, "kept")
    voided = make_opening(homes[1], 999_000)
    services.void_opening(voided, "Đếm nhầm")
    make_opening(homes[1], 600_000, opened_on=date(2025, 12, 30))
    make_pig(world.other_branch)
    make_opening(make_pig(world.other_branch), 700_000)
    db.session.commit()
    return school


def test_report_figures_equal_the_sum_of_openings(as_user, world):
    _data(world)
    report = queries.report(world.commune)
    standing = [o for o in db.session.scalars(select(PiggyBankOpening))
                if not o.voided and o.unit.path.startswith(world.commune.path)]
    t = report.total
    assert t.counted == sum(o.amount for o in standing) == 250_000 + 400_000 + 500_000 + 600_000
    assert (t.to_fund, t.kept, t.openings) == (250_000 + 100_000 + 600_000, 300_000 + 500_000, 4)
    assert (t.active, t.waiting) == (1, 4)
    pupils = next(r for r in report.rows if r.holder_type == "pupil")
    assert (pupils.active, pupils.waiting, pupils.counted, pupils.kept) == (1, 2, 650_000, 300_000)
    households = next(r for r in report.by_type if r.holder_type == "household")
    assert (households.counted, households.to_fund, households.kept) == (1_100_000, 600_000, 500_000)
    assert queries.opening_totals(world.commune) == {"openings": 4, "counted": 1_750_000,
                                                      "to_fund": 950_000, "kept": 800_000}


def test_report_filters_by_year_and_date_range(as_user, world):
    _data(world)
    assert queries.opening_totals(world.commune, date(2026, 1, 1), date(2026, 12, 31))["counted"] == 1_150_000
    client = as_user(world.users["viewer"])
    body = client.get("/heo-dat/bao-cao?nam=2025").get_data(as_text=True)
    assert "600.000 đ" in body and "250.000 đ" not in body
    frag = client.get("/heo-dat/bao-cao?tu_ngay=2026-01-01&den_ngay=2026-12-31", htmx=True).get_data(as_text=True)
    assert "<html" not in frag and "1.150.000 đ" in frag and "700.000" not in frag


def test_report_export(as_user, world):
    _data(world)
    resp = as_user(world.users["viewer"]).get("/heo-dat/bao-cao.xlsx")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị" and rows[-1][0] == "Tổng cộng" and rows[-1][5] == 1_750_000


def test_report_uses_grouped_queries_not_one_per_row(app, world):
    _data(world)
    from sqlalchemy import event

    root = db.session.get(type(world.province), world.province.id)
    assert root.path  # loaded before counting

    statements = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        queries.report(root)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 3


def test_campaign_total_counts_the_fund_part_of_openings(world, app):
    from app.campaigns import services as campaigns

    campaign = campaigns.create_campaign(world.commune, "Nuôi heo đất 2026", "piggy_bank")
    db.session.commit()
    pig = make_pig(world.branch, campaign=campaign)
    make_opening(pig, 400_000, "split", to_fund=150_000, kept=250_000)
    assert campaigns.campaign_total(campaign) == 150_000
    assert services.fund_for(pig).id == campaign.fund_id
