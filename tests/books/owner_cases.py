"""One record of every ledger and goods source, made through the services, with the owner's view of
its entry: `holds()` is True while the owner says the entry stands (a gift not voided, an award or a
prize paid by it, a pig count not voided; the ledger's own entries always).

Used by tests/books/test_owners.py. A new source in the code needs a builder here: the test that
lists the sources from the code fails until it has one.
"""
import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Callable

from app.extensions import db
from app.funds import services as funds

_seq = itertools.count(1)
DAY = date(2026, 3, 10)


@dataclass
class Case:
    entry: object  # LedgerEntry or GoodsEntry
    record: object  # what app.books.owners.owner_of(entry) must return
    holds: Callable[[], bool]
    fund: object = None


def _fund(world, money: int = 20_000_000):
    """A fund of the commune holding `money`, given by a real gift (an entry with a live owner)."""
    from tests.factories_donations import make_campaign, make_donation

    fund = funds.create_fund(world.commune, f"Quỹ chủ sở hữu {next(_seq)}")
    campaign = make_campaign(world.commune, name=f"Vận động {next(_seq)}", fund=fund, commit=False,
                             start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    make_donation(campaign, money, day=date(2026, 1, 5), commit=False, name="Công ty Thử Nghiệm")
    db.session.commit()
    return fund


def _campaign(world, fund=None):
    from tests.factories_donations import make_campaign

    return make_campaign(world.commune, name=f"Tháng Khuyến học {next(_seq)}", fund=fund,
                         start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))


# ---- ledger ----------------------------------------------------------------------------------

def donation(world):
    from tests.factories_donations import make_donation

    d = make_donation(_campaign(world), 700_000, day=DAY)
    return Case(d.entry, d, lambda: not db.session.get(type(d), d.id).voided, d.entry.fund)


def donation_direct(world):
    """The same source with no gift behind it (a balance handed over, "thu khác"): the ledger's own."""
    fund = _fund(world)
    entry = funds.post_income(fund, 900_000, entry_date=DAY, source="donation", counterparty="Quỹ huyện cũ bàn giao")
    db.session.commit()
    return Case(entry, entry, lambda: True, fund)


def piggy_bank(world):
    from tests.factories_piggybanks import make_opening, make_pig

    opening = make_opening(make_pig(world.branch), 400_000)
    model = type(opening)
    return Case(opening.ledger_entry, opening, lambda: not db.session.get(model, opening.id).voided,
                opening.ledger_entry.fund)


def dues(world):
    """A batch of members' dues (app.members.dues): one phiếu thu owned by the batch."""
    from app.members import dues as dues_services
    from app.members.models import DuesBatch
    from tests.factories_members import make_member

    unit = world.branch
    dues_services.save_setting(unit, enabled=True, amount=20_000, fund_id=None, share_up=0, lapsed_after=2,
                               new_fund=True)
    ids = [make_member(unit, commit=False).id for _ in range(3)]
    batch = dues_services.collect(unit, year=2026, member_ids=ids, collected_on=DAY, collector="Người thu thử",
                                  control_total=60_000)
    db.session.commit()
    return Case(batch.ledger_entry, batch, lambda: db.session.get(DuesBatch, batch.id).voided_at is None,
                batch.ledger_entry.fund)


def scholarship(world):
    from app.scholarships import payout, services
    from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round

    rnd = make_round(world.commune, fund=_fund(world), fund_money=0)
    n = make_nomination(rnd, make_pupil(world.commune), make_category(rnd, 3_000_000), commit=False)
    services.approve(rnd, [n])
    payout.pay(n, DAY)
    db.session.commit()
    entry, model = n.paid_entry, type(n)
    return Case(entry, n, lambda: db.session.get(model, n.id).paid_entry_id == entry.id, rnd.fund)


def _issued(world, mode: str, goods: bool = False):
    from app.commendations import issuing
    from tests.factories_commendations import add, make_decision

    fund = _fund(world)
    d = make_decision(world.commune, fund=fund, payment_mode=mode)
    extra = {"goods_item": "vở", "goods_unit": "quyển", "goods_quantity": Decimal(5)} if goods else {}
    h = add(d, f"Nguyễn Thị Đào {next(_seq)}", amount=600_000, **extra)
    add(d, f"Lê Văn Bình {next(_seq)}", amount=400_000)
    issuing.issue(d)
    db.session.commit()
    return d, h


def prize(world):
    from app.commendations.models import Honoree
    from app.funds.models import LedgerEntry

    _, h = _issued(world, "each")
    entry = db.session.get(LedgerEntry, h.payment_entry_id)
    return Case(entry, h, lambda: db.session.get(Honoree, h.id).payment_entry_id == entry.id, entry.fund)


