"""Techcombank: the account statement ("Sao kê tài khoản / Account statement") exported from
Techcombank Business / Mobile.

Modelled layout (sources: haiyen2002/bank_statement app/tcb/assets/data.ts, a Techcombank
statement's fields: branch, "from_date"/"to_date", customer, "account_no", "open_balance",
"total_volume" (debit and credit totals), "ending_balance"; and a TypeScript reader of the same
export, found with the code search, whose rows are date, remitter, remitter bank, details,
transaction no, debit, credit, balance, amounts "52,000" / "2,978,361"):

    TECHCOMBANK / SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT, branch, "Từ ngày/From date" and "Đến ngày/To
    date" (one row each), customer, "Số tài khoản/Account No", ... (33 rows)
    row 34: Ngày giao dịch | Đối tác | NH Đối tác | Diễn giải | Số bút toán | Nợ/TKĐ | Có/TKĐ | Số dư
    row 35: Transaction Date | Remitter | Remitter Bank | Details | Transaction No | Debit | Credit | Balance
    row 36: Số dư đầu kỳ/Opening balance ... 2,308,471; then the lines
    Tổng/Total ... ; Số dư cuối kỳ/Ending balance ...; "Phiếu này ..."

and, from a TypeScript reader of the same export found with the code search (its
TECHCOMBANK_DEBIT_CONFIG: header row 33 and data from 35, counted from 0; columns spread over merged
cells: date 1, remitter 7, remitter bank 16, details 24, transaction no 32, debit 45, credit 53,
balance 59; rows "Số dư đầu kỳ", "Phiếu này", "Diễn giải/Description" skipped), the two header
rows and the column spread, which the sample reproduces. The xlsx keeps real date cells; the CSV
writes "05/10/2026".
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

# Where the export puts each column (0-based; merged cells leave the columns between empty), after
# the TypeScript reader's TECHCOMBANK_DEBIT_CONFIG: header on row 34, data from row 36.
_AT = {"date": 1, "remitter": 7, "remitter_bank": 16, "description": 24, "reference": 32, "debit": 45,
       "credit": 53, "balance": 59}


def _spread(values: dict) -> list:
    row = [""] * (max(_AT.values()) + 1)
    for role, value in values.items():
        row[_AT[role]] = value
    return row


def _roles() -> list:
    row = [None] * (max(_AT.values()) + 1)
    for role, at in _AT.items():
        row[at] = role
    return row


SAMPLE = dict(
    title=[["", "TECHCOMBANK"],
           ["", "NGÂN HÀNG TMCP KỸ THƯƠNG VIỆT NAM"],
           ["", "Vietnam Technological and Commercial Joint Stock Bank"],
           []] + [[] for _ in range(8)] + [
           ["", "SAO KÊ TÀI KHOẢN"],
           ["", "ACCOUNT STATEMENT"],
           [],
           ["", "Chi nhánh/Branch:", "", "", "", "", "", "TCB HOI SO"],
           ["", "Từ ngày/From date:", "", "", "", "", "", "{date_from}"],
           ["", "Đến ngày/To date:", "", "", "", "", "", "{date_to}"],
           [],
           ["", "Tên khách hàng/Customer name:", "", "", "", "", "", "{name}"],
           ["", "Mã khách hàng/Customer ID:", "", "", "", "", "", "20352517"],
           ["", "Địa chỉ/Address:", "", "", "", "", "", "XA TAN PHU"],
           [],
           ["", "Số tài khoản/Account No:", "", "", "", "", "", "{account}"],
           ["", "Loại tài khoản/Type of account:", "", "", "", "", "", "TIEN GUI THANH TOAN"],
           ["", "Loại tiền/Currency:", "", "", "", "", "", "VND"],
           [], [], [], [], [], [], []],
    header=_spread({"date": "Ngày giao dịch", "remitter": "Đối tác", "remitter_bank": "NH Đối tác",
                    "description": "Diễn giải", "reference": "Số bút toán", "debit": "Nợ/TKĐ", "credit": "Có/TKĐ",
                    "balance": "Số dư"}),
    table_head=[_spread({"date": "Transaction Date", "remitter": "Remitter", "remitter_bank": "Remitter Bank",
                         "description": "Details", "reference": "Transaction No", "debit": "Debit",
                         "credit": "Credit", "balance": "Balance"}),
                _spread({"date": "Số dư đầu kỳ/Opening balance", "balance": "{opening}"})],
    cells=_roles(),
    money="comma", money_as_number=True, date_cell="date",
    footer=[_spread({"date": "Tổng/Total", "debit": "{total_debit}", "credit": "{total_credit}"}),
            _spread({"date": "Số dư cuối kỳ/Ending balance", "balance": "{closing}"}),
            [], ["", "Phiếu này được in từ hệ thống/This statement is printed from the system"]],
    csv=dict(delimiter=",", encoding="utf-8-sig"),
)
