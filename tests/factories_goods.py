"""Goods test data, built through app.goods.services and the donation services."""
from datetime import date
from types import SimpleNamespace

from app.extensions import db
from app.goods import services

DAY = date(2026, 9, 5)


def gift_in_kind(campaign, quantity=50, value=500_000, *, item="vở", item_unit="quyển", day=DAY, commit=True, **kw):
    """A gift in kind recorded as a volunteer does it (record_donation, method "in_kind")."""
    from tests.factories_donations import make_donation

    return make_donation(campaign, value, day=day, method="in_kind", item=item, quantity=quantity,
                         item_unit=item_unit, commit=commit, **kw)


def receive(unit, quantity=50, value=500_000, *, item="vở", item_unit="quyển", day=DAY, commit=True, **kw):
    """Goods straight into a unit's stock (no donation behind it: for service-level tests)."""
    kw.setdefault("giver", "Công ty TNHH Hồng Phát")
    entry = services.receive(unit, item=item, item_unit=item_unit, quantity=quantity, value=value, entry_date=day,
                             **kw)
    if commit:
        db.session.commit()
    return entry


def hand_out(unit, quantity=10, *, item="vở", item_unit="quyển", day=DAY, commit=True, **kw):
    kw.setdefault("recipient", "Trường Tiểu học Tân Phú")
    kw.setdefault("purpose", "Phát vở cho học sinh khó khăn")
    entry = services.give_out(unit, item=item, item_unit=item_unit, quantity=quantity, entry_date=day, **kw)
    if commit:
        db.session.commit()
    return entry


def goods_world(world):
    """A gift in kind and a hand-out in the world's commune (own) and in the other commune, made once."""
    if getattr(world, "goods", None) is None:
        from tests.factories_donations import make_campaign

        own_campaign = make_campaign(world.commune, "Tháng Khuyến học 2026")
        other_campaign = make_campaign(world.other_commune, "Tháng Khuyến học 2026")
        own_gift, other_gift = gift_in_kind(own_campaign), gift_in_kind(other_campaign)
        world.goods = SimpleNamespace(
            own_campaign=own_campaign, other_campaign=other_campaign, own_gift=own_gift, other_gift=other_gift,
            own_in=own_gift.goods_entry, other_in=other_gift.goods_entry,
            own_out=hand_out(world.commune), other_out=hand_out(world.other_commune))
    return world.goods