def prize_total(world):
    """The same source, a whole list paid with one phiếu chi (its owner is the decision)."""
    from app.commendations.models import Decision

    from app.funds.models import LedgerEntry

    d, _ = _issued(world, "total")
    entry = db.session.get(LedgerEntry, d.payment_entry_id)
    return Case(entry, d, lambda: db.session.get(Decision, d.id).payment_entry_id == entry.id, d.fund)


def payment(world):
    fund = _fund(world)
    entry = funds.post_payment(fund, 250_000, entry_date=DAY, recipient="Nhà sách Lai Vung", purpose="Mua vở")
    db.session.commit()
    return Case(entry, entry, lambda: True, fund)


def transfer(world):
    fund, other = _fund(world), funds.create_fund(world.commune, f"Quỹ nhận {next(_seq)}")
    out, _ = funds.transfer(fund, other, 1_500_000, entry_date=DAY, reason="Bàn giao quỹ")
    db.session.commit()
    return Case(out, out, lambda: True, fund)


def adjustment(world):
    """A correction of a payment of a closed month (app.periods), owned by the ledger."""
    from app.periods import services as periods

    fund = _fund(world)
    paid = funds.post_payment(fund, 300_000, entry_date=DAY, recipient="Trường THCS Thử", purpose="Học bổng")
    periods.close(world.commune, DAY.year, DAY.month)
    entry = funds.correct(paid, "Chi trùng, đã thu hồi")
    db.session.commit()
    return Case(entry, entry, lambda: True, fund)


def reversal(world):
    case = payment(world)
    entry = funds.reverse(case.entry, "Ghi nhầm")
    db.session.commit()
    return Case(entry, case.entry, lambda: True, case.fund)


LEDGER = {"donation": donation, "donation_direct": donation_direct, "piggy_bank": piggy_bank, "dues": dues,
          "scholarship": scholarship, "prize": prize, "prize_total": prize_total, "payment": payment,
          "transfer": transfer, "adjustment": adjustment, "reversal": reversal}


# ---- goods -----------------------------------------------------------------------------------

def _stock(world, quantity=100, item="vở", item_unit="quyển"):
    from app.goods import services as goods

    goods.receive(world.commune, item=item, item_unit=item_unit, quantity=Decimal(quantity), value=quantity * 8_000,
                  entry_date=date(2026, 1, 5), giver="Nhà sách Thử")
    db.session.commit()


def goods_donation(world):
    from tests.factories_donations import make_donation

    d = make_donation(_campaign(world), 500_000, day=DAY, method="in_kind", item="vở", quantity=Decimal(50),
                      item_unit="quyển")
    from app.goods.models import GoodsEntry

    entry = db.session.get(GoodsEntry, d.goods_entry_id)
    return Case(entry, d, lambda: not db.session.get(type(d), d.id).voided)


def goods_scholarship(world):
    from app.goods.models import GoodsEntry
    from app.scholarships import payout, services
    from tests.factories_scholarships import make_nomination, make_pupil, make_round

    _stock(world)
    rnd = make_round(world.commune, fund=_fund(world), fund_money=0)
    cat = services.save_category(rnd, f"Học bổng và vở {next(_seq)}", "hardship", 300_000, goods_item="vở",
                                 goods_unit="quyển", goods_quantity=Decimal(10))
    n = make_nomination(rnd, make_pupil(world.commune), cat, commit=False)
    services.approve(rnd, [n])
    payout.pay(n, DAY)
    db.session.commit()
    entry, model = db.session.get(GoodsEntry, n.goods_entry_id), type(n)
    return Case(entry, n, lambda: db.session.get(model, n.id).goods_entry_id == entry.id)


def goods_prize(world):
    from app.commendations.models import Honoree
    from app.goods.models import GoodsEntry

    _stock(world)
    _, h = _issued(world, "each", goods=True)
    entry = db.session.get(GoodsEntry, h.goods_entry_id)
    return Case(entry, h, lambda: db.session.get(Honoree, h.id).goods_entry_id == entry.id)


def goods_issue(world):
    from app.goods import services as goods

    _stock(world)
    entry = goods.give_out(world.commune, item="vở", item_unit="quyển", quantity=Decimal(20), entry_date=DAY,
                           recipient="Trường Tiểu học Thử", purpose="Tặng học sinh")
    db.session.commit()
    return Case(entry, entry, lambda: True)


def goods_reversal(world):
    from app.goods import services as goods

    case = goods_issue(world)
    entry = goods.reverse(case.entry, "Xuất nhầm")
    db.session.commit()
    return Case(entry, case.entry, lambda: True)


GOODS = {"donation": goods_donation, "scholarship": goods_scholarship, "prize": goods_prize, "issue": goods_issue,
         "reversal": goods_reversal}
