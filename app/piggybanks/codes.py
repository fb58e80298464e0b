"""Pig codes: one spelling per code, whatever was typed, and correcting a code before its first opening.

A code is written on the pig and on its phiếu thu, and volunteers type it on phones: "lv-hb",
"LV HB", "LV-HB-" and "Lv–Hb" must all mean the series LV-HB-001, LV-HB-002... (issue 14: typing
the prefix "LV-HB-" started a second series "LV-HB--001" beside the first). So every code and
prefix goes through normalize() before it is checked, stored or compared:

- NFC, then Vietnamese letters to their base letter (Đ → D, Ộ → O): codes are printed and typed
  on keyboards without Vietnamese input, and "ĐT-001" beside "DT-001" would be two codes that
  read the same;
- upper case; any run of spaces, dashes (also – — and _) becomes one dash; none at either end.

A code may be corrected (with a reason, audited, still unique in its unit) until the pig's first
opening: from then on it is on a phiếu thu of the fund's books, which are never rewritten.
"""
import re
import unicodedata

from sqlalchemy import select

from app.core.refusal import Refusal
from app.extensions import db
from app.vn.text import nfc

from .models import PiggyBank, PiggyBankOpening

PREFIX_MAX = 20
CODE_MAX = 30  # the column's width
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_]+")
_VALID = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
# Base letters of the Vietnamese alphabet's marked letters (fold() would also lower-case).
_BASE = str.maketrans({"Đ": "D", "đ": "D"})


class CodeError(Refusal):
    """A refused code or prefix, beside the field it was typed in."""


def normalize(value) -> str:
    """The one spelling of a typed code or prefix: " lv–hb- " → "LV-HB", "đt 01" → "DT-01"."""
    text = nfc(value or "").translate(_BASE)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return _SEPARATORS.sub("-", text.upper()).strip("-")


def _check(value: str, field: str, what: str, limit: int) -> str:
    if not value:
        raise CodeError(f"Vui lòng nhập {what}, ví dụ LV-TL.", field)
    if not _VALID.match(value):
        bad = sorted({ch for ch in value if not (ch.isascii() and (ch.isalnum() or ch == "-"))})
        raise CodeError(f"{what.capitalize()} chỉ gồm chữ, số và dấu gạch ngang; không dùng "
                        + " ".join(f"“{ch}”" for ch in bad) + ".", field)
    if len(value) > limit:
        raise CodeError(f"{what.capitalize()} dài quá {limit} ký tự.", field)
    return value


def check_prefix(value) -> str:
    """A typed prefix, normalised and checked (the series' codes are PREFIX-001...)."""
    return _check(normalize(value), "prefix", "tiền tố mã heo", PREFIX_MAX)


def check_code(value, field: str = "code") -> str:
    return _check(normalize(value), field, "mã heo", CODE_MAX)


def format_code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


def next_number(unit_id: int, prefix: str) -> int:
    """1 + the highest number already used after `PREFIX-` in this unit (a suggestion only:
    the unique constraint on (unit, code) is what guarantees no two pigs share a code)."""
    codes = db.session.scalars(select(PiggyBank.code).where(
        PiggyBank.unit_id == unit_id, PiggyBank.code.startswith(prefix + "-", autoescape=True)))
    numbers = [int(c[len(prefix) + 1:]) for c in codes if c[len(prefix) + 1:].isdigit()]
    return max(numbers, default=0) + 1


def first_opening(pig: PiggyBank):
    """The pig's first recorded opening (voided ones count: their phiếu thu and its reversal name
    the code), or None."""
    return db.session.scalar(select(PiggyBankOpening).where(PiggyBankOpening.piggy_bank_id == pig.id)
                             .order_by(PiggyBankOpening.opened_on, PiggyBankOpening.id).limit(1))


def editable(pig: PiggyBank) -> bool:
    return pig.cycle == 1 and first_opening(pig) is None


__all__ = ["normalize", "check_prefix", "check_code", "format_code", "next_number", "editable",
           "first_opening", "CodeError"]
