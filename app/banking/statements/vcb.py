"""Vietcombank: the account statement exported from VCB Digibank / VCB DigiBiz ("Sao kê tài khoản").

Modelled layout (sources: the open-source VCB parser of a bank_statement_parser package (a Python
port of Power Query "fxLooksLike_VCB"/"fxParse_VCB_*", found with the code search: title "SAO KÊ
TÀI KHOẢN / STATEMENT OF ACCOUNT", "Số tài khoản/Account number", "Số dư đầu kỳ/Opening balance :",
"Số dư cuối kỳ/Closing balance :", totals row "Tổng số"), and the VCB statement rows published in
haiyen2002/bank_statement app/tcb/assets/data.ts, whose date cell holds the date and, on the next
line, VCB's reference "5243.65937", with debit, credit, balance and the description
"MBVCB.4530998360.029552.NGUYEN THE HUNG chuyen tien.CT tu ..."):

    NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM / SAO KÊ TÀI KHOẢN - STATEMENT OF ACCOUNT
    Số tài khoản/Account number: | 0071000123456      (then account name, currency)
    Từ ngày/From: 01/10/2026 Đến ngày/To: 31/10/2026
    Số dư đầu kỳ/Opening balance: | 12,345,678
    STT/No. | Ngày giao dịch/Transaction Date (+ reference below it) | Số tiền ghi nợ/Debit |
        Số tiền ghi có/Credit | Số dư/Balance | Nội dung chi tiết/Transactions in detail
    Tổng số/Total ... ; Số dư cuối kỳ/Closing balance: | ...

Amounts "1,250,000" (comma thousands). A separate "Số tham chiếu/Reference No." column, which the
Digibank export has, is read too when present.
"""
from .table import Layout

LAYOUT = Layout(
    key="vcb", label="Vietcombank",
    columns={
        "date": ("ngay giao dich", "transaction date", "ngay gd", "ngay giao dich so tham chieu"),
        "reference": ("so tham chieu", "reference no", "reference number", "so ct"),
        "debit": ("so tien ghi no", "debit"),
        "credit": ("so tien ghi co", "credit"),
        "balance": ("so du", "balance"),
        "description": ("noi dung chi tiet", "transactions in detail", "mo ta", "description"),
    },
    markers=("vietcombank", "ngan hang tmcp ngoai thuong", "statement of account", "vcb"),
    reference_in_date=True,
)

SAMPLE = dict(
    title=[["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM (VIETCOMBANK)"],
           ["SAO KÊ TÀI KHOẢN - STATEMENT OF ACCOUNT"],
           [],
           ["Số tài khoản/Account number:", "{account}"],
           ["Tên tài khoản/Account name:", "{name}"],
           ["Loại tiền/Currency:", "VND"],
           ["Từ ngày/From: {date_from} Đến ngày/To: {date_to}"],
           ["Số dư đầu kỳ/Opening balance:", "{opening}"],
           []],
    header=["STT\nNo.", "Ngày giao dịch\nTransaction Date", "Số tiền ghi nợ\nDebit", "Số tiền ghi có\nCredit",
            "Số dư\nBalance", "Nội dung chi tiết\nTransactions in detail"],
    cells=["stt", "date_ref", "debit", "credit", "balance", "description"],
    money="comma", money_as_number=True, date_cell="text",
    footer=[["Tổng số/Total", "", "{total_debit}", "{total_credit}"],
            ["Số dư cuối kỳ/Closing balance:", "{closing}"]],
    csv=dict(delimiter=",", encoding="utf-8-sig"),
)
