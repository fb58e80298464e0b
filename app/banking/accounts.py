"""A unit's bank accounts: the rules for adding and changing one, and which account a unit's QR shows.

(The lead's first cut: the VietQR helper owns and extends this module.)
"""
import re

from sqlalchemy import select

from app.audit.services import record
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.text import clean, fold

from .models import BankAccount
from .napas import bank_by_bin

_ACCOUNT = re.compile(r"^[0-9A-Z]{4,19}$")


class BankError(Refusal):
    """A refused bank account, statement or line, beside the field it concerns."""


def account_name_of(value: str) -> str:
    """The account holder's name as banks print it: upper case, no diacritics ("HOI KHUYEN HOC XA TAN PHU")."""
    return re.sub(r"[^A-Z0-9 ]", "", fold(clean(value or "")).upper().replace("Đ", "D"))[:70].strip()


def _fields(unit: Unit, bin_: str, account_number: str, account_name: str, label: str) -> dict:
    bin_ = (bin_ or "").strip()
    if bank_by_bin(bin_) is None:
        raise BankError("Vui lòng chọn ngân hàng trong danh sách.", "bin")
    number = re.sub(r"[\s.\-]", "", account_number or "").upper()
    if not _ACCOUNT.match(number):
        raise BankError("Số tài khoản gồm 4 đến 19 chữ số (hoặc chữ cái không dấu), không có khoảng trắng.",
                        "account_number")
    name = account_name_of(account_name)
    if not name:
        raise BankError("Vui lòng nhập tên chủ tài khoản như ngân hàng ghi.", "account_name")
    label = clean(label or "")
    if len(label) > 100:
        raise BankError("Quá 100 ký tự.", "label")
    taken = db.session.scalar(select(BankAccount.id).where(BankAccount.unit_id == unit.id, BankAccount.bin == bin_,
                                                          BankAccount.account_number == number))
    return dict(bin=bin_, account_number=number, account_name=name, label=label, taken=taken)


def create_account(unit: Unit, bin_: str, account_number: str, account_name: str, label: str = "",
                   is_default: bool | None = None) -> BankAccount:
    """Add an account to `unit`; its first account becomes the default (the one its QR codes show)."""
    fields = _fields(unit, bin_, account_number, account_name, label)
    if fields.pop("taken"):
        raise BankError("Đơn vị đã có tài khoản này.", "account_number")
    has_default = db.session.scalar(select(BankAccount.id).where(BankAccount.unit_id == unit.id,
                                                                BankAccount.is_default.is_(True)))
    account = BankAccount(unit_id=unit.id, **fields,
                          is_default=bool(is_default) or (has_default is None and is_default is None))
    if account.is_default and has_default is not None:
        _clear_default(unit)
    db.session.add(account)
    db.session.flush()
    record("create", account, after=account.audit_dict())
    return account


def _clear_default(unit: Unit) -> None:
    for other in db.session.scalars(select(BankAccount).where(BankAccount.unit_id == unit.id,
                                                              BankAccount.is_default.is_(True))):
        other.is_default = False


def account_for(unit: Unit) -> BankAccount | None:
    """The account people pay `unit` into: its own default active account, else the nearest unit
    above it that has one (a chi hội's drive collects into the commune's account), else None."""
    ids = [int(i) for i in unit.path.strip("/").split("/") if i] or [unit.id]
    rows = db.session.scalars(select(BankAccount).where(BankAccount.unit_id.in_(ids), BankAccount.active.is_(True))
                              .order_by(BankAccount.is_default.desc(), BankAccount.id)).all()
    by_unit: dict[int, BankAccount] = {}
    for row in rows:
        by_unit.setdefault(row.unit_id, row)
    for unit_id in reversed(ids):
        if unit_id in by_unit:
            return by_unit[unit_id]
    return None
