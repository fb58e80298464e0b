"""What makes a bank line the same line the next time it is read (issue 17 B).

A statement exported twice, or two statements whose periods overlap, carry the same lines; each is
saved once because its identity is unique per account (BankLine.identity). The bank's own reference
(số bút toán / mã giao dịch) is the identity when the bank gives one. Without it, a digest of what
the bank printed: date, amount, direction, the description without diacritics, case or spacing
(exports differ in these), the running balance, and the line's ordinal among lines identical in all
of those in the same file (two 50,000 đ transfers from one person on one day are two lines, and the
same two lines again in the next export).

The live feed (app.banking.webhook) names its lines "ref:<referenceCode>" or "hook:<id>", so a
notification and the statement line of the same transfer meet on the bank's reference.
"""
import hashlib
import re
from collections import Counter

from app.vn.text import fold

from .statements.base import ParsedLine

MAX = 80  # BankLine.identity
_SPACES = re.compile(r"\s+")


def _folded(description: str) -> str:
    return _SPACES.sub(" ", fold(description or "")).strip()


def _content(line: ParsedLine, ordinal: int) -> str:
    balance = "" if line.balance is None else str(int(line.balance))
    return "|".join((line.txn_date.isoformat(), str(int(line.amount)), line.direction, _folded(line.description),
                     balance, str(ordinal)))


def _digest(text: str, size: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:size]


def line_identity(line: ParsedLine, ordinal: int) -> str:
    """"ref:<reference>" when the bank gave one, else "sum:<digest>" (ordinal: the line's place, from 0,
    among the file's lines identical in date, amount, direction, description and balance)."""
    reference = (line.reference or "").strip()
    if reference:
        return ("ref:" + reference)[:MAX]
    return "sum:" + _digest(_content(line, ordinal), 40)


def _key(line: ParsedLine) -> tuple:
    return (line.txn_date, int(line.amount), line.direction, _folded(line.description), line.balance)


def file_identities(lines: list[ParsedLine]) -> list[str]:
    """The identity of each line of one file, in order.

    Some banks print one reference on several lines (a transfer and its fee, for one): such a
    reference alone would keep only the first of them, so a reference repeated within the file gets
    the digest of the line's content after it ("ref:FT24...~3f9a..."), the same in every export."""
    seen: Counter = Counter()
    ordinals = []
    for line in lines:
        key = _key(line)
        ordinals.append(seen[key])
        seen[key] += 1
    references = Counter((line.reference or "").strip() for line in lines if (line.reference or "").strip())
    out = []
    for line, ordinal in zip(lines, ordinals):
        identity = line_identity(line, ordinal)
        if references.get((line.reference or "").strip(), 0) > 1:
            identity = identity[:MAX - 11] + "~" + _digest(_content(line, ordinal), 10)
        out.append(identity)
    return out


__all__ = ["line_identity", "file_identities"]
