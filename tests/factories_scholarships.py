"""Schools, pupils, rounds and nominations for tests, built through the services."""
import itertools
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.funds import services as funds
from app.pupils import queries as pupil_queries
from app.pupils import services as pupils
from app.scholarships import payout
from app.scholarships import services

_seq = itertools.count(1)
DAY = date(2026, 3, 10)


def make_school(unit, name: str | None = None, level: str = "lower_secondary", commit: bool = True):
    school = pupils.save_school(unit, name or f"Trường THCS Thử {next(_seq)}", level, "Xã Thử")
    if commit:
        db.session.commit()
    return school


def make_pupil(unit, full_name: str | None = None, commit: bool = True, **kw):
    n = next(_seq)
    kw.setdefault("birth_date", date(2012, 1 + n % 12, 1 + n % 28))
    data = pupils.PupilData.from_full_name(full_name or f"Nguyễn Văn Thử{n}".replace(str(n), "") + f" {_given(n)}",
                                           **kw)
    pupil = pupils.create_pupil(unit, data)
    if commit:
        db.session.commit()
    return pupil


def _given(n):
    return ["An", "Bình", "Châu", "Dũng", "Đào", "Giang", "Hà", "Hưng", "Khánh", "Lan"][n % 10] + chr(0x61 + n % 26)


def make_round(unit, *, budget: int = 10_000_000, fund_money: int = 20_000_000, fund=None, commit: bool = True,
               school_year: str = "2025-2026", name: str | None = None):
    fund = fund or funds.create_fund(unit, f"Quỹ học bổng {next(_seq)}")
    if fund_money:
        funds.post_income(fund, fund_money, entry_date=DAY, source="donation", counterparty="Nhà hảo tâm")
    rnd = services.save_round(fund, name or f"Học bổng Tiếp bước đến trường {next(_seq)}", school_year, budget,
                              ceremony_date=DAY, decision_number="15/QĐ-HKH")
    if commit:
        db.session.commit()
    return rnd


def make_category(rnd, amount: int = 1_000_000, *, name: str | None = None, kind: str = "hardship",
                  goods: str = "", quota=None, commit: bool = True, **goods_fields):
    """goods: free text (older categories, not taken from the stock); goods_item / goods_unit /
    goods_quantity: goods handed out of the round's unit stock with each award."""
    cat = services.save_category(rnd, name or f"Học bổng vượt khó {next(_seq)}", kind, amount, goods, quota,
                                 **goods_fields)
    if commit:
        db.session.commit()
    return cat


def give_goods(unit, quantity, value: int, *, item: str = "vở", item_unit: str = "quyển", day: date = date(2026, 3, 1),
               commit: bool = True):
    """A gift in kind to a campaign of `unit` (record_donation, method in_kind): goods into its stock."""
    from tests.factories_donations import make_campaign, make_donation

    campaign = make_campaign(unit, f"Tiếp sức đến trường {next(_seq)}", start_date=date(2026, 2, 1),
                             end_date=date(2026, 3, 31), commit=False)
    return make_donation(campaign, value, day=day, method="in_kind", item=item, quantity=quantity,
                         item_unit=item_unit, name="Nhà sách Phương Nam", commit=commit)


def make_nomination(rnd, pupil, category, *, achievement: str = "", commit: bool = True):
    n = services.nominate(rnd, pupil, category, proposer="Trường THCS Lai Vung", reason="Nhà khó khăn",
                          achievement=achievement)
    if commit:
        db.session.commit()
    return n


def scholarship_world(world):
    """For each commune of the world: a school, two pupils, a round with a category, nominations
    (one pending, one approved and paid) and a sponsorship; made once per world."""
    if getattr(world, "sch", None) is None:
        def side(unit):
            school = make_school(unit, commit=False)
            p1 = make_pupil(unit, "Tôn Nữ Thị Minh Khuê", commit=False, school=school)
            p2 = make_pupil(unit, "Lê Văn Bình", commit=False, school=school)
            rnd = make_round(unit, commit=False)
            cat = make_category(rnd, 500_000, commit=False)
            pending = make_nomination(rnd, p1, cat, commit=False)
            paid = make_nomination(rnd, p2, cat, commit=False)
            services.approve(rnd, [paid])
            payout.pay(paid, DAY)
            pupil_queries.add_sponsorship(p1, "Cô Trần Thị Hoa", "teacher", DAY, None, 300_000, "month")
            db.session.commit()
            return SimpleNamespace(school=school, pupil=p1, pupil2=p2, round=rnd, category=cat, pending=pending,
                                   paid=paid)

        world.sch = SimpleNamespace(own=side(world.commune), other=side(world.other_commune))
    return world.sch
