"""The goods rules: receive gifts in kind, hand goods out, void, and count the stock.

Contract for every caller (goods pages, donations, scholarships, commendations):
- Services never commit; the caller commits (or rolls back on GoodsError).
- Quantities are Decimal, > 0, below 1e9, at most 2 decimals; values are whole đồng >= 0.
- Posted entries are never changed; `reverse()` voids by posting the opposite entry.
- Every receipt gets a biên bản giao nhận number (GN-YYYY-NNNN), every hand-out a phiếu xuất
  number (XK-YYYY-NNNN), per unit and year of the entry date, from app.funds.numbering in the
  same transaction; reversals get NO number (the voided paper keeps its number, prints ĐÃ HỦY).
- Every entry is inserted through `_post()` (one place for checks that apply to every posting,
  such as closed periods).
- Anything that lowers a stock locks the holding unit's row first (SELECT ... FOR NO KEY UPDATE
  on PostgreSQL, which does not block inserts referencing the unit; SQLite serialises writers
  with BEGIN IMMEDIATE), then checks that the stock stays >= 0.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import case, func, select

from app.audit.services import record
from app.core import books
from app.core.actor import actor_id
from app.core.clock import today
from app.core.refusal import Refusal
from app.extensions import db
from app.funds import numbering
from app.periods import services as periods
from app.units.models import Unit
from app.vn.text import clean, fold

from .models import IN, ISSUE, OUT, RECEIPT, GoodsEntry, format_quantity

RECEIVE_SOURCES = {"donation"}
GIVE_OUT_SOURCES = {"issue", "scholarship", "prize"}
MAX_QUANTITY = Decimal("1000000000")  # exclusive
_CENT = Decimal("0.01")


class GoodsError(Refusal):
    """A refused goods posting, with a Vietnamese message and the form field it concerns."""



# ---- checks -------------------------------------------------------------------------------------

def quantity_of(value, field: str = "quantity") -> Decimal:
    """A valid quantity as Decimal with 2 places, or GoodsError."""
    if isinstance(value, bool) or isinstance(value, float):
        raise GoodsError("Số lượng không hợp lệ.", field)
    try:
        q = Decimal(str(value).strip().replace(",", ".")) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise GoodsError("Số lượng không hợp lệ.", field) from None
    if not q.is_finite():
        raise GoodsError("Số lượng không hợp lệ.", field)
    if q <= 0:
        raise GoodsError("Số lượng phải lớn hơn 0.", field)
    if q >= MAX_QUANTITY:
        raise GoodsError("Số lượng quá lớn (dưới 1 tỷ).", field)
    if q != q.quantize(_CENT):
        raise GoodsError("Số lượng có tối đa 2 chữ số thập phân.", field)
    return q.quantize(_CENT)


def _value(value, field: str = "value") -> int:
    """Whole đồng, 0 allowed (a gift of work days may be left unvalued), at most the books' bound."""
    return books.check_amount(value, field, allow_zero=True, label="Giá trị quy ra tiền", error=GoodsError)


def _text(value, limit: int, field: str, label: str, required: bool = False) -> str:
    value = clean(value or "")
    if required and not value:
        raise GoodsError(f"Vui lòng nhập {label}.", field)
    if len(value) > limit:
        raise GoodsError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return value


def _date(entry_date, field: str = "entry_date") -> date:
    """A date inside the books' window (app.core.books), else GoodsError beside `field`."""
    return books.check_entry_date(entry_date, field, error=GoodsError)


def _item(item, item_unit) -> tuple[str, str, str]:
    """(item, item_key, item_unit); the unit of measure is kept in lower case so "Quyển" = "quyển"."""
    item = _text(item, 200, "item", "tên hiện vật", required=True)
    item_unit = _text(item_unit, 30, "item_unit", "đơn vị tính", required=True).lower()
    return item, fold(item), item_unit


def _lock(unit_id: int) -> None:
    """Serialise stock-lowering writes of one unit (PostgreSQL; a no-op clause on SQLite)."""
    db.session.execute(select(Unit.id).where(Unit.id == unit_id).with_for_update(key_share=True))


# ---- stock --------------------------------------------------------------------------------------

_SIGNED_QTY = case((GoodsEntry.direction == IN, GoodsEntry.quantity), else_=-GoodsEntry.quantity)
_SIGNED_VALUE = case((GoodsEntry.direction == IN, GoodsEntry.value), else_=-GoodsEntry.value)


def _key_filter(unit_id: int, item_key: str, item_unit: str):
    return (GoodsEntry.unit_id == unit_id, GoodsEntry.item_key == item_key, GoodsEntry.item_unit == item_unit)


def on_hand(unit, item_key: str, item_unit: str) -> Decimal:
    """Quantity of the item the unit holds now: SUM(in) - SUM(out), reversals included."""
    unit_id = unit.id if isinstance(unit, Unit) else unit
    return Decimal(db.session.scalar(select(func.coalesce(func.sum(_SIGNED_QTY), 0))
                                     .where(*_key_filter(unit_id, item_key, item_unit))) or 0).quantize(_CENT)


