"""Payment codes: the short text a transfer's note carries so the statement line finds what it pays.

    KH{unit_id}D{campaign_id}{check}                a fund drive          KH24D123X
    KH{unit_id}D{campaign_id}N{donor_id}{check}     one donor's pledge    KH24D123N5678Q

Only [A-Z0-9], at most 25 characters (NAPAS's note limit), no diacritics, so any banking app keeps
it. The check letter does two jobs. Banks glue their own digits to the note on the statement
("...KH24D123X20251203"), so a code must end in something that is not a digit; and a letter
computed from the rest catches a typo when the code is typed by hand. It is a weighted sum mod 23
(a prime) written with the 23 letters other than D, N and O: every single wrong digit or separator
and every swap of two neighbours changes the sum (23 is prime, no two characters' values differ by
23, neighbouring weights differ), and since D and N are never a check letter, a drive's code can
not be read as the start of a donor's. O is left out for looking like 0.
"""
import re
from dataclasses import dataclass

from app.vn.text import fold

MAX_LEN = 25
_VALUES = {**{str(d): d for d in range(10)}, "D": 10, "N": 11}
_LETTERS = "ABCEFGHIJKLMPQRSTUVWXYZ"  # 23 letters: A-Z without D, N (separators) and O (looks like 0)
_CHECK = "[A-CE-MP-Z]"
_DONOR = re.compile(r"KH([1-9]\d{0,8})D([1-9]\d{0,8})N([1-9]\d{0,8})(" + _CHECK + ")")
_DRIVE = re.compile(r"KH([1-9]\d{0,8})D([1-9]\d{0,8})(" + _CHECK + ")")
_START = re.compile(r"(?=KH[1-9])")
_NOT_CODE = re.compile(r"[^A-Z0-9]")


@dataclass(frozen=True)
class Found:
    code: str
    unit_id: int
    campaign_id: int
    donor_id: int | None  # None for a drive's code


class CodeTooLong(ValueError):
    """The ids are too large to fit 25 characters (far past any real association's numbers)."""


def check_letter(body: str) -> str:
    """The letter that ends `body` ("24D123" or "24D123N5678", without the "KH")."""
    total = len(body)  # a code one character shorter or longer starts from another sum
    for i, ch in enumerate(body):
        total += (i % 22 + 1) * _VALUES[ch]  # weights 1..22: never 0 mod 23, neighbours differ
    return _LETTERS[total % 23]


def _make(body: str) -> str:
    code = "KH" + body + check_letter(body)
    if len(code) > MAX_LEN:
        raise CodeTooLong(code)
    return code


def drive_code(campaign) -> str:
    """The code everyone giving to `campaign` (a Campaign: .unit_id, .id) writes in the note."""
    return _make(f"{int(campaign.unit_id)}D{int(campaign.id)}")


def donor_code(campaign, donor) -> str:
    """The code one donor's pledge or reminder carries: the drive's plus N{donor.id}; the drive's own
    code when the ids are too long for 25 characters (the gift still finds its drive, and the
    treasurer the donor by the name in the bank's text), never an error on a page."""
    try:
        return _make(f"{int(campaign.unit_id)}D{int(campaign.id)}N{int(donor.id)}")
    except CodeTooLong:
        return drive_code(campaign)


def _found(match, donor: bool) -> Found | None:
    unit, campaign = match.group(1), match.group(2)
    person = match.group(3) if donor else None
    body = f"{unit}D{campaign}" + (f"N{person}" if donor else "")
    if check_letter(body) != match.group(4 if donor else 3):
        return None
    return Found("KH" + body + match.group(4 if donor else 3), int(unit), int(campaign),
                 int(person) if donor else None)


def _at(text: str, pos: int) -> Found | None:
    # The longer form first: "KH24D123N5678W" also starts like a drive's code to a careless reader.
    for pattern, donor in ((_DONOR, True), (_DRIVE, False)):
        match = pattern.match(text, pos)
        if match:
            found = _found(match, donor)
            if found:
                return found
    return None


def _normal(text: str) -> str:
    return fold(text or "").upper()


def find_codes(text: str) -> list[Found]:
    """Every valid code anywhere in a bank's description, distinct, in order of appearance.

    Case and diacritics do not matter ("kh24d123x", "Kh24D123X"), nor what the bank wrapped around
    it (prefixes, the sender's name, reference digits glued before or after). A code whose check
    letter does not hold is no code: "KHANH", "KH2024" and a mistyped code are not found."""
    upper = _normal(text)
    out: list[Found] = []
    for start in _START.finditer(upper):
        found = _at(upper, start.start())
        if found and found not in out:
            out.append(found)
    return out


def parse_code(typed: str) -> Found | None:
    """The code a person typed by hand (spaces, dots, dashes and case ignored), if it checks."""
    compact = _NOT_CODE.sub("", _normal(typed))
    for pattern, donor in ((_DONOR, True), (_DRIVE, False)):
        match = pattern.fullmatch(compact)
        if match:
            found = _found(match, donor)
            if found:
                return found
    return None
