"""Goods register routes."""
from tests.authz import ALL, Rule

TREASURER = frozenset({"treasurer"})


def hand_out_entry(world, own):
    from tests.factories_goods import goods_world

    g = goods_world(world)
    return {"entry_id": (g.own_out if own else g.other_out).id}


def received_entry(world, own):
    from tests.factories_goods import goods_world

    g = goods_world(world)
    return {"entry_id": (g.own_in if own else g.other_in).id}


TABLE = {
    "goods.index": Rule(ALL),
    "goods.index_export": Rule(ALL),
    "goods.register": Rule(ALL),
    "goods.register_export": Rule(ALL),
    "goods.give_out": Rule(TREASURER),
    "goods.detail": Rule(ALL, args=received_entry),
    "goods.entry_pdf": Rule(ALL, args=hand_out_entry),
    "goods.void": Rule(TREASURER, args=hand_out_entry),
}
