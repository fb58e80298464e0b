"""Money and goods apart and together (issue 13): goods in kind are valued but never cash.

The report world gave 50 notebooks in kind (500.000 đ) to the commune's campaign in September 2025:
every report counts them as goods, never in a fund; goods handed out are goods spending; a gift
in kind recorded the old way (a phiếu thu into the fund) and moved out by the goods migration is
neither cash income nor spending.
"""
import importlib.util
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.extensions import db
from app.funds import services as funds
from app.goods import services as goods
from app.reports.compose import get_facts
from app.reports.figures import load_facts
from app.reports.periods import school_year
from app.reports.rollup import balances_now, goods_on_hand_now, own_summaries, rollup
from app.reports.yearreport import build, rollup_page
from tests.factories_donations import make_campaign, make_donation, make_donor
from tests.factories_reports import report_world

SY = school_year(2025)


@pytest.fixture
def w(app):
    return report_world()


@pytest.fixture
def admin(w, client, as_user):
    return as_user(w.admin_p)


def _total(root, period):
    facts = load_facts(root, period.start, period.end)
    return rollup(facts, own_summaries(facts, period))[root.id]


def _money(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _foot(page: str, label: str) -> int:
    foot = page[page.index("<tfoot"):]
    return _money(re.search(rf'data-label="{label}">(?:<a [^>]*>)?([^<]*)<', foot).group(1))


def test_money_and_goods_raised_apart_and_together(w):
    s = _total(w.P, SY)
    assert (s.money_raised, s.goods_raised, s.raised) == (10_800_000, 500_000, 11_300_000)
    assert s.donation_money == 4_400_000 and s.donation_amount == 4_900_000
    # The notebooks went into A's goods register, not a fund: taken into stock, nothing handed out.
    assert (s.goods_received, s.goods_given, s.goods_opening, s.goods_closing) == (500_000, 0, 0, 500_000)
    a = _total(w.A, SY)
    assert (a.money_raised, a.goods_raised) == (4_400_000, 500_000)  # with the pigs of A2
    rep = build(w.P, SY)
    [month_campaign] = [c for c in rep.campaigns if c.info.id == w.cA.id]
    # 1.000.000 + 2.000.000 + 700.000 in money (3.000.000 voided), 500.000 in kind.
    assert (month_campaign.money, month_campaign.goods, month_campaign.raised) == (3_700_000, 500_000, 4_200_000)
    assert rep.total.campaign_goods == 500_000


def test_the_cash_balance_holds_cash_only(w):
    facts = get_facts(w.P, SY.start, None)
    ledger = sum(funds.balance(funds.default_fund(u)) for u in (w.P, w.A, w.B, w.A1, w.A2, w.B1, w.A1s))
    assert sum(balances_now(facts).values()) == ledger
    assert goods_on_hand_now(facts) == 500_000
    rep = build(w.P, SY)
    assert rep.total.closing_balance == rep.total.opening_balance + rep.total.ledger_income - rep.total.spent \
        + rep.total.transfer_net
    assert "Hiện vật còn trong kho quy ra tiền 500.000 đồng." in rep.balance_sentence


def test_goods_handed_out_are_goods_spending_by_source_and_valued(w):
    day = date(2026, 3, 2)
    from sqlalchemy import select

    from app.scholarships.models import Nomination

    nomination_id = db.session.scalars(select(Nomination.id).where(Nomination.round_id == w.round.id)).first()
    honoree = w.decision.honorees[0]
    goods.give_out(w.A, item="vở", item_unit="quyển", quantity=10, entry_date=day, recipient="Em A",
                   purpose="Trao kèm học bổng", source="scholarship", source_id=nomination_id)
    goods.give_out(w.A, item="vở", item_unit="quyển", quantity=5, entry_date=day, recipient="Em B",
                   purpose="Trao kèm khen thưởng", source="prize", source_id=honoree.id)
    handed = goods.give_out(w.A, item="vở", item_unit="quyển", quantity=20, entry_date=day, recipient="Trường",
                            purpose="Phát vở")
    wrong = goods.give_out(w.A, item="vở", item_unit="quyển", quantity=5, entry_date=day, recipient="Trường",
                           purpose="Ghi nhầm")
    goods.reverse(wrong, "Ghi nhầm", entry_date=date(2026, 3, 3))  # voided in the same period: nothing
    db.session.commit()
    assert handed.value == 200_000  # 10.000 đ a notebook
    s = _total(w.P, SY)
    assert (s.goods_given_scholarship, s.goods_given_prize, s.goods_given_other) == (100_000, 50_000, 200_000)
    assert s.goods_given == 350_000 and s.goods_closing == 150_000
    assert s.spent == 2_000_000  # the money spent is unchanged: goods are not cash
    # The next year opens with the goods left.
    nxt = _total(w.P, school_year(2026))
    assert nxt.goods_opening == 150_000 and nxt.goods_given == 0
    rep = build(w.P, SY)
    assert "trao hiện vật quy ra tiền 350.000 đồng (kèm học bổng 100.000 đồng, kèm khen thưởng 50.000 đồng, " \
           "trao tặng khác 200.000 đồng)" in rep.clauses
    rows = {r.unit_id: r.summary for r in rep.rows}
    assert rows[w.A.id].goods_given == 350_000 and rows[w.B.id].goods_given == 0


def test_a_goods_entry_refreshes_the_cached_reports(w):
    first = rollup_page(w.P, SY)[2]
    assert first.goods_given == 0
    goods.give_out(w.A, item="vở", item_unit="quyển", quantity=10, entry_date=date(2026, 3, 2),
                   recipient="Trường", purpose="Phát vở")
    db.session.commit()
    assert rollup_page(w.P, SY)[2].goods_given == 100_000


# ---- gifts in kind recorded the old way, moved out of cash by the goods migration --------------

RUN_DAY = date(2026, 12, 6)


def _migration():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0013_goods.py"
    spec = importlib.util.spec_from_file_location("migration_0013_goods_reports", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _old_way_gift(campaign, amount, day):
    """A gift in kind as the code before issue 13 recorded it: a phiếu thu of source "donation",
    method "in_kind", into the campaign's fund (inserted directly, as the old code did)."""
    from app.donations import services as donations
    from app.donations.models import Donation

    donor = make_donor(campaign.unit, "Công ty TNHH Hồng Phát", "business", "Thị trấn Lai Vung")
    donation = Donation(unit_id=campaign.unit_id, campaign_id=campaign.id, donor_id=donor.id, donation_date=day,
                        amount=amount, method="in_kind", item="xe đạp", quantity=Decimal(2), item_unit="chiếc")
    db.session.add(donation)
    db.session.flush()
    donation.entry = funds.post_income(campaign.fund, amount, entry_date=day, source="donation",
                                       source_id=donation.id, counterparty=donor.name,
                                       description=donations.purpose_text(campaign, donation), method="in_kind")
    db.session.commit()
    return donation


def _move():
    """What migration 0013_goods does to the recorded gifts (it also bumps the reports' cache)."""
    moved = _migration().move_in_kind_gifts(db.session.connection(), RUN_DAY)
    db.session.commit()
    db.session.expire_all()
    return moved


def _fund_rows(rep):
    return sum(f.income for f in rep.funds), sum(f.spent for f in rep.funds)


def test_an_old_gift_in_kind_moved_in_the_same_year_is_neither_cash_income_nor_spending(w, admin):
    period = school_year(2026)
    before = _total(w.P, period)
    cash_before = sum(balances_now(get_facts(w.P, period.start, None)).values())
    camp = make_campaign(w.A, "Xe đạp đến trường", target=0, start_date=date(2026, 9, 1), end_date=date(2026, 9, 30))
    _old_way_gift(camp, 3_000_000, date(2026, 9, 10))
    # The old way counted the bicycles as cash (the finding): the positive control.
    assert sum(balances_now(get_facts(w.P, period.start, None)).values()) == cash_before + 3_000_000
    assert _move() == 1
    s = _total(w.P, period)
    assert (s.ledger_income, s.other_income, s.spent) == (before.ledger_income, before.other_income, before.spent)
    assert (s.money_raised, s.goods_raised) == (before.money_raised, before.goods_raised + 3_000_000)
    assert s.goods_received == 3_000_000 and s.goods_closing == before.goods_closing + 3_000_000
    assert sum(balances_now(get_facts(w.P, period.start, None)).values()) == cash_before
    assert _fund_rows(build(w.P, period)) == (before.ledger_income, before.spent)
    page = admin.get(f"/bao-cao/tong-hop?don_vi={w.P.id}&ky={period.key}").get_data(as_text=True)
    assert (_foot(page, "Tiền"), _foot(page, "Hiện vật"), _foot(page, "Đã chi")) == (
        before.money_raised, before.goods_raised + 3_000_000, before.spent)


def test_an_old_gift_in_kind_of_an_earlier_year_moved_now_is_never_spending(w, admin):
    """Recorded in October 2025, moved on 6 December 2026: the 2025-2026 books keep the phiếu thu they
    had (its year's fund income and balance, as printed then) but count the bicycles as goods raised,
    not money; 2026-2027 takes the income back out of the fund, never as spending."""
    old, new = SY, school_year(2026)
    before_old, before_new = _total(w.P, old), _total(w.P, new)
    _old_way_gift(w.cA, 3_000_000, date(2025, 10, 1))
    _move()
    s_old, s_new = _total(w.P, old), _total(w.P, new)
    assert s_old.ledger_income == before_old.ledger_income + 3_000_000  # the ledger of that year
    assert (s_old.money_raised, s_old.goods_raised) == (before_old.money_raised, before_old.goods_raised + 3_000_000)
    assert s_old.other_income == before_old.other_income and s_old.spent == before_old.spent
    assert s_new.ledger_income == before_new.ledger_income - 3_000_000
    assert (s_new.spent, s_new.other_income, s_new.money_raised) == (
        before_new.spent, before_new.other_income, before_new.money_raised)
    assert s_new.closing_balance == before_new.closing_balance  # the cash now: the bicycles are out
    # Goods: received in 2025-2026 (the goods entry keeps the gift's date), still in stock.
    assert s_old.goods_received == before_old.goods_received + 3_000_000
    assert s_new.goods_opening == before_new.goods_opening + 3_000_000
    page = admin.get(f"/bao-cao/tong-ket?don_vi={w.P.id}&ky={new.key}").get_data(as_text=True)
    assert _foot(page, "Thu khác") == before_new.other_income
    # The donation list in kind holds the bicycles: the same figure as the report's goods.
    lst = admin.get(f"/quyen-gop/?tu_ngay={old.start}&den_ngay={old.end}&hinh_thuc=in_kind").get_data(as_text=True)
    assert _money(re.search(r"Tổng cộng: <strong>([\d.]+) đ</strong>", lst).group(1)) == s_old.goods_raised


# ---- pages -------------------------------------------------------------------------------------

def test_rollup_page_shows_money_goods_and_total_columns(w, admin):
    url = f"/bao-cao/tong-hop?don_vi={w.P.id}&ky=2025-2026"
    for htmx in (False, True):
        html = admin.get(url, htmx=htmx).get_data(as_text=True)
        assert ("<html" in html) != htmx
        assert (_foot(html, "Tiền"), _foot(html, "Hiện vật"), _foot(html, "Vận động được")) == (
            10_800_000, 500_000, 11_300_000)
        assert "trong đó tiền mặt và chuyển khoản 10.800.000 đ, hiện vật quy ra tiền 500.000 đ" in html
        # Each row adds up: money + goods = total.
        for money, kind, total in re.findall(r'data-label="Tiền">([^<]*)</td>\s*<td class="num" data-label="Hiện vật">'
                                             r'([^<]*)</td>\s*<td class="num" data-label="Vận động được">([^<]*)<', html):
            assert _money(money) + _money(kind) == _money(total)


def test_year_report_says_money_and_goods_and_lists_the_goods(w, admin):
    goods.give_out(w.A, item="vở", item_unit="quyển", quantity=20, entry_date=date(2026, 2, 1),
                   recipient="Trường THCS An Bình", purpose="Phát vở cho học sinh khó khăn")
    db.session.commit()
    url = f"/bao-cao/tong-ket?don_vi={w.P.id}&ky=2025-2026"
    for htmx in (False, True):
        html = admin.get(url, htmx=htmx).get_data(as_text=True)
        assert "vận động được 11.300.000 đồng, trong đó tiền mặt và chuyển khoản 10.800.000 đồng, hiện vật quy ra " \
               "tiền 500.000 đồng" in html
        assert "trao hiện vật quy ra tiền 200.000 đồng" in html
        assert "VII. Hiện vật (quy ra tiền)" in html
        assert (_foot(html, "Ủng hộ bằng tiền"), _foot(html, "Hiện vật"), _foot(html, "Tổng vận động")) == (
            4_400_000, 500_000, 11_300_000)
        goods_table = html[html.index("VII. Hiện vật"):]
        assert (_foot(goods_table, "Nhận trong kỳ"), _foot(goods_table, "Trao khác"),
                _foot(goods_table, "Tồn cuối kỳ")) == (500_000, 200_000, 300_000)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_year_report_pdf_prints_money_and_goods(w, admin):
    goods.give_out(w.A, item="vở", item_unit="quyển", quantity=20, entry_date=date(2026, 2, 1),
                   recipient="Trường THCS An Bình", purpose="Phát vở cho học sinh khó khăn")
    db.session.commit()
    resp = admin.get(f"/bao-cao/tong-ket.pdf?don_vi={w.A.id}&ky=2025-2026")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=resp.data, capture_output=True,
                                   check=True).stdout.decode().split())
    assert "trong đó tiền mặt và chuyển khoản 4.400.000 đồng, hiện vật quy ra tiền 500.000 đồng" in text
    assert "VIII. Hiện vật (quy ra tiền)" in text and "Hiện vật đã trao trong kỳ: 200.000 đ" in text
    assert "Hiện vật còn trong kho quy ra tiền 300.000 đồng." in text


