"""A commune whose books use every money and goods domain, built only through the services.

books_world(world) records, in the world's commune: gifts in cash, by transfer and in kind (one
of each voided), piggy-bank openings (to the fund, split, kept; one voided), goods handed out
(one voided), a scholarship round paying money and goods (one payment reversed), decisions with
prizes per person and as one total (one prize reversed and paid again), a payment, a transfer
(and a voided one), and last year's disclosure published. The books check finds nothing in it.
"""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from app.commendations import issuing, prizes
from app.core import clock
from app.core.db import write_mode
from app.disclosure import services as disclosure
from app.donations import services as donations
from app.extensions import db
from app.funds import services as funds
from app.goods import services as goods
from app.piggybanks import services as pigs
from app.scholarships import payout
from app.scholarships import services as scholarships
from tests.factories_commendations import add, make_decision
from tests.factories_donations import make_campaign, make_donation
from tests.factories_goods import gift_in_kind, hand_out
from tests.factories_piggybanks import make_opening, make_pig
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school

DAY = date(2026, 9, 5)


def books_world(world) -> SimpleNamespace:
    unit = world.commune
    with write_mode():
        campaign = make_campaign(unit, "Tháng Khuyến học 2026", commit=False)
        fund = campaign.fund
        cash = [make_donation(campaign, amount, commit=False, name=f"Nhà hảo tâm {amount}")
                for amount in (5_000_000, 3_000_000, 1_200_000)]
        by_bank = make_donation(campaign, 2_500_000, method="transfer", commit=False)
        voided_gift = make_donation(campaign, 400_000, commit=False)
        donations.void_donation(voided_gift, "Ghi nhầm người nộp")
        notebooks = gift_in_kind(campaign, 200, 2_000_000, commit=False)
        bikes = gift_in_kind(campaign, 2, 3_000_000, item="xe đạp", item_unit="chiếc", commit=False)
        donations.void_donation(bikes, "Nhà hảo tâm đổi ý, chưa giao xe")
        db.session.flush()

        pig_fund, pig_split, pig_kept, pig_void = (make_pig(unit, commit=False) for _ in range(4))
        make_opening(pig_fund, 450_000, commit=False)
        make_opening(pig_split, 600_000, "split", to_fund=400_000, kept=200_000, commit=False)
        make_opening(pig_kept, 300_000, "kept", commit=False)
        pigs.void_opening(make_opening(pig_void, 250_000, commit=False), "Đếm sai")

        handed = hand_out(unit, 20, commit=False)
        goods.reverse(hand_out(unit, 5, commit=False), "Phát nhầm lớp")

        school = make_school(unit, commit=False)
        rnd = make_round(unit, fund=fund, fund_money=0, commit=False)
        money_cat = make_category(rnd, 500_000, commit=False)
        both_cat = scholarships.save_category(rnd, "Học bổng và tập vở", "hardship", 300_000,
                                              goods_item="vở", goods_unit="quyển", goods_quantity=Decimal(10))
        # paid then reversed, paid, goods paid then reversed, goods paid, approved and not paid
        noms = [make_nomination(rnd, make_pupil(unit, commit=False, school=school), cat, commit=False)
                for cat in (money_cat, money_cat, both_cat, both_cat, money_cat)]
        scholarships.approve(rnd, noms)
        for n in noms[:4]:
            payout.pay(n, DAY)
        payout.reverse_payment(noms[0], "Em đã nhận học bổng nơi khác")
        payout.reverse_payment(noms[2], "Ký nhận nhầm")

        each = make_decision(unit, fund=fund, commit=False, payment_mode="each")
        h1 = add(each, "Nguyễn Văn An", amount=200_000, commit=False)
        add(each, "Trần Thị Bình", amount=300_000, commit=False)
        add(each, "Lê Văn Cường", amount=0, goods_item="vở", goods_unit="quyển", goods_quantity=Decimal(5),
            commit=False)
        issuing.issue(each)
        prizes.reverse_prize(h1, "Trao nhầm người")
        prizes.pay_prize(h1, DAY)
        total = make_decision(unit, fund=fund, commit=False, payment_mode="total")
        add(total, "Phạm Thị Dung", amount=150_000, commit=False)
        add(total, "Võ Văn Em", amount=150_000, commit=False)
        issuing.issue(total)
        prizes.reverse_prize(total, "Chưa đủ chữ ký")

        other = funds.create_fund(unit, "Quỹ học bổng Tiếp bước")
        funds.transfer(fund, other, 1_000_000, entry_date=DAY, reason="Lập quỹ học bổng")
        out, _into = funds.transfer(fund, other, 700_000, entry_date=DAY, reason="Chuyển nhầm")
        funds.reverse(out, "Chuyển nhầm quỹ")
        paid = funds.post_payment(fund, 350_000, entry_date=DAY, recipient="Nhà sách Lai Vung", purpose="Mua vở")
        funds.reverse(funds.post_payment(fund, 90_000, entry_date=DAY, recipient="Nhà sách", purpose="Bút"), "Trùng")
        db.session.commit()
    with write_mode():
        pub = disclosure.publish(unit, clock.today().year - 1, clock.today())
        db.session.commit()
    return SimpleNamespace(unit=unit, campaign=campaign, fund=fund, other_fund=other, cash=cash, by_bank=by_bank,
                           voided_gift=voided_gift, notebooks=notebooks, bikes=bikes, handed=handed, round=rnd,
                           nominations=noms, each=each, total=total, payment=paid, publication=pub)

