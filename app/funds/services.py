"""The fund rules: post income and payments, move money between funds, void entries.

Contract for every caller (views, donations, piggy banks, scholarships):
- Services never commit; the caller commits (or rolls back on FundError).
- Amounts are whole đồng, int > 0, at most MAX_AMOUNT (app.core.books); checked here, not only in forms.
  Entry dates lie in the books' window (app.core.books.check_entry_date), reversals' too.
- Posted entries are never changed. `reverse()` voids by posting the opposite entry.
- Every income gets a phiếu thu number (PT-YYYY-NNNN), every payment a phiếu chi number
  (PC-YYYY-NNNN), per unit and year of the entry date, allocated in the same transaction.
  Transfers post a PC in the source unit and a PT in the target unit.
  Reversals get NO number: the voided document keeps its number and prints "ĐÃ HỦY",
  so each series stays gap-free and a number always names one paper document.
- Anything that lowers a balance locks the fund row first (SELECT ... FOR UPDATE on
  PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE) and then checks that the
  balance stays >= 0.
"""
import uuid
from datetime import date

from sqlalchemy import case, exists, func, insert, select
from sqlalchemy.orm import aliased

from app.audit.services import record, record_many
from app.core import books
from app.core.actor import actor_id
from app.core.clock import today, utcnow
from app.extensions import db
from app.periods.services import VOID_HINT, closing_period, ensure_open, ensure_open_many
from app.units.models import Unit
from app.vn.money import format_vnd
from app.vn.text import clean, fold

from . import numbering
from .errors import FundError  # noqa: F401  (callers read funds.services.FundError)
from .models import IN, METHOD_LABELS, OUT, RECEIPT, SOURCE_LABELS, VOUCHER, Fund, LedgerEntry

DEFAULT_FUND_NAME = "Quỹ khuyến học"


def _amount(amount) -> int:
    return books.check_amount(amount, "amount", error=FundError)  # whole đồng, 1 .. MAX_AMOUNT


def _text(value, limit: int, field: str, label: str, required: bool = False) -> str:
    value = clean(value or "")
    if required and not value:
        raise FundError(f"Vui lòng nhập {label}.", field)
    if len(value) > limit:
        raise FundError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return value


def _date(entry_date) -> date:
    return books.check_entry_date(entry_date, "entry_date", error=FundError)  # within the books' window


def _check_common(fund: Fund, source: str, method: str) -> None:
    if not fund.active:
        raise FundError(f"Quỹ “{fund.name}” đã ngừng hoạt động.", "fund_id")
    if source not in SOURCE_LABELS:
        raise FundError("Nguồn bút toán không hợp lệ.", "source")
    if method not in METHOD_LABELS:
        raise FundError("Hình thức thu chi không hợp lệ.", "method")


def _lock(*funds: Fund) -> None:
    """Lock fund rows in id order (no deadlock between two opposite transfers)."""
    ids = sorted({f.id for f in funds})
    db.session.execute(select(Fund.id).where(Fund.id.in_(ids)).order_by(Fund.id).with_for_update())


# ---- funds -------------------------------------------------------------------------------------

def create_fund(unit: Unit, name: str, description: str = "", *, is_default: bool = False) -> Fund:
    """A new fund of `unit`; names are unique within a unit (compared without diacritics)."""
    name = _text(name, 200, "name", "tên quỹ", required=True)
    description = _text(description, 500, "description", "mô tả")
    if not unit.active:
        raise FundError("Đơn vị này đã ngừng hoạt động.", "unit_id")
    taken = db.session.scalar(select(func.count()).select_from(Fund)
                              .where(Fund.unit_id == unit.id, Fund.search_key == fold(name)))
    if taken:
        raise FundError("Đơn vị đã có quỹ cùng tên.", "name")
    fund = Fund(unit=unit, name=name, search_key=fold(name), description=description, is_default=is_default)
    db.session.add(fund)
    db.session.flush()
    record("create", fund, after=fund.audit_dict())
    return fund


def default_fund(unit: Unit) -> Fund:
    """The unit's "Quỹ khuyến học", created on first use."""
    fund = db.session.scalar(select(Fund).where(Fund.unit_id == unit.id, Fund.is_default.is_(True)))
    return fund or create_fund(unit, DEFAULT_FUND_NAME, is_default=True)


def funds_in_scope(root: Unit, active_only: bool = False):
    """A select of the funds of `root` and every unit below it, by unit then name."""
    stmt = select(Fund).join(Fund.unit).where(Unit.path.startswith(root.path))
    if active_only:
        stmt = stmt.where(Fund.active.is_(True))
    return stmt.order_by(Unit.path, Fund.is_default.desc(), Fund.search_key)


# ---- balances ----------------------------------------------------------------------------------