# ---- campaign progress and the donation list ---------------------------------------------------

def _donation_total(page: str) -> int:
    return _money(re.search(r"Tổng cộng: <strong>([\d.]+) đ</strong>", page).group(1))


def test_campaign_page_shows_money_and_goods_each_opening_its_list(w, admin):
    import html as htmllib

    url = f"/dot-van-dong/{w.cA.id}"
    for htmx in (False, True):
        page = admin.get(url, htmx=htmx).get_data(as_text=True)
        money_href, money = re.search(r'id="campaign-money"><a href="([^"]*)">ủng hộ bằng tiền mặt, chuyển khoản '
                                      r'([^<]*)</a>', page).groups()
        goods_href, kind = re.search(r'id="campaign-goods"><a href="([^"]*)">([^<]*)</a>', page).groups()
        assert (_money(money), _money(kind)) == (3_700_000, 500_000)
        assert "4.200.000 đ" in page and "trong đó hiện vật quy ra tiền 500.000 đ" in page
        for href, figure in ((money_href, money), (goods_href, kind)):
            assert _donation_total(admin.get(htmllib.unescape(href)).get_data(as_text=True)) == _money(figure)
    listing = admin.get("/dot-van-dong/").get_data(as_text=True)
    assert "trong đó hiện vật quy ra tiền 500.000 đ" in listing


