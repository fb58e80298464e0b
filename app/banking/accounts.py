"""A unit's bank accounts: the rules for adding and changing one, and which account a unit's QR shows.

An account's bank and number are what its statement lines and every QR already printed point at:
once a line was recorded on it they no longer change (a new account is added instead, and the old
one set inactive). Each unit has at most one default account: the one its QR codes show.
"""
import re

from sqlalchemy import exists, select
from sqlalchemy.orm import contains_eager

from app.audit.services import record
from app.core.authz import scope_filter
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.text import clean, fold

from .models import BankAccount, BankLine
from .napas import bank_by_bin

_ACCOUNT = re.compile(r"^[0-9A-Z]{4,19}$")


class BankError(Refusal):
    """A refused bank account, statement or line, beside the field it concerns."""


def account_name_of(value: str) -> str:
    """The account holder's name as banks print it: upper case, no diacritics ("HOI KHUYEN HOC XA TAN PHU")."""
    return re.sub(r"[^A-Z0-9 ]", "", fold(clean(value or "")).upper().replace("Đ", "D"))[:70].strip()


def _fields(unit: Unit, bin_: str, account_number: str, account_name: str, label: str,
            exclude_id: int | None = None) -> dict:
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
                                                          BankAccount.account_number == number,
                                                          BankAccount.id != (exclude_id or 0)))
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


def _clear_default(unit: Unit, keep: BankAccount | None = None) -> None:
    for other in db.session.scalars(select(BankAccount).where(BankAccount.unit_id == unit.id,
                                                              BankAccount.is_default.is_(True))):
        if other is not keep:
            other.is_default = False


def has_lines(account: BankAccount) -> bool:
    """True once a statement line or a live notification was recorded on `account`."""
    return bool(db.session.scalar(select(exists().where(BankLine.bank_account_id == account.id))))


def update_account(account: BankAccount, *, account_name: str, label: str = "", is_default: bool = False,
                   active: bool = True, bin_: str | None = None, account_number: str | None = None) -> BankAccount:
    """Change an account's holder name, label, default and active flags; its bank and number too while
    no line was recorded on it (None: unchanged). Making it the default takes the flag from the
    unit's other account; an inactive account is never the default."""
    before = account.audit_dict()
    bin_ = account.bin if bin_ is None else bin_
    number = account.account_number if account_number is None else account_number
    fields = _fields(account.unit, bin_, number, account_name, label, exclude_id=account.id)
    if fields.pop("taken"):
        raise BankError("Đơn vị đã có tài khoản này.", "account_number")
    if (fields["bin"], fields["account_number"]) != (account.bin, account.account_number) and has_lines(account):
        field = "bin" if fields["bin"] != account.bin else "account_number"
        raise BankError("Tài khoản đã có giao dịch ngân hàng nên không đổi được ngân hàng hay số tài khoản. "
                        "Hãy thêm tài khoản mới và ngừng dùng tài khoản này.", field)
    if is_default and not active:
        raise BankError("Tài khoản ngừng dùng không thể là tài khoản mặc định.", "is_default")
    for key, value in fields.items():
        setattr(account, key, value)
    account.active = bool(active)
    account.is_default = bool(is_default)
    if account.is_default:
        _clear_default(account.unit, keep=account)
    db.session.flush()
    after = account.audit_dict()
    if after != before:
        record("update", account, before=before, after=after)
    return account


def accounts_in_scope(root: Unit) -> list[BankAccount]:
    """Every account of `root` and the units below it: by unit (its path), default first, active first."""
    return list(db.session.scalars(
        select(BankAccount).join(Unit, Unit.id == BankAccount.unit_id)
        .options(contains_eager(BankAccount.unit))  # the list shows each unit's name: no query per row
        .where(scope_filter(BankAccount.unit_id, root))
        .order_by(Unit.path, BankAccount.active.desc(), BankAccount.is_default.desc(), BankAccount.id)))


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
