"""The goods register's part of the report facts: goods in kind received and handed out, valued.

Goods are not cash (issue 13): a gift in kind posts a goods entry (app.goods), never a ledger
entry, so the fund balances and "Đã chi" stay cash only and the goods are counted here, apart.
A goods figure belongs to the unit holding the stock (`GoodsEntry.unit_id`), in the month of the
entry; a reversal counts in its own month against what it voids (as ledger reversals do), so a
receipt voided in the same month leaves nothing.

Money raised in kind is still read from the donations ("Vận động được", figures._donations):
that is what the donation list filtered to "Hiện vật" totals, whatever unit keeps the goods.
"""
from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.goods.models import GoodsEntry

from .conditions import in_range, month, within, ym
from .facts import Facts, GoodsFlow


def read_goods(facts: Facts, root) -> None:
    """Fill facts.goods_opening and facts.goods for `root`'s subtree (or its own records)."""
    signed = case((GoodsEntry.direction == "in", GoodsEntry.value), else_=-GoodsEntry.value)
    for unit_id, total in db.session.execute(
            select(GoodsEntry.unit_id, func.sum(signed))
            .where(within(GoodsEntry.unit_id, root, facts), GoodsEntry.entry_date < facts.first)
            .group_by(GoodsEntry.unit_id)):
        facts.goods_opening[unit_id] = int(total or 0)
    where = [within(GoodsEntry.unit_id, root, facts), in_range(GoodsEntry.entry_date, facts)]
    cols = (GoodsEntry.unit_id, month(GoodsEntry.entry_date), GoodsEntry.direction, GoodsEntry.source)
    plain = (select(*cols, literal_column("0"), func.sum(GoodsEntry.value))
             .where(GoodsEntry.reversal_of_id.is_(None), *where).group_by(*cols))
    orig = aliased(GoodsEntry)
    rcols = (GoodsEntry.unit_id, month(GoodsEntry.entry_date), orig.direction, orig.source)
    reversals = (select(*rcols, literal_column("1"), func.sum(GoodsEntry.value))
                 .join(orig, orig.id == GoodsEntry.reversal_of_id)
                 .where(GoodsEntry.reversal_of_id.is_not(None), *where).group_by(*rcols))
    for stmt in (plain, reversals):
        for unit_id, month_text, direction, source, rev, value in db.session.execute(stmt):
            flow = facts.goods.setdefault((unit_id, ym(month_text)), GoodsFlow())
            side = flow.received if direction == "in" else flow.given  # a reversal: the voided entry's side
            side[source] = side.get(source, 0) + (-1 if int(rev) else 1) * int(value or 0)
