"""The sender's name read from a bank's description of an incoming transfer.

Banks rewrite the transfer note and strip its diacritics, but most put the sender's name in it, in
capitals, in one of a few shapes (seen on statements of VCB, MB, Techcombank, BIDV, VietinBank, ACB):

    MBVCB.4530998360.029552.NGUYEN THE HUNG chuyen tien.CT tu 0351000646393 NGUYEN THE HUNG toi ...
    NGUYEN VAN A chuyen khoan KH24D123X          IBFT NGUYEN VAN A chuyen tien
    TU: NGUYEN VAN A ND: ung ho                  CT DEN:520112345678 NGUYEN VAN A ung ho KH24D1N2X
    REM Tfr Ac: 12345678901 NGUYEN VAN A ...      Nguoi chuyen: NGUYEN VAN A

payer_name returns the name in Title Case without diacritics ("Nguyen Van A": the bank gives no
more), or "" when no name is visible; the treasurer edits it before the gift is written. A payment
code (KH<digits>D<digits>[N<digits>]<letter>) or a bank's keyword is never part of a name.
"""
import re

from app.vn.text import fold

__all__ = ["payer_name"]

# Words a bank or a sender writes around a name that are never part of it (folded, upper case).
_STOP = {
    "CT", "TU", "DEN", "TOI", "TO", "TAI", "IBFT", "MBVCB", "FT", "QR", "CK", "CHUYEN", "TIEN", "KHOAN",
    "UNG", "HO", "ND", "NOI", "DUNG", "GD", "REM", "TFR", "AC", "TK", "TKTHE", "THE", "SO", "NGUOI", "CHUYENKHOAN",
    "NHAN", "TRA", "THANH", "TOAN", "PHI", "NAP", "VAO", "NGAN", "HANG", "BANK", "VCB", "BIDV", "MB", "ACB",
    "TCB", "VIETINBANK", "AGRIBANK", "TECHCOMBANK", "SEPAY", "CASSO", "TRACE", "REF", "FROM", "BY", "QUY",
    "KHUYEN", "HOC", "HOI", "GIUP", "DO", "HOCBONG", "MOMO", "ZALOPAY", "VNPAY", "NAPAS", "IB", "MBBANK",
    "TRANSFER", "PAYMENT", "INTERNET", "BANKING", "MOBILE", "SMS", "ATM", "POS", "NHH", "NHTM",
}
# Stop words that are also name syllables ("NGUYEN THE HUNG", "HO THI B", "DO THI DUNG", "TRAN VAN
# TO", "LE VAN TAI"): inside a name that has begun they are kept (see _trim); "to"/"tai"/"den"
# before an account number or a bank still end it ("... NGUYEN THE HUNG to 4200199899999").
_NAME_PARTS = {"THE", "DO", "HO", "TRA", "TO", "DUNG", "TAI", "THANH", "TOAN", "NHAN", "QUY", "KIM", "HANG",
               "NGAN", "HOA", "HOC", "DEN", "HOI", "GIUP", "VAN", "THU", "NAP", "VAO", "SO"}
_BEFORE_ACCOUNT = {"TO", "TOI", "TAI", "DEN"}
_BANKS = {"VCB", "BIDV", "MB", "ACB", "TCB", "VPBANK", "VIETINBANK", "AGRIBANK", "TECHCOMBANK", "SACOMBANK",
          "TPBANK", "VIB", "SHB", "HDBANK", "OCB", "MSB", "SCB", "EXIMBANK", "LPBANK", "BAOVIETBANK", "NCB",
          "KIENLONGBANK", "NAMABANK", "ABBANK", "SEABANK", "VIETABANK", "BACABANK", "PVCOMBANK", "CAKE", "TIMO"}
