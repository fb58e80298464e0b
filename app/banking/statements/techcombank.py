"""Techcombank: the account statement ("Sao kê tài khoản / Account statement") exported from
Techcombank Business / Mobile.

Modelled layout (sources: haiyen2002/bank_statement app/tcb/assets/data.ts, a Techcombank
statement's fields: branch, "from_date"/"to_date", customer, "account_no", "open_balance",
"total_volume" (debit and credit totals), "ending_balance"; and a TypeScript reader of the same
export, found with the code search, whose rows are date, remitter, remitter bank, details,
transaction no, debit, credit, balance, amounts "52,000" / "2,978,361"):

    TECHCOMBANK / SAO KÊ TÀI KHOẢN - ACCOUNT STATEMENT
    Từ ngày/From date: 01/10/2026 ; Đến ngày/To date: 31/10/2026 (one row each)
    Số tài khoản/Account No: 19020352517013 ; Số dư đầu kỳ/Opening balance: 2,308,471
    Ngày giao dịch/Transaction Date | Đối tác/Remitter | NH Đối tác/Remitter Bank | Diễn giải/Details |
        Số bút toán/Transaction No | Nợ/TKĐ Debit | Có/TKĐ Credit | Số dư/Balance
    Tổng/Total ... ; Số dư cuối kỳ/Ending balance: ...

The xlsx keeps real date cells; the CSV writes "05/10/2026".
"""
from .table import Layout

LAYOUT = Layout(
    key="techcombank", label="Techcombank",
    columns={
        "date": ("ngay giao dich", "transaction date", "ngay gd"),
        "reference": ("so but toan", "transaction no", "ma giao dich", "so tham chieu"),
        "debit": ("debit", "no/tkd", "no tkd"),
        "credit": ("credit", "co/tkd", "co tkd"),
        "balance": ("so du", "balance"),
        "description": ("dien giai", "details", "noi dung", "description"),
        "remitter": ("doi tac", "remitter"),
        "remitter_bank": ("nh doi tac", "remitter bank"),
    },
    markers=("techcombank", "ngan hang tmcp ky thuong", "tcb"),
)

SAMPLE = dict(
    title=[["TECHCOMBANK"],
           ["SAO KÊ TÀI KHOẢN - ACCOUNT STATEMENT"],
           ["Chi nhánh/Branch:", "TCB HOI SO"],
           ["Từ ngày/From date:", "{date_from}"],
           ["Đến ngày/To date:", "{date_to}"],
           ["Tên khách hàng/Customer name:", "{name}"],
           ["Số tài khoản/Account No:", "{account}"],
           ["Số dư đầu kỳ/Opening balance:", "{opening}"],
           []],
    header=["Ngày giao dịch\nTransaction Date", "Đối tác\nRemitter", "NH Đối tác\nRemitter Bank",
            "Diễn giải\nDetails", "Số bút toán\nTransaction No", "Nợ/TKĐ\nDebit", "Có/TKĐ\nCredit",
            "Số dư\nBalance"],
    cells=["date", "remitter", "remitter_bank", "description", "reference", "debit", "credit", "balance"],
    money="comma", money_as_number=True, date_cell="date",
    footer=[["Tổng/Total", "", "", "", "", "{total_debit}", "{total_credit}"],
            ["Số dư cuối kỳ/Ending balance:", "{closing}"]],
    csv=dict(delimiter=",", encoding="utf-8-sig"),
)