def value_on_hand(unit, item_key: str, item_unit: str) -> int:
    unit_id = unit.id if isinstance(unit, Unit) else unit
    return int(db.session.scalar(select(func.coalesce(func.sum(_SIGNED_VALUE), 0))
                                 .where(*_key_filter(unit_id, item_key, item_unit))) or 0)


def _sum_if(condition, column):
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def stock(root_unit: Unit, *, unit_id: int | None = None, item_key: str | None = None,
          only_on_hand: bool = False) -> list[dict]:
    """One row per unit and item in root_unit's subtree, by unit then item.

    received / given_out are net of voids: a voided receipt (its reversal is an "out" of source
    "reversal") lowers `received`, a voided hand-out lowers `given_out`; on_hand = received - given_out.
    """
    is_rev = GoodsEntry.source == "reversal"
    rows = db.session.execute(
        select(GoodsEntry.unit_id, Unit.name, GoodsEntry.item_key, GoodsEntry.item_unit,
               func.min(GoodsEntry.item), func.min(GoodsEntry.id),
               _sum_if((GoodsEntry.direction == IN) & ~is_rev, GoodsEntry.quantity)
               - _sum_if((GoodsEntry.direction == OUT) & is_rev, GoodsEntry.quantity),
               _sum_if((GoodsEntry.direction == OUT) & ~is_rev, GoodsEntry.quantity)
               - _sum_if((GoodsEntry.direction == IN) & is_rev, GoodsEntry.quantity),
               _sum_if((GoodsEntry.direction == IN) & ~is_rev, GoodsEntry.value)
               - _sum_if((GoodsEntry.direction == OUT) & is_rev, GoodsEntry.value),
               _sum_if((GoodsEntry.direction == OUT) & ~is_rev, GoodsEntry.value)
               - _sum_if((GoodsEntry.direction == IN) & is_rev, GoodsEntry.value))
        .join(Unit, Unit.id == GoodsEntry.unit_id)
        .where(Unit.path.startswith(root_unit.path),
               *([GoodsEntry.unit_id == unit_id] if unit_id else []),
               *([GoodsEntry.item_key == item_key] if item_key else []))
        .group_by(GoodsEntry.unit_id, Unit.name, Unit.path, GoodsEntry.item_key, GoodsEntry.item_unit)
        .order_by(Unit.path, GoodsEntry.item_key, GoodsEntry.item_unit)).all()
    out = []
    for uid, unit_name, key, item_unit, item, first_id, received, given, value_in, value_out in rows:
        received, given = Decimal(received).quantize(_CENT), Decimal(given).quantize(_CENT)
        # first_id names the (unit, item, unit of measure) key in forms: the id of its first entry.
        row = {"unit_id": uid, "unit_name": unit_name, "item_key": key, "item_unit": item_unit, "item": item,
               "first_id": first_id,
               "received": received, "given_out": given, "on_hand": received - given,
               "value_received": int(value_in), "value_given_out": int(value_out),
               "value_on_hand": int(value_in) - int(value_out)}
        if not only_on_hand or row["on_hand"] > 0:
            out.append(row)
    return out


# ---- posting ------------------------------------------------------------------------------------

def _post(unit: Unit, direction: str, kind: str | None, *, entry_date: date, **fields) -> GoodsEntry:
    """Insert one goods entry (every posting and reversal passes here), numbered when `kind` is given."""
    periods.ensure_open(unit, entry_date, "entry_date", error=GoodsError)
    if fields.get("reversal_of_id"):
        original = db.session.get(GoodsEntry, fields["reversal_of_id"])
        periods.ensure_open(unit, original.entry_date, "reason", hint=periods.OWNER_HINT, error=GoodsError)
    number = numbering.next_number(unit.id, kind, entry_date.year) if kind else None
    entry = GoodsEntry(unit_id=unit.id, direction=direction, number=number, entry_date=entry_date,
                       created_by_id=actor_id(), **fields)
    db.session.add(entry)
    db.session.flush()
    record("void" if entry.reversal_of_id else "post", entry, after=entry.audit_dict())
    return entry


def receive(unit: Unit, *, item: str, item_unit: str, quantity, value: int, entry_date: date, giver: str,
            giver_address: str = "", campaign=None, source: str = "donation", source_id: int | None = None,
            description: str = "") -> GoodsEntry:
    """Goods into the unit's stock; gets the next biên bản giao nhận number (GN-YYYY-NNNN)."""
    if source not in RECEIVE_SOURCES:
        raise GoodsError("Nguồn nhập hiện vật không hợp lệ.", "source")
    item, item_key, item_unit = _item(item, item_unit)
    quantity, value, entry_date = quantity_of(quantity), _value(value), _date(entry_date)
    giver = _text(giver, 200, "giver", "bên giao", required=True)
    if not unit.active:
        raise GoodsError("Đơn vị này đã ngừng hoạt động.", "unit_id")
    return _post(unit, IN, RECEIPT, entry_date=entry_date, item=item, item_key=item_key, item_unit=item_unit,
                 quantity=quantity, value=value, source=source, source_id=source_id,
                 campaign_id=campaign.id if campaign is not None else None, counterparty=giver,
                 counterparty_address=_text(giver_address, 300, "giver_address", "địa chỉ"),
                 description=_text(description, 500, "description", "nội dung"))


