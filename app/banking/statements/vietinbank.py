"""VietinBank: the "Lịch sử giao dịch - Transaction history" exported from VietinBank eFAST / iPay.

Modelled layout (source: the open-source VietinBank ("VTB") parser of a bank_statement_parser
package, a Python port of Power Query "fxLooksLike_VTB"/"fxParse_VTB_*", found with the code
search: markers "VIETINBANK", "NGÂN HÀNG TMCP CÔNG THƯƠNG", "LỊCH SỬ GIAO DỊCH - TRANSACTION
HISTORY"; bilingual headers "Ngày hạch toán / Accounting date", "Mô tả giao dịch / Transaction
description", "Nợ / Debit", "Có / Credit", "Số dư TK / Account balance", "Số giao dịch /
Transaction number"; "Số tài khoản / Account No"; "Số dư đầu kỳ / Opening balance" and "Số dư cuối
kỳ / Closing balance"; and its quirk: lines of the same day after the first leave the date blank,
so the date is filled down):

    VietinBank eFAST / LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY
    Số tài khoản / Account No: 108000123456 ; Từ ngày / From date: ... Đến ngày / To date: ...
    Số dư đầu kỳ / Opening balance: 12,345,678
    STT / No. | Ngày hạch toán / Accounting date | Mô tả giao dịch / Transaction description |
        Nợ / Debit | Có / Credit | Số dư TK / Account balance | Số giao dịch / Transaction number
    Số dư cuối kỳ / Closing balance: ...
"""
from .table import Layout

LAYOUT = Layout(
    key="vietinbank", label="VietinBank",
    columns={
        "date": ("ngay hach toan", "accounting date", "ngay phat sinh", "transaction date", "ngay giao dich"),
        "reference": ("so giao dich", "transaction number", "so tham chieu"),
        "debit": ("no / debit", "debit", "ghi no"),
        "credit": ("co / credit", "credit", "ghi co"),
        "balance": ("so du tk", "account balance", "so du"),
        "description": ("mo ta giao dich", "transaction description", "noi dung"),
    },
    markers=("vietinbank", "ngan hang tmcp cong thuong", "lich su giao dich - transaction history", "efast"),
    fill_down_date=True,
)

SAMPLE = dict(
    title=[["VietinBank eFAST"],
           ["LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY"],
           ["Số tài khoản / Account No: {account}"],
           ["Tên tài khoản / Account name: {name}"],
           ["Từ ngày / From date: {date_from}", "", "Đến ngày / To date: {date_to}"],
           ["Số dư đầu kỳ / Opening balance: {opening}"],
           [], []],
    header=["STT / No.", "Ngày hạch toán / Accounting date", "Mô tả giao dịch / Transaction description",
            "Nợ / Debit", "Có / Credit", "Số dư TK / Account balance", "Số giao dịch / Transaction number"],
    cells=["stt", "date", "description", "debit", "credit", "balance", "reference"],
    money="comma", money_as_number=True, date_cell="date", fill_down=True,
    footer=[[], ["Số dư cuối kỳ / Closing balance: {closing}"]],
    csv=dict(delimiter=",", encoding="utf-8"),
)
