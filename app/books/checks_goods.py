"""Books check, goods in kind (app.goods): stock, reversals, and the owners of goods entries.

- stock: per unit and item, on hand = received - given out as the goods pages show it
  (app.goods.services.stock) equals the sum of the entries, and is never below zero, neither
  now nor right after any entry in the order entries were written; its value is never below
  zero and is zero when nothing is left;
- every goods reversal voids an entry of the same unit and item, in the other direction, for the
  same quantity and value, and carries no number;
- owners: a live gift in kind has exactly one live goods "in" entry of its value and quantity
  (Donation.goods_entry_id points at it), a voided gift or a gift of money none; a paid award
  whose category hands out goods has its live "out" entry (Nomination.goods_entry_id), an unpaid
  award none; a prize's goods entry (Honoree.goods_entry_id) is live and names it; every live
  goods entry of an award or a prize is pointed at by it; every entry names an existing owner.

Every check returns nothing (and counts nothing) while the goods register does not exist yet.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from app.books import owners
from app.commendations.models import Honoree
from app.donations.models import IN_KIND, Donation
from app.extensions import db
from app.goods import services as goods
from app.goods.models import format_quantity
from app.scholarships.models import AwardCategory, Nomination
from app.units.models import Unit

from .findings import Finding, capped, count, listed, money, orphans

_CENT = Decimal("0.01")


def _goods():
    try:
        from app.goods.models import GoodsEntry
    except ImportError:
        return None
    return GoodsEntry


def _qty(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(_CENT)


def _q(value) -> str:
    return format_quantity(_qty(value))


def _paper(number, eid) -> str:
    return f"phiếu {number}" if number else f"phiếu hủy #{eid}"


def live_goods(source: str):
    """Per source_id, the live goods entries of `source` (not reversed, not a reversal)."""
    G = _goods()
    r = aliased(G)
    return (select(G.source_id.label("owner_id"), func.count().label("n"), func.sum(G.value).label("value"),
                   func.sum(G.quantity).label("quantity"), func.min(G.id).label("entry_id"),
                   func.sum(case((G.direction == "in", 1), else_=0)).label("n_in"))
            .select_from(G).outerjoin(r, r.reversal_of_id == G.id)
            .where(G.source == source, G.reversal_of_id.is_(None), r.id.is_(None))
            .group_by(G.source_id).subquery())


def goods_stock(seen: dict) -> list[Finding]:
    """On hand per unit and item = received - given out (as the goods pages compute it), >= 0; its
    value ("quy ra tiền") >= 0 and nothing when no goods are left."""
    G = _goods()
    if G is None:
        return []

    signed = case((G.direction == "in", G.quantity), else_=-G.quantity)
    signed_value = case((G.direction == "in", G.value), else_=-G.value)
    rows = db.session.execute(select(G.unit_id, G.item_key, G.item_unit, func.min(G.item), func.sum(signed),
                                     func.count(), func.sum(signed_value))
                              .group_by(G.unit_id, G.item_key, G.item_unit)).all()
    seen["phiếu hiện vật"] = sum(int(r[5]) for r in rows)
    seen["mặt hàng tồn kho theo đơn vị"] = len(rows)
    shown = {}
    # The goods pages' figures (app.goods.services.stock), for each top unit that holds goods.
    holding = {uid for uid, *_ in rows}
    paths = db.session.scalars(select(Unit.path).where(Unit.id.in_(holding))).all() if holding else []
    top_ids = {int(p.strip("/").split("/")[0]) for p in paths if p.strip("/")}
    for root in (db.session.scalars(select(Unit).where(Unit.id.in_(top_ids))).all() if top_ids else []):
        for row in goods.stock(root):
            shown[(row["unit_id"], row["item_key"], row["item_unit"])] = row
    out = []
    for unit_id, key, item_unit, item, on_hand, _n, value in rows:
        on_hand, value = _qty(on_hand), int(value or 0)
        # The value on hand ("quy ra tiền") goes out with the goods: none left when nothing is left.
        if value < 0 or (on_hand == 0 and value != 0):
            out.append(Finding("goods", f"Giá trị tồn kho “{item}” ({item_unit}) là {money(value)} khi còn "
                                        f"{_q(on_hand)} {item_unit}.", unit_id, f"goods_item:{unit_id}:{key}:{item_unit}"))
        page = shown.get((unit_id, key, item_unit))
        if page is None or _qty(page["on_hand"]) != on_hand \
                or _qty(page["received"]) - _qty(page["given_out"]) != on_hand:
            out.append(Finding("goods", f"Tồn kho “{item}” ({item_unit}): trang hiện vật ghi "
                                        f"{'không có' if page is None else _q(page['on_hand'])}, tổng nhập trừ xuất "
                                        f"là {_q(on_hand)}.", unit_id, f"goods_item:{unit_id}:{key}:{item_unit}"))
        if on_hand < 0:
            out.append(Finding("goods", f"Tồn kho “{item}” bị âm: {_q(on_hand)} {item_unit} (xuất nhiều hơn nhập).",
                               unit_id, f"goods_item:{unit_id}:{key}:{item_unit}"))
    return capped(out, "goods", "mặt hàng")


def goods_never_negative(seen: dict) -> list[Finding]:
    """The stock of every unit and item, entry by entry in the order written, never below zero."""
    G = _goods()
    if G is None:
        return []
    key = (G.unit_id, G.item_key, G.item_unit)
    running = select(G.id.label("id"), *key, func.sum(case((G.direction == "in", G.quantity), else_=-G.quantity))
                     .over(partition_by=key, order_by=G.id).label("on_hand")).subquery()
    first = (select(func.min(running.c.id).label("first_id"), func.min(running.c.on_hand).label("low"))
             .where(running.c.on_hand < -0.005)
             .group_by(running.c.unit_id, running.c.item_key, running.c.item_unit).subquery())
    rows = listed(select(G.id, G.unit_id, G.number, G.item, G.item_unit, G.entry_date, first.c.low)
                  .join(first, first.c.first_id == G.id).order_by(G.id))
    seen["tồn kho lũy kế theo từng phiếu"] = seen.get("phiếu hiện vật", 0)
    return capped([Finding("goods", f"Tồn kho “{item}” bị âm ngay sau {_paper(number, eid)} ngày {day:%d/%m/%Y} "
                                    f"(thấp nhất {_q(low)} {item_unit}): đã xuất nhiều hơn số có.",
                           unit_id, f"goods_entry:{eid}")
                   for eid, unit_id, number, item, item_unit, day, low in rows], "goods", "mặt hàng")


def goods_reversals(seen: dict) -> list[Finding]:
    G = _goods()
    if G is None:
        return []
    r, o = G, aliased(G)
    rows = listed(select(r.id, r.unit_id, o.id, o.number, r.reversal_of_id)
                  .outerjoin(o, o.id == r.reversal_of_id)
                  .where(or_(r.reversal_of_id.is_not(None), r.source == "reversal"))
                  .where(or_(o.id.is_(None), r.source != "reversal", o.reversal_of_id.is_not(None),
                             o.source == "reversal", o.unit_id != r.unit_id, o.item_key != r.item_key,
                             o.item_unit != r.item_unit, o.direction == r.direction, o.quantity != r.quantity,
                             o.value != r.value, r.number.is_not(None)))
                  .order_by(r.id))
    seen["phiếu hiện vật hủy"] = count(G, G.reversal_of_id.is_not(None))
    return capped([Finding("goods", f"Phiếu hủy hiện vật #{rid} "
                                    + ("không chỉ tới phiếu nào hợp lệ." if oid is None else
                                       f"không khớp {_paper(onumber, oid)} mà nó hủy (phải cùng đơn vị, cùng hiện "
                                       "vật, ngược chiều, cùng số lượng và giá trị, không đánh số)."),
                           unit_id, f"goods_entry:{rid}")
                   for rid, unit_id, oid, onumber, _of in rows], "goods", "phiếu hủy")


def goods_sources(seen: dict) -> list[Finding]:
    G = _goods()
    if G is None:
        return []

    known = [s for s in owners.sources(owners.GOODS) if owners.owner_for(s, owners.GOODS) is not None]
    rows = listed(select(G.id, G.unit_id, G.number, G.source).where(G.source.not_in(known)).order_by(G.id))
    return capped([Finding("goods", f"Phiếu hiện vật {number or '#' + str(eid)} có nguồn “{source}” không thuộc "
                                    "nguồn nào phần mềm biết.", unit_id, f"goods_entry:{eid}")
                   for eid, unit_id, number, source in rows], "goods", "phiếu")


def donations_in_kind(seen: dict) -> list[Finding]:
    """A live gift in kind has exactly one live goods "in" entry of its value and quantity."""
    G = _goods()
    if G is None:
        return []

    live = live_goods("donation")
    n = func.coalesce(live.c.n, 0)
    kind_gift = and_(Donation.voided_at.is_(None), Donation.method == IN_KIND)
    same_qty = or_(Donation.quantity.is_(None), live.c.quantity == Donation.quantity)
    rows = listed(select(Donation.id, Donation.unit_id, Donation.amount, Donation.voided_at, Donation.method,
                         n, live.c.value, live.c.entry_id, Donation.goods_entry_id, Donation.quantity,
                         live.c.quantity)
                  .outerjoin(live, live.c.owner_id == Donation.id)
                  .where(case((kind_gift, or_(n != 1, live.c.value != Donation.amount, live.c.n_in != 1, ~same_qty,
                                              Donation.goods_entry_id.is_(None),
                                              Donation.goods_entry_id != live.c.entry_id)),
                              else_=n != 0))
                  .order_by(Donation.id))
    seen["khoản đóng góp hiện vật"] = count(Donation, Donation.method == IN_KIND)
    out = []
    for did, unit_id, amount, voided_at, method, n_live, value, eid, pointer, qty, got_qty in rows:
        if voided_at is not None:
            text = f"đã hủy nhưng còn {n_live} phiếu nhập hiện vật chưa hủy"
        elif method != IN_KIND:
            text = f"bằng tiền nhưng có {n_live} phiếu nhập hiện vật"
        else:
            text = (f"bằng hiện vật ({money(amount)}{', ' + _q(qty) if qty is not None else ''}) có {n_live} phiếu "
                    f"nhập còn hiệu lực ({money(value)}, {_q(got_qty)}), chứng từ trỏ tới #{pointer}, cần đúng một "
                    "phiếu nhập cùng giá trị và số lượng")
        out.append(Finding("goods", f"Khoản đóng góp #{did} {text}.", unit_id, f"donation:{did}"))
    return capped(out, "goods", "khoản đóng góp") + orphans("donation", Donation, "khoản đóng góp", book=G)


def award_goods(seen: dict) -> list[Finding]:
    """Awards (Nomination.goods_entry_id) and prizes (Honoree.goods_entry_id) in goods."""
    G = _goods()
    if G is None:
        return []

    out = []
    r = aliased(G)
    for model, source, label, table in ((Nomination, "scholarship", "Suất học bổng", "nomination"),
                                        (Honoree, "prize", "Người được khen", "honoree")):
        pointer = getattr(model, "goods_entry_id", None)
        if pointer is None:
            continue
        # the pointer names a live "out" entry of this source that names the record back
        rows = listed(select(model.id, model.unit_id, pointer, G.id)
                      .outerjoin(G, G.id == pointer).outerjoin(r, r.reversal_of_id == G.id)
                      .where(pointer.is_not(None))
                      .where(or_(G.id.is_(None), G.source != source, G.source_id != model.id, G.direction != "out",
                                 G.reversal_of_id.is_not(None), r.id.is_not(None),
                                 *([model.paid_on.is_(None)] if model is Nomination else [])))
                      .order_by(model.id))
        out += [Finding("goods", f"{label} #{oid} ghi đã trao hiện vật bằng phiếu #{p} nhưng phiếu đó "
                                 f"{'không tồn tại' if found is None else 'đã hủy, không phải phiếu xuất của nó, hoặc suất chưa chi trả'}.",
                        unit_id, f"{table}:{oid}") for oid, unit_id, p, found in rows]
        # every live goods entry of this source is pointed at by the record it names
        rows = listed(select(G.id, G.unit_id, G.number).outerjoin(r, r.reversal_of_id == G.id)
                      .where(G.source == source, G.reversal_of_id.is_(None), r.id.is_(None),
                             ~exists().where(model.id == G.source_id, pointer == G.id))
                      .order_by(G.id))
        out += [Finding("goods", f"Phiếu xuất hiện vật {number} còn hiệu lực nhưng {label.lower()} mà nó ghi "
                                 "không ghi đã nhận phiếu đó (hàng đã ra khỏi kho mà chứng từ ghi chưa trao).",
                        unit_id, f"goods_entry:{eid}") for eid, unit_id, number in rows]
        out += orphans(source, model, label.lower(), book=G)
    if getattr(Nomination, "goods_entry_id", None) is not None and hasattr(AwardCategory, "goods_quantity"):
        rows = listed(select(Nomination.id, Nomination.unit_id)
                      .join(AwardCategory, AwardCategory.id == Nomination.category_id)
                      .where(Nomination.paid_on.is_not(None), AwardCategory.goods_quantity.is_not(None),
                             Nomination.goods_entry_id.is_(None)).order_by(Nomination.id))
        out += [Finding("goods", f"Suất học bổng #{nid} đã chi trả, loại học bổng có hiện vật, nhưng không có phiếu "
                                 "xuất hiện vật.", unit_id, f"nomination:{nid}") for nid, unit_id in rows]
    return capped(out, "goods", "suất")


CHECKS = [
    ("Tồn kho hiện vật bằng nhập trừ xuất, không âm", goods_stock),
    ("Tồn kho không bị âm sau bất kỳ phiếu nào", goods_never_negative),
    ("Phiếu hủy hiện vật khớp phiếu bị hủy", goods_reversals),
    ("Mọi phiếu hiện vật có nguồn phần mềm biết", goods_sources),
    ("Khoản đóng góp hiện vật và phiếu nhập", donations_in_kind),
    ("Học bổng, phần thưởng bằng hiện vật và phiếu xuất", award_goods),
]
