"""The banks of the NAPAS 247 list that a unit's account can be at: BIN, short name, full name.

Placeholder written by the lead; the VietQR helper replaces it with the full list.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    bin: str
    code: str  # "VCB"
    short_name: str  # "Vietcombank"
    name: str  # "Ngân hàng TMCP Ngoại thương Việt Nam"


BANKS: tuple[Bank, ...] = (
    Bank("970436", "VCB", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    Bank("970418", "BIDV", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    Bank("970415", "ICB", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
    Bank("970405", "VBA", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    Bank("970407", "TCB", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    Bank("970422", "MB", "MB Bank", "Ngân hàng TMCP Quân đội"),
    Bank("970416", "ACB", "ACB", "Ngân hàng TMCP Á Châu"),
)
_BY_BIN = {b.bin: b for b in BANKS}


def bank_by_bin(bin_: str) -> Bank | None:
    return _BY_BIN.get(bin_)
