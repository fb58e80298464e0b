"""The VietQR payload: the EMVCo merchant-presented QR string NAPAS 247 uses for a bank transfer.

Every field is tag (2 digits) + length (2 digits) + value:

    00 "01"                         payload format
    01 "11" | "12"                  static (the payer types the amount) | dynamic (amount fixed)
    38 {00 "A000000727"             NAPAS's GUID
        01 {00 BIN, 01 account}     the beneficiary bank and account
        02 "QRIBFTTA"}              service: inter-bank transfer to an account
    53 "704"                        VND
    54 amount                       only when fixed, whole đồng
    58 "VN"
    62 {08 note}                    the transfer note (purpose of transaction), only when given
    63 CRC                          CRC-16/CCITT-FALSE of everything through "6304", 4 upper-case hex

The note is what the bank copies into the statement's description, so it carries the payment code
(app.banking.codes). Banking apps reject or mangle diacritics and long notes: it is folded to
[A-Za-z0-9 ] and cut at 25 characters here, once, so every QR is safe.
"""
import re
import unicodedata

GUID = "A000000727"
SERVICE = "QRIBFTTA"
NOTE_MAX = 25
_NOT_NOTE = re.compile(r"[^A-Za-z0-9 ]")
_SPACES = re.compile(r" {2,}")


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) as 4 upper-case hex."""
    crc = 0xFFFF
    for byte in text.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return f"{crc:04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def clean_note(note: str) -> str:
    """The note as a bank accepts it: no diacritics, only letters, digits and single spaces, ≤ 25."""
    text = unicodedata.normalize("NFD", note or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _SPACES.sub(" ", _NOT_NOTE.sub(" ", text)).strip()
    return text[:NOTE_MAX].strip()


def payload(bin_: str, account_number: str, *, amount: int | None = None, note: str = "") -> str:
    """The payload for a transfer to `account_number` at the bank `bin_`; dynamic when `amount`."""
    if not re.fullmatch(r"\d{6}", bin_ or ""):
        raise ValueError("a BIN is 6 digits")
    if not account_number or len(account_number) > 19:
        raise ValueError("an account number is 1 to 19 characters")
    if amount is not None and (int(amount) != amount or amount <= 0):
        raise ValueError("an amount is a positive whole number of đồng")
    beneficiary = _tlv("00", bin_) + _tlv("01", account_number)
    merchant = _tlv("00", GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE)
    text = _tlv("00", "01") + _tlv("01", "12" if amount else "11") + _tlv("38", merchant) + _tlv("53", "704")
    if amount:
        text += _tlv("54", str(int(amount)))
    text += _tlv("58", "VN")
    note = clean_note(note)
    if note:
        text += _tlv("62", _tlv("08", note))
    text += "6304"
    return text + crc16(text)


# Templates whose value is itself a list of fields (EMVCo: 26-51 merchant accounts, 62, 64, 80-99).
_NESTED = {"38", "62"}


def _fields(text: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text):
        tag, size = text[i:i + 2], text[i + 2:i + 4]
        if len(tag) < 2 or not size.isdigit() or not tag.isdigit():
            raise ValueError(f"bad field at {i}")
        value = text[i + 4:i + 4 + int(size)]
        if len(value) != int(size):
            raise ValueError(f"field {tag} is cut short")
        out.append((tag, value))
        i += 4 + int(size)
    return out


def parse(text: str) -> dict:
    """The payload as a tag tree: {"00": "01", "38": {"00": GUID, "01": {"00": BIN, "01": acct}, ...}, ...}.

    Raises ValueError when it is not a well-formed list of fields (the CRC is not checked: is_valid)."""
    tree: dict = {}
    for tag, value in _fields(text):
        if tag in _NESTED:
            sub = dict(_fields(value))
            if tag == "38" and "01" in sub:
                sub["01"] = dict(_fields(sub["01"]))
            tree[tag] = sub
        else:
            tree[tag] = value
    return tree


def is_valid(text: str) -> bool:
    """True when `text` is a well-formed payload whose last field is a CRC that checks."""
    if not isinstance(text, str) or len(text) < 8 or text[-8:-4] != "6304":
        return False
    try:
        parse(text)
    except ValueError:
        return False
    return crc16(text[:-4]) == text[-4:].upper()


def describe(text: str) -> dict:
    """The parts a person cares about: bin, account, amount (int or None), note."""
    tree = parse(text)
    beneficiary = tree.get("38", {}).get("01", {})
    amount = tree.get("54")
    return {"bin": beneficiary.get("00", ""), "account": beneficiary.get("01", ""),
            "amount": int(amount) if amount and amount.isdigit() else None,
            "note": tree.get("62", {}).get("08", "")}
