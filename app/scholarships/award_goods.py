"""Awards in goods ("300.000 đ và 10 quyển vở"): their text, goods totals, the stock check, the hand-out.

Shared by scholarship awards (app.scholarships.payout) and commendation prizes
(app.commendations.issuing). The goods register itself (entries, stock, numbering) is app.goods:
handing an award's goods out is one give_out() there, reversing it one reverse().
An award's goods are three fields: item ("vở"), unit ("quyển") and quantity per award (Decimal).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.extensions import db
from app.goods import services as goods
from app.goods.models import GoodsEntry
from app.goods.models import format_quantity as fmt
from app.vn.money import format_vnd
from app.vn.text import clean, fold

MAX_QUANTITY = Decimal("1000000")  # per award or prize: more is a typing slip
_QUANTITY = re.compile(r"^\d+(?:[.,]\d+)*$")


def format_quantity(value) -> str:
    """"1.830", "2,5" (the goods register's own formatting)."""
    return fmt(value)


def parse_quantity(raw) -> Decimal | None:
    """A quantity as typed: "10", "1.830" (thousands), "2,5" (decimal comma), "2.5"; blank gives None.

    ValueError (Vietnamese message) when it is not a positive number with at most 2 decimals.
    """
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        value = Decimal(raw)
    else:
        text = re.sub(r"\s+", "", clean(str(raw or "")) or "")
        if not text:
            return None
        if not _QUANTITY.match(text):
            raise ValueError("Số lượng phải là số, ví dụ 10 hoặc 2,5.")
        if "," in text:
            whole, _, frac = text.rpartition(",")
            text = whole.replace(".", "") + "." + frac
        elif "." in text and len(text.rpartition(".")[2]) != 3:
            whole, _, frac = text.rpartition(".")  # "2.5": a decimal point typed on a phone keypad
            text = whole.replace(".", "") + "." + frac
        else:
            text = text.replace(".", "")
        if text.count(".") > 1:
            raise ValueError("Số lượng phải là số, ví dụ 10 hoặc 2,5.")
        try:
            value = Decimal(text)
        except InvalidOperation as err:
            raise ValueError("Số lượng phải là số, ví dụ 10 hoặc 2,5.") from err
    if value <= 0:
        raise ValueError("Số lượng phải lớn hơn 0.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Số lượng lấy tối đa 2 chữ số thập phân.")
    if value > MAX_QUANTITY:
        raise ValueError(f"Số lượng mỗi suất tối đa {format_quantity(MAX_QUANTITY)}.")
    return value.quantize(Decimal("0.01"))


def goods_text(quantity, unit: str, item: str) -> str:
    """"10 quyển vở"; "" without a quantity."""
    if quantity is None:
        return ""
    return " ".join(x for x in (format_quantity(quantity), unit, item) if x)


def award_text(amount: int, goods: str) -> str:
    """"300.000 đ và 10 quyển vở", "10 quyển vở" or "300.000 đ"."""
    if amount and goods:
        return f"{format_vnd(amount)} và {goods}"
    return goods or format_vnd(amount or 0)


def check_goods(item, unit, quantity, error, prefix: str = "goods") -> tuple[str, str, Decimal | None]:
    """(item, unit, quantity) cleaned; all three blank is no goods. `error(message, field)` is raised
    (RoundError, CommendationError) with fields prefix_item, prefix_unit, prefix_quantity."""
    # The register keeps the unit of measure in lower case ("Quyển" = "quyển"): so do the awards.
    item, unit = clean(item or "") or "", (clean(unit or "") or "").lower()
    try:
        quantity = parse_quantity(quantity)
    except ValueError as err:
        raise error(str(err), f"{prefix}_quantity") from err
    if not (item or unit or quantity):
        return "", "", None
    if not item:
        raise error("Vui lòng nhập tên hiện vật (ví dụ: vở).", f"{prefix}_item")
    if len(item) > 200:
        raise error("Tên hiện vật dài quá 200 ký tự.", f"{prefix}_item")
    if not unit:
        raise error("Vui lòng nhập đơn vị tính (ví dụ: quyển, chiếc, bộ).", f"{prefix}_unit")
    if len(unit) > 30:
        raise error("Đơn vị tính dài quá 30 ký tự.", f"{prefix}_unit")
    if quantity is None:
        raise error("Vui lòng nhập số lượng mỗi suất.", f"{prefix}_quantity")
    if len(goods_text(quantity, unit, item)) > 200:
        raise error("Tên hiện vật dài quá.", f"{prefix}_item")
    return item, unit, quantity


@dataclass
class _Line:
    item: str
    unit: str
    quantity: Decimal


class GoodsTally:
    """Goods added up per item and unit ("1.830 quyển vở; 5 chiếc xe đạp"), keyed like the stock."""

    def __init__(self):
        self.lines: dict[tuple[str, str], _Line] = {}

    def add(self, item: str, unit: str, quantity, times: int = 1) -> "GoodsTally":
        if quantity is None or not times:
            return self
        key = (fold(item), (unit or "").lower())
        line = self.lines.setdefault(key, _Line(item, unit, Decimal(0)))
        line.quantity += Decimal(quantity) * times
        return self

    def __bool__(self) -> bool:
        return any(line.quantity for line in self.lines.values())

    def text(self, sep: str = "; ") -> str:
        return sep.join(goods_text(line.quantity, line.unit, line.item)
                        for line in sorted(self.lines.values(), key=lambda ln: (fold(ln.item), ln.unit))
                        if line.quantity)


def totals_text(amount: int, goods: GoodsTally, count: int | None = None, what: str = "suất") -> str:
    """"183 suất: 54.900.000 đ và 1.830 quyển vở" (or without the count)."""
    parts = format_vnd(amount) if amount or not goods else ""
    if goods:
        parts = f"{parts} và {goods.text(', ')}" if parts else goods.text(", ")
    return f"{count} {what}: {parts}" if count is not None else parts


def needs(stock_unit, tally: GoodsTally) -> list[dict]:
    """Per item of `tally`: needed, on hand in `stock_unit`'s stock and the shortfall (0 if none)."""
    out = []
    for (key, unit), line in sorted(tally.lines.items()):
        if not line.quantity:
            continue
        have = Decimal(goods.on_hand(stock_unit, key, unit) or 0)
        short = max(line.quantity - have, Decimal(0))
        out.append({"item": line.item, "unit": unit, "needed": line.quantity, "on_hand": have, "short": short,
                    "short_text": goods_text(short, unit, line.item),
                    "text": (f"Cần {goods_text(line.quantity, unit, line.item)}, "
                             f"trong kho còn {format_quantity(have)} {unit}")})
    return out


def stock_items(stock_unit) -> list[dict]:
    """Items the unit holds now (for the goods fields' suggestions): item, unit, on_hand_text."""
    return [{"item": r["item"], "unit": r["item_unit"],
             "on_hand_text": f"{r['item']}: còn {format_quantity(r['on_hand'])} {r['item_unit']}"}
            for r in goods.stock(stock_unit, unit_id=stock_unit.id, only_on_hand=True)]


def check_stock(stock_unit, tally: GoodsTally, error, field: str | None) -> None:
    """One message for every item the stock cannot cover; nothing is written."""
    short = [n for n in needs(stock_unit, tally) if n["short"]]
    if short:
        raise error(f"Không đủ hiện vật trong kho của {stock_unit.name}: "
                    + "; ".join(n["text"] for n in short) + ". Hãy nhập thêm hiện vật hoặc bớt số suất.", field)


def hand_out(stock_unit, *, item: str, unit: str, quantity, entry_date, recipient: str, purpose: str,
             basis: str, source: str, source_id: int, error, field: str | None):
    """give_out() of the goods register; its GoodsError becomes `error(message, field)`."""
    try:
        return goods.give_out(stock_unit, item=item, item_unit=unit, quantity=Decimal(quantity),
                              entry_date=entry_date, recipient=recipient[:200], purpose=purpose[:500],
                              basis=(basis or "")[:100], source=source, source_id=source_id)
    except goods.GoodsError as err:
        raise error(str(err), field) from err


def take_back(entry_id: int | None, reason: str, error, field: str | None, entry_date=None) -> None:
    """Reverse the goods entry `entry_id` (an award's hand-out) through the goods register."""
    if not entry_id:
        return

    entry = db.session.get(GoodsEntry, entry_id)
    if entry is None or entry.reversal is not None:
        return
    try:
        goods.reverse(entry, reason, entry_date=entry_date)
    except goods.GoodsError as err:
        raise error(str(err), field) from err
