"""An uploaded statement between the requests of one import: read under the upload bound, kept as a
private JSON file (app.core.imports.stage: owned by the uploader and the account, swept after a few
hours, never in the database) until the preview's "Lưu" saves it or the user walks away."""
import base64
import hashlib
from datetime import date

from app.core import imports
from app.vn.text import clean

from .accounts import BankError
from .models import BankAccount
from .statements.base import ParsedLine, ParsedStatement

STAGE = "bk"  # staged uploads: instance/imports/bk-<token>.json


def read_file(file, max_bytes: int | None) -> tuple[bytes, str]:
    """The uploaded file's bytes and name, read no further than `max_bytes` (the app's upload bound)."""
    if file is None or not getattr(file, "filename", ""):
        raise BankError("Vui lòng chọn tệp sao kê (.xlsx hoặc .csv).", "file")
    data = file.read(max_bytes + 1) if max_bytes else file.read()
    if not data:
        raise BankError("Tệp tải lên trống.", "file")
    if max_bytes and len(data) > max_bytes:
        raise BankError(f"Tệp quá lớn (tối đa {max_bytes // (1024 * 1024) or 1} MB).", "file")
    return data, clean(file.filename)[:200]


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stage_file(account: BankAccount, data: bytes, filename: str) -> str:
    """Keep the raw file (for the generic layout's column mapping); its token."""
    return imports.stage(STAGE, {"file": base64.b64encode(data).decode("ascii"), "filename": filename,
                                 "digest": digest_of(data)}, account_id=account.id)


def stage_parsed(account: BankAccount, parsed: ParsedStatement, filename: str, digest: str) -> str:
    """Keep a read statement until it is confirmed; its token."""
    return imports.stage(STAGE, {"filename": filename, "digest": digest, "statement": dump(parsed)},
                         account_id=account.id)


def staged(account: BankAccount, token: str) -> dict | None:
    """The current user's staged upload for this account, or None (unknown, expired, someone else's)."""
    return imports.load_staged(STAGE, token, account_id=account.id)


def staged_file(payload: dict) -> bytes:
    return base64.b64decode(payload["file"])


def dump(parsed: ParsedStatement) -> dict:
    return {"layout": parsed.layout, "account_number": parsed.account_number,
            "date_from": parsed.date_from and parsed.date_from.isoformat(),
            "date_to": parsed.date_to and parsed.date_to.isoformat(),
            "opening_balance": parsed.opening_balance, "closing_balance": parsed.closing_balance,
            "lines": [[x.row, x.txn_date.isoformat(), x.amount, x.direction, x.description, x.reference, x.balance,
                       getattr(x, "counterparty", "")] for x in parsed.lines]}


def load(data: dict) -> ParsedStatement:
    def day(v):
        return date.fromisoformat(v) if v else None

    return ParsedStatement(layout=data["layout"], account_number=data.get("account_number", ""),
                           date_from=day(data.get("date_from")), date_to=day(data.get("date_to")),
                           opening_balance=data.get("opening_balance"), closing_balance=data.get("closing_balance"),
                           lines=[ParsedLine(row, date.fromisoformat(d), amount, direction, text, ref, bal, *rest)
                                  for row, d, amount, direction, text, ref, bal, *rest in data["lines"]])
