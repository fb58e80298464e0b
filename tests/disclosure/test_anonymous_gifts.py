"""One gift kept anonymous (Donation.anonymous): listed as "Nhà hảo tâm ẩn danh", still counted."""
from app.disclosure import honour, report
from app.donations.donors import ANONYMOUS_NAME
from tests.disclosure import data
from tests.factories_donations import make_donation

YEAR = data.YEAR


def _lines(rep, title="Tháng Khuyến học 2025"):
    group = next(g for g in rep.income if g.title == title)
    return group, [(ln.name, ln.amount, ln.gifts, ln.in_kind) for ln in group.lines]


def test_a_named_business_can_keep_one_gift_anonymous_in_the_disclosure(world):
    s = data.build(world)
    before = report.build(s.unit, YEAR)
    make_donation(s.campaign, 3_000_000, s.shop, data.d(9, 21), anonymous=True)
    make_donation(s.campaign, 250_000, s.named, data.d(9, 22), anonymous=True)
    make_donation(s.campaign, 100_000, s.secret, data.d(9, 23), anonymous=True)  # anonymous anyway

    rep = report.build(s.unit, YEAR)
    group, lines = _lines(rep)
    # Its named gift (in kind: listed with the goods) keeps the name.
    assert [(ln.name, ln.amount, ln.in_kind) for ln in rep.goods_income[0].lines] == [
        ("Nhà sách Phương Nam", 1_000_000, "50 quyển vở")]
    assert ("Nguyễn Văn An", 2_000_000, 2, "") in lines
    assert (ANONYMOUS_NAME, 3_000_000, 1, "") in lines and (ANONYMOUS_NAME, 250_000, 1, "") in lines
    assert (ANONYMOUS_NAME, 2_100_000, 2, "") in lines  # the anonymous donor: one line, both gifts
    assert len(lines) == len(_lines(before)[1]) + 2
    assert rep.income_total == before.income_total + 3_350_000 and group.total == sum(ln[1] for ln in lines)
    assert rep.closing == before.closing + 3_350_000


def test_an_anonymous_gift_is_anonymous_on_the_public_page(world, as_user, app):
    s = data.build(world)
    make_donation(s.campaign, 3_000_000, s.shop, data.d(9, 21), anonymous=True)
    as_user(world.users["admin"]).post(f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}/cong-bo")
    html = app.test_client().get(f"/cong-khai/{s.unit.id}/{YEAR}").get_data(as_text=True)
    row = html[html.index("3.000.000 đ") - 300:html.index("3.000.000 đ")]
    assert ANONYMOUS_NAME in row and "Nhà sách Phương Nam" not in row
    assert "7.550.000 đ" in html  # the closing balance counts it (4.550.000 in money before)


def test_the_honour_roll_lists_an_anonymous_gift_apart_from_the_donors_named_ones(world):
    s = data.build(world)
    make_donation(s.campaign, 3_000_000, s.shop, data.d(9, 21), anonymous=True)
    make_donation(s.campaign, 400_000, s.shop, data.d(9, 24), anonymous=True, method="in_kind", item="bút",
                  quantity=100, item_unit="cây")
    for rows in (honour.campaign_rows(s.campaign), honour.year_rows(s.unit, YEAR)):
        table = [(r["name"], r["amount"], r["in_kind"], r["note"]) for r in rows]
        assert table[0] == (ANONYMOUS_NAME, 3_400_000, "100 cây bút", "2 lần")
        assert ("Nhà sách Phương Nam", 1_000_000, "50 quyển vở", "") in table
        assert sum(r["amount"] for r in rows) == 5_000_000 + 3_400_000