def _short(unit_id: int, item_key: str, item_unit: str, needed: Decimal, item: str, what: str) -> None:
    available = on_hand(unit_id, item_key, item_unit)
    if available - needed < 0:
        raise GoodsError(f"Không đủ hiện vật để {what}: “{item}” hiện còn {format_quantity(available)} "
                         f"{item_unit}, cần {format_quantity(needed)} {item_unit}.", "quantity")


def give_out(unit: Unit, *, item: str, item_unit: str, quantity, entry_date: date, recipient: str, purpose: str,
             basis: str = "", source: str = "issue", source_id: int | None = None) -> GoodsEntry:
    """Goods out of the unit's stock; gets the next phiếu xuất number (XK-YYYY-NNNN).

    GoodsError(..., "quantity") when less is on hand. The entry's value is the quantity times
    the average value per unit on hand (rounded to the đồng; everything on hand takes all its value).
    """
    if source not in GIVE_OUT_SOURCES:
        raise GoodsError("Nguồn xuất hiện vật không hợp lệ.", "source")
    item, item_key, item_unit = _item(item, item_unit)
    quantity, entry_date = quantity_of(quantity), _date(entry_date)
    recipient = _text(recipient, 200, "recipient", "người nhận", required=True)
    purpose = _text(purpose, 500, "purpose", "nội dung xuất", required=True)
    basis = _text(basis, 100, "basis", "căn cứ")
    _lock(unit.id)
    _short(unit.id, item_key, item_unit, quantity, item, "xuất")
    held, held_value = on_hand(unit.id, item_key, item_unit), value_on_hand(unit.id, item_key, item_unit)
    value = held_value if quantity == held else int((Decimal(held_value) * quantity / held)
                                                     .quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return _post(unit, OUT, ISSUE, entry_date=entry_date, item=item, item_key=item_key, item_unit=item_unit,
                 quantity=quantity, value=max(0, min(value, max(held_value, 0))), source=source,
                 source_id=source_id, counterparty=recipient, description=purpose, basis=basis)


# ---- voiding ------------------------------------------------------------------------------------

def reversal_of(entry: GoodsEntry) -> GoodsEntry | None:
    """The entry that voids `entry` (None while it stands)."""
    return db.session.scalar(select(GoodsEntry).where(GoodsEntry.reversal_of_id == entry.id))


def is_reversed(entry: GoodsEntry) -> bool:
    return reversal_of(entry) is not None


def reverse(entry: GoodsEntry, reason: str, *, entry_date: date | None = None) -> GoodsEntry:
    """Void an entry by posting its opposite (no number), linked through reversal_of_id.

    GoodsError when the entry is itself a reversal, is already voided, or when voiding a
    receipt would take the stock (or its value) below zero because some was handed out.
    Owners (donations, awards) call this from their own void in the same transaction.
    """
    reason = _text(reason, 500, "reason", "lý do hủy", required=True)
    entry_date = _date(entry_date or today())
    if entry.reversal_of_id is not None or entry.source == "reversal":
        raise GoodsError("Đây là phiếu hủy, không thể hủy tiếp.", "reason")
    _lock(entry.unit_id)
    if is_reversed(entry):
        raise GoodsError("Phiếu hiện vật này đã được hủy trước đó.", "reason")
    if entry.direction == IN:
        available = on_hand(entry.unit_id, entry.item_key, entry.item_unit)
        if available - entry.quantity < 0 or \
                value_on_hand(entry.unit_id, entry.item_key, entry.item_unit) - entry.value < 0:
            raise GoodsError(f"Không thể hủy: “{entry.item}” chỉ còn {format_quantity(available)} "
                             f"{entry.item_unit} trong kho (một phần đã được xuất), hủy phiếu nhập "
                             f"{format_quantity(entry.quantity)} {entry.item_unit} sẽ làm tồn kho bị âm.",
                             "reason")
    return _post(entry.unit, OUT if entry.direction == IN else IN, None, entry_date=entry_date,
                 item=entry.item, item_key=entry.item_key, item_unit=entry.item_unit, quantity=entry.quantity,
                 value=entry.value, source="reversal", source_id=entry.id, reversal_of_id=entry.id,
                 campaign_id=entry.campaign_id, counterparty=entry.counterparty,
                 counterparty_address=entry.counterparty_address, description=reason,
                 basis=entry.number or "")
