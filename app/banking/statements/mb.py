"""MB Bank: the detailed account statement ("Sao kê chi tiết tài khoản / Account statement")
exported from MB BIZ / the MB app.

Modelled layout (source: the open-source MBB parser of a bank_statement_parser package, a Python
port of Power Query "fxLooksLike_MBB"/"fxParse_MBB_*", found with the code search: markers
"NGÂN HÀNG TMCP QUÂN ĐỘI", "MBBANK", "SAO KÊ CHI TIẾT TÀI KHOẢN", "TÀI KHOẢN/ACCOUNT NO" and "SỐ
DƯ CUỐI KỲ"; header found by a date ("Ngày giao dịch/Transaction date", or "Ngày hạch
toán/Posting date"), "Phát sinh nợ/Debit", "Phát sinh có/Credit", "Số dư/Balance",
"Nội dung/Description"; the account after "ACCOUNT NO:"; amounts with "," thousands and ".00"):

    NGÂN HÀNG TMCP QUÂN ĐỘI (MBBANK) / SAO KÊ CHI TIẾT TÀI KHOẢN - ACCOUNT STATEMENT
    Tài khoản/Account No: 0123456789 ; Từ ngày/From: ... Đến ngày/To: ... ; Số dư đầu kỳ: 1,000,000.00
    STT/No | Ngày giao dịch/Transaction date | Mã giao dịch/Transaction ID | Phát sinh nợ/Debit |
        Phát sinh có/Credit | Số dư/Balance | Nội dung/Description
    Tổng cộng/Total ... ; Số dư cuối kỳ/Closing balance: ...

The header sits lower than the others' (row 12): the bank's address block comes first.
"""
from .table import Layout

LAYOUT = Layout(
    key="mb", label="MB Bank",
    columns={
        "date": ("ngay giao dich", "transaction date", "ngay hach toan", "posting date"),
        "reference": ("ma giao dich", "transaction id", "so but toan", "so tham chieu", "ref no"),
        "debit": ("phat sinh no", "debit", "ghi no"),
        "credit": ("phat sinh co", "credit", "ghi co"),
        "balance": ("so du", "balance"),
        "description": ("noi dung", "description", "dien giai"),
    },
    markers=("mbbank", "mb bank", "ngan hang tmcp quan doi", "sao ke chi tiet tai khoan"),
)

SAMPLE = dict(
    title=[["NGÂN HÀNG TMCP QUÂN ĐỘI (MBBANK)"],
           ["Military Commercial Joint Stock Bank"],
           ["Địa chỉ: Số 18 Lê Văn Lương, Trung Hòa, Cầu Giấy, Hà Nội"],
           [],
           ["SAO KÊ CHI TIẾT TÀI KHOẢN - ACCOUNT STATEMENT"],
           [],
           ["Tên tài khoản/Account name:", "{name}"],
           ["Tài khoản/Account No:", "{account}"],
           ["Loại tiền/Currency:", "VND"],
           ["Từ ngày/From: {date_from}", "Đến ngày/To: {date_to}"],
           ["Số dư đầu kỳ/Opening balance:", "{opening}"]],
    header=["STT/No", "Ngày giao dịch/Transaction date", "Mã giao dịch/Transaction ID", "Phát sinh nợ/Debit",
            "Phát sinh có/Credit", "Số dư/Balance", "Nội dung/Description"],
    cells=["stt", "datetime_text", "reference", "debit", "credit", "balance", "description"],
    money="comma_decimals", money_as_number=False, date_cell="text",
    footer=[["Tổng cộng/Total", "", "", "{total_debit}", "{total_credit}"],
            ["Số dư cuối kỳ/Closing balance:", "{closing}"]],
    csv=dict(delimiter=",", encoding="utf-8-sig"),
)
