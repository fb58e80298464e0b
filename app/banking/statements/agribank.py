"""Agribank: the account statement ("Sao kê tài khoản") exported from Agribank E-Banking / Plus.

Modelled layout. No open-source parser of an Agribank export turned up in the code, pages and
issues searches (only PDF parsers of a different, Malaysian "Agrobank"), so this layout is ours,
written from what Agribank's web and app history show and what the other banks' exports share: the
bank's name and "SAO KÊ TÀI KHOẢN" on top, "Số tài khoản", "Kỳ sao kê: dd/mm/yyyy - dd/mm/yyyy",
"Số dư đầu kỳ"; ONE signed amount column ("+1.250.000" in, "-200.000" out) with the balance after
the line, a date-and-time cell, the transaction code, the description; "Số dư cuối kỳ" below.
It is the least certain of the six: the signed-amount column is the point of it, and the generic
layout remains for a file that differs.

    NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM - AGRIBANK / SAO KÊ TÀI KHOẢN
    Số tài khoản: 1500201012345 ; Kỳ sao kê: 01/10/2026 - 31/10/2026 ; Số dư đầu kỳ: 12.345.678
    STT | Ngày giao dịch | Mã giao dịch | Số tiền giao dịch | Số dư sau giao dịch | Nội dung giao dịch
    Tổng cộng ... ; Số dư cuối kỳ: ...

Its CSV is written in Windows-1258 with ";" (what Excel on a Vietnamese Windows saves).
"""
from .table import Layout

LAYOUT = Layout(
    key="agribank", label="Agribank",
    columns={
        "date": ("ngay giao dich", "ngay gd", "thoi gian giao dich", "transaction date"),
        "reference": ("ma giao dich", "ma gd", "so giao dich", "transaction code"),
        "amount": ("so tien giao dich", "so tien gd", "so tien", "amount"),
        "balance": ("so du sau giao dich", "so du sau gd", "so du", "balance"),
        "description": ("noi dung giao dich", "noi dung", "dien giai", "description"),
    },
    markers=("agribank", "ngan hang nong nghiep va phat trien nong thon"),
)

SAMPLE = dict(
    title=[["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM - AGRIBANK"],
           ["SAO KÊ TÀI KHOẢN"],
           ["Số tài khoản:", "{account}"],
           ["Chủ tài khoản:", "{name}"],
           ["Kỳ sao kê:", "{date_from} - {date_to}"],
           ["Số dư đầu kỳ:", "{opening}"],
           []],
    header=["STT", "Ngày giao dịch", "Mã giao dịch", "Số tiền giao dịch", "Số dư sau giao dịch", "Nội dung giao dịch"],
    cells=["stt", "datetime", "reference", "signed", "balance", "description"],
    money="dots", money_as_number=False, date_cell="datetime",
    footer=[["Tổng cộng", "", "", "{total_net}"], ["Số dư cuối kỳ:", "{closing}"]],
    csv=dict(delimiter=";", encoding="cp1258"),
)