def test_donation_list_filters_money_apart_from_goods(w, admin):
    base = "/quyen-gop/?tu_ngay=2025-09-01&den_ngay=2026-08-31"
    totals = {}
    for method in ("", "tien", "in_kind", "cash", "transfer"):
        for htmx in (False, True):
            page = admin.get(base + (f"&hinh_thuc={method}" if method else ""), htmx=htmx).get_data(as_text=True)
            totals[method] = _donation_total(page)
    assert totals["tien"] == totals["cash"] + totals["transfer"] == 4_400_000
    assert totals["in_kind"] == 500_000 and totals[""] == totals["tien"] + totals["in_kind"]
    page = admin.get(base).get_data(as_text=True)
    assert '<option value="tien">Tiền (tiền mặt và chuyển khoản)</option>' in page


def test_a_branch_collecting_in_kind_counts_goods_where_the_money_would_be(w):
    """A gift in kind collected by a branch for the commune's campaign is the branch's figure in the
    reports (as money is), whatever unit keeps the goods."""
    make_donation(w.cA, 250_000, day=date(2025, 9, 25), method="in_kind", item="bút", quantity=Decimal(25),
                  item_unit="cây", collector_unit=w.A1)
    facts = load_facts(w.A, SY.start, SY.end)
    own = own_summaries(facts, SY)
    assert own[w.A1.id].goods_raised == 250_000 and own[w.A.id].goods_raised == 500_000
