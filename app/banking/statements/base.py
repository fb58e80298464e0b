"""What every statement reader returns: the lines of one bank statement, in plain values.

Readers (one module per bank layout, plus the generic mapping) turn the bank's own export into a
ParsedStatement; matching (app.banking.matching) and saving (app.banking.services) read only this.
"""
from dataclasses import dataclass, field
from datetime import date


@dataclass
class ParsedLine:
    row: int  # the line's row number in the file (1-based, as the spreadsheet shows it)
    txn_date: date
    amount: int  # whole đồng, > 0
    direction: str  # "in" (ghi có, tiền vào) or "out" (ghi nợ, tiền ra)
    description: str  # NFC, as the bank wrote it
    reference: str = ""  # the bank's reference (số bút toán / mã giao dịch), "" when none
    balance: int | None = None  # running balance after the line, when the file has it
    counterparty: str = ""  # the other party's name when the bank gives it a column (Techcombank "Đối tác")


@dataclass
class ParsedStatement:
    layout: str  # the reader's key: "vcb", "bidv", "vietinbank", "agribank", "techcombank", "mb", "generic"
    lines: list[ParsedLine] = field(default_factory=list)
    account_number: str = ""  # as the file states it, when it does (checked against the chosen account)
    date_from: date | None = None
    date_to: date | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