# Common Vietnamese family names (folded): a candidate is trimmed to start at one.
_SURNAMES = {
    "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VU", "VO", "DANG", "BUI", "DO", "HO", "NGO",
    "DUONG", "LY", "DINH", "DAO", "DOAN", "LAM", "MAI", "TRINH", "TRUONG", "HA", "LUONG", "LUU", "CAO",
    "TA", "TO", "CHU", "QUACH", "THAI", "TIEU", "VUONG", "KIEU", "LAI", "NONG", "HUA", "VI", "LA", "KHUC",
    "TONG", "TANG", "LO", "LUC", "TRIEU", "VAN", "THAN", "PHUNG", "NGHIEM", "BACH", "DIEP", "KIM", "CU",
}
_CODE = re.compile(r"^KH\d+D\d+(N\d+)?[A-Z]$")
_WORD = re.compile(r"^[A-Z]+$")
# The phrases a name stands before ("<NAME> chuyen tien") or after ("TU: <NAME>").
_BEFORE = re.compile(r"\b(CHUYEN\s*TIEN|CHUYEN\s*KHOAN|CK|UNG\s*HO|GUI|NOP\s*TIEN|DONG\s*GOP|THANH\s*TOAN)\b")
_AFTER = re.compile(r"(?:\bTU\s*:\s*(?:\d{6,}\s+)?|\bTU\s+(?:TK\s*)?\d{6,}|\bCT\s*DEN\s*:?\s*\d*|\bNGUOI\s*CHUYEN\s*:?|"
                    r"\bTEN\s*NGUOI\s*CHUYEN\s*:?|\bREM\s+TFR\s+AC\s*:?\s*\d*|\bIBFT\b|\bFROM\s*:?\s*(?:\d{6,}\s+)?|"
                    r"\bMBVCB\.\d+(?:\.\d+)?\.)")
_TOKEN = re.compile(r"[A-Za-z0-9]+|[^\sA-Za-z0-9]")
# Phrases of a note that are never a name, cut out before a name is looked for ("ung ho quy": not "Ho Quy").
_PHRASES = re.compile(r"\b(UNG\s*HO|CHUYEN\s*TIEN|CHUYEN\s*KHOAN|NOI\s*DUNG|HOC\s*BONG|KHUYEN\s*HOC|QUY|"
                      r"THANH\s*TOAN|NOP\s*TIEN|DONG\s*GOP|GIUP\s*DO|HOI|TAI\s*KHOAN)\b")


def payer_name(description: str) -> str:
    """The sender's name in Title Case ("Nguyen Van A"), or "" when the description shows none."""
    if not description:
        return ""
    text = _plain(description)
    candidates = []
    for m in _AFTER.finditer(text):  # "TU: <NAME> ...", "CT tu 0351... <NAME> toi ..."
        candidates.append(_words_from(_PHRASES.sub(" . ", text[m.end():])))
    for m in _BEFORE.finditer(text):  # "<NAME> chuyen tien"
        candidates.append(_words_to(_PHRASES.sub(" . ", text[:m.start()])))
    for words in candidates:
        name = _trim(words)
        if name:
            return " ".join(w.capitalize() for w in name)
    return ""


def _plain(description: str) -> str:
    """Upper case without diacritics; keeps punctuation (dots split the bank's fields)."""
    return re.sub(r"\s+", " ", fold(description).upper())


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _words_from(text: str) -> list[str]:
    """The run of letter-only words at the start of `text` (punctuation ends it)."""
    out = []
    toks = _tokens(text)
    for i, tok in enumerate(toks):
        if not _WORD.match(tok) or _CODE.match(tok):
            break
        after = toks[i + 1] if i + 1 < len(toks) else ""
        if tok in _BEFORE_ACCOUNT and (after.isdigit() or after in _BANKS):
            break
        out.append(tok)
        if len(out) >= 8:
            break
    return out


def _words_to(text: str) -> list[str]:
    """The run of letter-only words at the end of `text`."""
    out = []
    for tok in reversed(_tokens(text)):
        if not _WORD.match(tok) or _CODE.match(tok):
            break
        out.insert(0, tok)
        if len(out) >= 8:
            break
    return out


def _trim(words: list[str]) -> list[str]:
    """The name inside a run of words: from a family name (or the first non-keyword) for 2 to 5
    words, stopping at a keyword; [] when nothing name-like is left."""
    start = next((i for i, w in enumerate(words) if w in _SURNAMES and i + 1 < len(words)
                  and words[i + 1] not in _STOP - _NAME_PARTS), None)
    if start is None:
        start = next((i for i, w in enumerate(words) if w not in _STOP), None)
        if start is None:
            return []
    name = []
    for w in words[start:]:
        if (w in _STOP and not (name and w in _NAME_PARTS) and not (not name and w in _SURNAMES)) \
                or _CODE.match(w) or len(w) > 12:
            break
        name.append(w)
        if len(name) == 5:
            break
    if len(name) < 2 or all(len(w) == 1 for w in name):
        return []
    return name
