"""Verification codes printed on papers (issue 18 A): short, typed by hand, revealing nothing.

A code names one paper: its kind (KINDS) and the id of the record it prints. That pair (4 + 36 bits)
is scrambled with a keyed permutation (a 4-round Feistel network over 40 bits), so codes of
neighbouring receipts look unrelated and nobody can read a number or count papers from a code; a
35-bit HMAC tag follows, so a typed or guessed code is refused before anything is looked up (one in
34 billion passes by chance, and the lookup page is rate-limited per address).

75 bits are 15 characters of Crockford's base32 (digits and capitals without I, L, O, U), shown in
three groups of five: "7KQ2M-XW4HD-0R9TB". Reading forgives what people do when they type one: lower
case, spaces, missing dashes, O for 0 and I or L for 1.

Keys: derived with itsdangerous from the papers' own secret (app.papers.keys: PAPER_KEY, else one
kept in the database, so backups carry it and a new SECRET_KEY does not void printed papers), each
with its own purpose (salt), so a code can be made for nothing but papers.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from itsdangerous import Signer

from .keys import paper_secret

# Kind -> the 4-bit number inside the code. Never renumber: printed codes carry these.
KINDS = {
    "certificate": 1,     # Giấy khen (commendation Honoree)
    "receipt": 2,         # Phiếu thu (LedgerEntry PT)
    "voucher": 3,         # Phiếu chi (LedgerEntry PC)
    "goods_in": 4,        # Phiếu nhập kho / biên nhận hiện vật (GoodsEntry, in)
    "goods_out": 5,       # Phiếu xuất kho (GoodsEntry, out)
    "decision": 6,        # Quyết định khen thưởng (Decision)
    "decision_list": 7,   # Danh sách kèm theo quyết định (Decision)
    "payout_sheet": 8,    # Danh sách ký nhận học bổng (ScholarshipRound)
    "member_card": 9,     # Thẻ hội viên (issue 19)
}
_KIND_OF = {n: k for k, n in KINDS.items()}

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1})
LENGTH = 15
_ID_BITS, _BLOCK_BITS, _TAG_BITS = 36, 40, 35
_HALF = _BLOCK_BITS // 2
_HALF_MASK = (1 << _HALF) - 1
MAX_ID = (1 << _ID_BITS) - 1


@lru_cache(maxsize=8)
def _keys(secret: str) -> tuple[bytes, bytes]:
    def derive(purpose: str) -> bytes:
        return Signer(secret, salt=f"skh.paper-verify.{purpose}.v1", key_derivation="hmac",
                      digest_method=hashlib.sha256).derive_key()
    return derive("permute"), derive("tag")


def _secret() -> str:
    return paper_secret()


def _round(key: bytes, i: int, half: int) -> int:
    digest = hmac.new(key, bytes([i]) + half.to_bytes(3, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:3], "big") & _HALF_MASK


def _permute(key: bytes, block: int, *, inverse: bool = False) -> int:
    left, right = block >> _HALF, block & _HALF_MASK
    rounds = range(3, -1, -1) if inverse else range(4)
    for i in rounds:
        if inverse:
            left, right = right ^ _round(key, i, left), left
        else:
            left, right = right, left ^ _round(key, i, right)
    return (left << _HALF) | right


def _tag(key: bytes, scrambled: int) -> int:
    digest = hmac.new(key, scrambled.to_bytes(5, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:5], "big") >> (40 - _TAG_BITS)


def code_for(kind: str, ref_id: int) -> str:
    """The code of paper `kind` printing record `ref_id`, grouped: "7KQ2M-XW4HD-0R9TB"."""
    if kind not in KINDS or not 0 < int(ref_id) <= MAX_ID:
        raise ValueError(f"no code for {kind!r} {ref_id!r}")
    permute_key, tag_key = _keys(_secret())
    scrambled = _permute(permute_key, (KINDS[kind] << _ID_BITS) | int(ref_id))
    number = (scrambled << _TAG_BITS) | _tag(tag_key, scrambled)
    chars = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(LENGTH - 1, -1, -1))
    return pretty(chars)


def pretty(compact: str) -> str:
    return "-".join(compact[i:i + 5] for i in range(0, LENGTH, 5))


def normalise(text: str | None) -> str | None:
    """15 canonical characters from what someone typed or scanned, or None if it cannot be a code."""
    chars = "".join(ch for ch in (text or "")[:64].upper() if ch not in " -._\t")
    if len(chars) != LENGTH or any(ch not in _VALUE for ch in chars):
        return None
    return "".join(ALPHABET[_VALUE[ch]] for ch in chars)


def read(text: str | None) -> tuple[str, int] | None:
    """(kind, record id) of a genuine code, None for anything else (forged, altered, mistyped).

    The tag is compared in constant time; the caller answers an unknown paper the same way as a
    forged code (app.papers.lookup)."""
    compact = normalise(text)
    if compact is None:
        return None
    number = 0
    for ch in compact:
        number = (number << 5) | _VALUE[ch]
    scrambled, tag = number >> _TAG_BITS, number & ((1 << _TAG_BITS) - 1)
    if scrambled >> _BLOCK_BITS:
        return None
    permute_key, tag_key = _keys(_secret())
    if not hmac.compare_digest(_tag(tag_key, scrambled).to_bytes(5, "big"), tag.to_bytes(5, "big")):
        return None
    block = _permute(permute_key, scrambled, inverse=True)
    kind, ref_id = _KIND_OF.get(block >> _ID_BITS), block & MAX_ID
    return (kind, ref_id) if kind and ref_id else None