_SIGNED = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)


def balance(fund: Fund) -> int:
    """SUM of the fund's entries, incomes positive, payments negative."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(_SIGNED), 0)).where(LedgerEntry.fund_id == fund.id)))


def balances(funds) -> dict[int, int]:
    """{fund_id: balance} for many funds in one aggregate query (list pages)."""
    ids = [f.id if isinstance(f, Fund) else f for f in funds]
    if not ids:
        return {}
    rows = db.session.execute(select(LedgerEntry.fund_id, func.sum(_SIGNED))
                              .where(LedgerEntry.fund_id.in_(ids)).group_by(LedgerEntry.fund_id))
    found = {fid: int(total) for fid, total in rows}
    return {i: found.get(i, 0) for i in ids}


# ---- posting -----------------------------------------------------------------------------------

def _post(fund: Fund, amount: int, direction: str, kind: str | None, *, entry_date: date,
          **fields) -> LedgerEntry:
    ensure_open(fund.unit, entry_date, "entry_date")
    number = numbering.next_number(fund.unit_id, kind, entry_date.year) if kind else None
    entry = LedgerEntry(fund=fund, unit_id=fund.unit_id, amount=amount, direction=direction, number=number,
                        entry_date=entry_date, created_by_id=actor_id(), **fields)
    db.session.add(entry)
    db.session.flush()
    action = "void" if entry.reversal_of_id else "correct" if entry.corrects_id else "post"
    record(action, entry, after=entry.audit_dict())
    return entry


def post_income(fund: Fund, amount: int, *, entry_date: date, source: str, source_id: int | None = None,
                counterparty: str = "", counterparty_address: str = "", description: str = "",
                method: str = "cash", basis: str = "") -> LedgerEntry:
    """Money into the fund; gets the next phiếu thu number (PT-YYYY-NNNN)."""
    amount, entry_date = _amount(amount), _date(entry_date)
    _check_common(fund, source, method)
    if source == "reversal":
        raise FundError("Bút toán hủy chỉ được tạo bằng chức năng hủy.", "source")
    return _post(fund, amount, IN, RECEIPT, entry_date=entry_date, source=source, source_id=source_id,
                 counterparty=_text(counterparty, 200, "counterparty", "người nộp"),
                 counterparty_address=_text(counterparty_address, 300, "counterparty_address", "địa chỉ"),
                 description=_text(description, 500, "description", "nội dung"),
                 method=method, basis=_text(basis, 100, "basis", "căn cứ"))


def post_incomes_bulk(fund: Fund, items: list[dict]) -> list[int]:
    """Many incomes into one fund at once (imports, seeding): the same checks as post_income,
    numbers allocated in blocks per year in entry-date order, one INSERT for all.

    items: dicts with the keyword arguments of post_income (amount, entry_date, source, ...).
    Returns the new entry ids in the order of `items`. All or nothing: the first bad item
    raises FundError and the caller rolls back.
    """
    rows = []
    for item in items:
        amount, entry_date = _amount(item["amount"]), _date(item["entry_date"])
        source, method = item["source"], item.get("method", "cash")
        _check_common(fund, source, method)
        if source == "reversal":
            raise FundError("Bút toán hủy chỉ được tạo bằng chức năng hủy.", "source")
        rows.append({
            "fund_id": fund.id, "unit_id": fund.unit_id, "amount": amount, "direction": IN,
            "entry_date": entry_date, "source": source, "source_id": item.get("source_id"), "method": method,
            "counterparty": _text(item.get("counterparty"), 200, "counterparty", "người nộp"),
            "counterparty_address": _text(item.get("counterparty_address"), 300, "counterparty_address", "địa chỉ"),
            "description": _text(item.get("description"), 500, "description", "nội dung"),
            "basis": _text(item.get("basis"), 100, "basis", "căn cứ"),
            "created_by_id": actor_id(), "created_at": utcnow(),
        })
    if not rows:
        return []

    ensure_open_many(fund.unit, [r["entry_date"] for r in rows], "entry_date")
    by_year: dict[int, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["entry_date"]):
        by_year.setdefault(row["entry_date"].year, []).append(row)
    for year, year_rows in by_year.items():
        for row, number in zip(year_rows, numbering.next_numbers(fund.unit_id, RECEIPT, year, len(year_rows))):
            row["number"] = number
    ids = list(db.session.scalars(insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True),
                                  rows))

    record_many("post", "ledger_entry", [
        (eid, fund.unit_id, {"fund_id": fund.id, "number": r["number"], "date": r["entry_date"].isoformat(),
                             "amount": r["amount"], "direction": IN, "source": r["source"],
                             "source_id": r["source_id"], "counterparty": r["counterparty"]})
        for eid, r in zip(ids, rows)])
    return ids


def _check_covers(fund: Fund, amount: int, what: str) -> None:
    available = balance(fund)
    if available - amount < 0:
        raise FundError(f"Số dư quỹ “{fund.name}” không đủ để {what}: hiện có {format_vnd(available)}, "
                        f"cần {format_vnd(amount)}.", "amount")


def post_payment(fund: Fund, amount: int, *, entry_date: date, recipient: str, purpose: str, basis: str = "",
                 source: str = "payment", source_id: int | None = None, method: str = "cash") -> LedgerEntry:
    """Money out of the fund; gets the next phiếu chi number. FundError if the balance would go below 0."""
    amount, entry_date = _amount(amount), _date(entry_date)
    _check_common(fund, source, method)
    if source in ("reversal", "transfer"):
        raise FundError("Nguồn bút toán không hợp lệ.", "source")
    recipient = _text(recipient, 200, "recipient", "người nhận tiền", required=True)
    purpose = _text(purpose, 500, "purpose", "nội dung chi", required=True)
    basis = _text(basis, 100, "basis", "căn cứ")
    _lock(fund)
    _check_covers(fund, amount, "chi")
    return _post(fund, amount, OUT, VOUCHER, entry_date=entry_date, source=source, source_id=source_id,
                 counterparty=recipient, description=purpose, basis=basis, method=method)


def transfer(from_fund: Fund, to_fund: Fund, amount: int, *, entry_date: date,
             reason: str) -> tuple[LedgerEntry, LedgerEntry]:
    """Move money between funds: a PC out of `from_fund`, a PT into `to_fund`, one transfer id.

    Scope (both funds within the user's unit and below) is checked by the view.
    """
    amount, entry_date = _amount(amount), _date(entry_date)
    if from_fund.id == to_fund.id:
        raise FundError("Quỹ nhận phải khác quỹ chuyển.", "to_fund_id")
    _check_common(from_fund, "transfer", "transfer")
    if not to_fund.active:
        raise FundError(f"Quỹ “{to_fund.name}” đã ngừng hoạt động.", "to_fund_id")
    reason = _text(reason, 500, "reason", "lý do chuyển", required=True)
    _lock(from_fund, to_fund)
    _check_covers(from_fund, amount, "chuyển")
    tid = uuid.uuid4().hex
    out = _post(from_fund, amount, OUT, VOUCHER, entry_date=entry_date, source="transfer", transfer_id=tid,
                method="transfer", counterparty=f"{to_fund.name} - {to_fund.unit.name}"[:200], description=reason)
    into = _post(to_fund, amount, IN, RECEIPT, entry_date=entry_date, source="transfer", transfer_id=tid,
                 method="transfer", counterparty=f"{from_fund.name} - {from_fund.unit.name}"[:200],
                 description=reason)
    return out, into


# ---- voiding -----------------------------------------------------------------------------------

def reversal_of(entry: LedgerEntry) -> LedgerEntry | None:
    """The entry that voids `entry` (None while it stands)."""
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.reversal_of_id == entry.id))


def is_reversed(entry: LedgerEntry) -> bool:
    return reversal_of(entry) is not None


def transfer_legs(entry: LedgerEntry) -> list[LedgerEntry]:
    """Both entries of a transfer (out first), or [entry] for anything else."""
    if not entry.transfer_id:
        return [entry]
    legs = db.session.scalars(select(LedgerEntry).where(LedgerEntry.transfer_id == entry.transfer_id,
                                                        LedgerEntry.reversal_of_id.is_(None))).all()
    return sorted(legs, key=lambda e: (e.direction != OUT, e.id))


def reverse(entry: LedgerEntry, reason: str, *, entry_date: date | None = None) -> LedgerEntry | list:
    """Void an entry by posting its opposite (no number), linked through reversal_of_id.

    Returns the reversal entry, or [out reversal, in reversal] for a transfer (both legs are
    voided together). FundError when the entry is itself a reversal, is already voided, or
    when voiding an income would leave its fund below zero.
    """
    reason = _text(reason, 500, "reason", "lý do hủy", required=True)
    entry_date = _date(entry_date or today())
    if entry.reversal_of_id is not None or entry.source == "reversal":
        raise FundError("Đây là bút toán hủy, không thể hủy tiếp.", "reason")
    legs = transfer_legs(entry)
    _lock(*(leg.fund for leg in legs))
    if any(is_reversed(leg) for leg in legs):
        raise FundError("Bút toán này đã được hủy trước đó.", "reason")

    for leg in legs:  # a record of a closed period is not voided: it is corrected (correct())
        ensure_open(leg.unit, leg.entry_date, "reason", hint=VOID_HINT)
        if correction_of(leg) is not None:
            raise FundError("Bút toán này đã được điều chỉnh; muốn hủy, hãy hủy bút toán điều chỉnh trước.",
                            "reason")
    for leg in legs:
        if leg.direction == IN and balance(leg.fund) - leg.amount < 0:
            raise FundError(f"Không thể hủy: quỹ “{leg.fund.name}” chỉ còn {format_vnd(balance(leg.fund))}, "
                            f"hủy khoản thu {format_vnd(leg.amount)} sẽ làm quỹ bị âm.", "reason")
    reversals = [
        _post(leg.fund, leg.amount, OUT if leg.direction == IN else IN, None, entry_date=entry_date,
              source="reversal", source_id=leg.id, reversal_of_id=leg.id, method=leg.method,
              counterparty=leg.counterparty, counterparty_address=leg.counterparty_address,
              description=reason, basis=leg.number or "")
        for leg in legs
    ]
    return reversals if entry.transfer_id else reversals[0]


# ---- correcting an entry of a closed period -----------------------------------------------------

# Sources the ledger itself owns: their entries can be corrected here. An entry with an owner
# record elsewhere (a gift, a pig count, an award, a prize) cannot: correcting the money alone
# would leave that record saying otherwise (the award still "paid", the gift still counted).
LEDGER_OWNED = {"payment", "transfer"}


def correction_of(entry: LedgerEntry) -> LedgerEntry | None:
    """The standing (not voided) correction of `entry`, or None."""
    rev = aliased(LedgerEntry)
    return db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.corrects_id == entry.id, ~exists(select(rev.id).where(rev.reversal_of_id == LedgerEntry.id))))


def correction_refusal(entry: LedgerEntry) -> str:
    """Why `entry` cannot be corrected from the ledger, or "" when it can (period aside)."""
    if entry.reversal_of_id is not None or entry.source == "reversal":
        return "Đây là bút toán hủy, không thể điều chỉnh."
    if entry.corrects_id is not None or entry.source == "adjustment":
        return "Đây là bút toán điều chỉnh, không thể điều chỉnh tiếp."
    if entry.source_id is not None and entry.source not in LEDGER_OWNED:
        label = SOURCE_LABELS.get(entry.source, entry.source).lower()
        return (f"Bút toán này được ghi từ một khoản {label} và thuộc về khoản đó: điều chỉnh riêng sổ quỹ sẽ "
                "làm lệch số liệu. Nếu thật sự cần sửa, quản trị viên mở lại kỳ đã khóa (ghi rõ lý do) "
                "rồi hủy từ trang của khoản đó.")
    return ""


def correct(entry: LedgerEntry, reason: str) -> LedgerEntry | list:
    """Correct an entry of a closed period: its opposite, dated today, source "adjustment", NO number
    (the PT/PC series stay gap-free), linked through corrects_id, basis = the old number.

    Both legs of a transfer are corrected together (one new transfer id). FundError when the
    entry is not in a closed period (void it instead), is a reversal or a correction, belongs to
    a record elsewhere, is voided or corrected already, or when the fund would go below zero.
    """
    reason = _text(reason, 500, "reason", "lý do điều chỉnh", required=True)
    refusal = correction_refusal(entry)
    if refusal:
        raise FundError(refusal, "reason")
    legs = transfer_legs(entry)
    _lock(*(leg.fund for leg in legs))
    for leg in legs:
        if is_reversed(leg):
            raise FundError("Bút toán này đã được hủy trước đó.", "reason")
        if correction_of(leg) is not None:
            raise FundError("Bút toán này đã được điều chỉnh trước đó.", "reason")
    if not any(closing_period(leg.unit, leg.entry_date) for leg in legs):
        raise FundError("Kỳ của bút toán này chưa khóa sổ: hãy hủy bút toán thay vì ghi điều chỉnh.", "reason")
    for leg in legs:
        if leg.direction == IN and balance(leg.fund) - leg.amount < 0:
            raise FundError(f"Không thể điều chỉnh: quỹ “{leg.fund.name}” chỉ còn {format_vnd(balance(leg.fund))}, "
                            f"điều chỉnh giảm {format_vnd(leg.amount)} sẽ làm quỹ bị âm.", "reason")
    day, tid = today(), uuid.uuid4().hex if entry.transfer_id else None
    made = [_post(leg.fund, leg.amount, OUT if leg.direction == IN else IN, None, entry_date=day,
                  source="adjustment", source_id=leg.id, corrects_id=leg.id, transfer_id=tid, method=leg.method,
                  counterparty=leg.counterparty, counterparty_address=leg.counterparty_address,
                  description=reason, basis=leg.number or "")
            for leg in legs]
    return made if entry.transfer_id else made[0]
