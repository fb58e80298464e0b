"""BIDV: the "Báo cáo chi tiết số dư tài khoản" exported from BIDV iBank / SmartBanking.

Modelled layout (source: the open-source BIDV parser of a bank_statement_parser package, a Python
port of Power Query "fxLooksLike_BIDV"/"fxParse_BIDV_*", found with the code search: markers
"NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM" and "BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN", the header
row found by "Ngày hiệu lực" + "Ghi nợ" + "Ghi có", the description "Mô tả", a running "Số dư", the
account on the "Số tài khoản" row (not "Số tài khoản cũ"), the opening balance on a "Dư đầu" row
and the closing one on "Dư cuối", numbers written with separators):

    NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM / BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN
    Số tài khoản: 12010000123456 ; Tên tài khoản: ... ; Từ ngày 01/10/2026 đến ngày 31/10/2026
    Dư đầu: | 12.345.678
    STT | Ngày hiệu lực | Số tham chiếu | Ghi nợ | Ghi có | Số dư | Mô tả
    Tổng cộng | ... ; Dư cuối: | ...

We write the dates as "05/10/2026 10:21:33" text and the amounts with "." thousands ("1.250.000").
"""
from .table import Layout

LAYOUT = Layout(
    key="bidv", label="BIDV",
    columns={
        "date": ("ngay hieu luc", "effective date", "ngay giao dich", "transaction date"),
        "reference": ("so tham chieu", "so but toan", "reference", "ref no"),
        "debit": ("ghi no", "debit"),
        "credit": ("ghi co", "credit"),
        "balance": ("so du", "balance"),
        "description": ("mo ta", "description", "dien giai"),
    },
    markers=("bidv", "ngan hang tmcp dau tu va phat trien viet nam", "bao cao chi tiet so du tai khoan"),
)

SAMPLE = dict(
    title=[["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM"],
           ["BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN"],
           ["Số tài khoản: {account}"],
           ["Tên tài khoản: {name}"],
           ["Từ ngày {date_from} đến ngày {date_to}"],
           ["Loại tiền: VND"],
           ["Dư đầu:", "", "", "", "", "{opening}"],
           []],
    header=["STT", "Ngày hiệu lực", "Số tham chiếu", "Ghi nợ", "Ghi có", "Số dư", "Mô tả"],
    cells=["stt", "datetime_text", "reference", "debit", "credit", "balance", "description"],
    money="dots", money_as_number=False, date_cell="text",
    footer=[["Tổng cộng", "", "", "{total_debit}", "{total_credit}"],
            ["Dư cuối:", "", "", "", "", "{closing}"]],
    csv=dict(delimiter=";", encoding="utf-8-sig"),
)
