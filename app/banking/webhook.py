"""The optional live feed: a payment notification from SePay, Casso or the bank's own service, queued
as a bank line for the treasurer's confirmation (never posted unseen).

One scheme, and only one, authenticates a notification: an HMAC-SHA256 of the raw request body keyed
with the account's secret (BankAccount.webhook_secret, 64 hex characters, made by make_secret), sent
as the header

    X-Signature: sha256=<64 hex digits>

A static key in a header (SePay's "Authorization: Apikey <key>") is NOT accepted: it travels with
every request and proves nothing about the body, so a copy of one request could be replayed with any
amount. The body is the SePay/Casso shape:

    {"id": 92704, "gateway": "Vietcombank", "transactionDate": "2024-07-25 14:02:37",
     "accountNumber": "0071000123456", "code": null, "content": "NGUYEN VAN A chuyen tien KH24D123X",
     "transferType": "in", "transferAmount": 500000, "accumulated": 19077000,
     "referenceCode": "FT24207000123", "description": "..."}

A notification is idempotent: its line's identity is "ref:<referenceCode>" (the identity a statement
line with that bank reference gets, app.banking.identity) or, without one, "hook:<id>"; the same
notification twice, or the statement imported later, adds nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.core.refusal import Refusal
from app.extensions import db
from app.vn.text import clean

from .codes import find_codes
from .identity import MAX as IDENTITY_MAX
from .identity import line_identity
from .models import IN, OUT, WAITING, WEBHOOK, BankAccount, BankLine
from .statements.base import ParsedLine
from .statements.names import payer_name

MAX_BODY = 16 * 1024  # a notification is well under 2 KB; anything larger is refused unread
SIGNATURE_HEADER = "X-Signature"
_SIGNATURE = re.compile(r"^sha256=([0-9a-fA-F]{64})$")
_HOOK_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,60}$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?.*)?$")


class HookRefused(Refusal):
    """A refused notification: `status` is the HTTP answer (400, 401, 413), the message a short English
    sentence for the sender's log (the sender is a program, not a person)."""

    status = 400

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


UNAUTHORISED = "bad or missing signature"


# ---- the key -----------------------------------------------------------------------------------

def make_secret(account: BankAccount) -> str:
    """A new secret for the account's feed (any previous one stops working); audited without it."""
    before = {"webhook": account.webhook_secret is not None}
    account.webhook_secret = secrets.token_hex(32)
    record("webhook_key", account, before=before, after={"webhook": True})
    return account.webhook_secret


def turn_off(account: BankAccount) -> None:
    """No feed for the account: every notification is refused until a new secret is made."""
    before = {"webhook": account.webhook_secret is not None}
    account.webhook_secret = None
    record("webhook_key", account, before=before, after={"webhook": False})


def signature(secret: str, body: bytes) -> str:
    """The header's value for `body` (what the sender computes; the tests and the setup page use it)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(account: BankAccount | None, body: bytes, header: str | None) -> BankAccount:
    """The account when the notification is signed with its secret; HookRefused(401) otherwise, the
    same answer for an unknown account, one turned off or set aside, and a wrong signature."""
    if account is None or not account.active or not account.webhook_secret:
        raise HookRefused(UNAUTHORISED, 401)
    match = _SIGNATURE.match((header or "").strip())
    expected = hmac.new(account.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    if not match or not hmac.compare_digest(match.group(1).lower(), expected):
        raise HookRefused(UNAUTHORISED, 401)
    return account


# ---- the notification --------------------------------------------------------------------------

@dataclass
class Notification:
    hook_id: str
    txn_date: date
    account_number: str
    direction: str
    amount: int
    content: str
    description: str
    reference: str
    balance: int | None

    @property
    def identity(self) -> str:
        if self.reference:
            return line_identity(ParsedLine(row=0, txn_date=self.txn_date, amount=self.amount,
                                            direction=self.direction, description=self.content,
                                            reference=self.reference, balance=self.balance), 0)
        return ("hook:" + self.hook_id)[:IDENTITY_MAX]

    @property
    def identities(self) -> set[str]:
        """Every identity a line of this notification may already have (by reference, by id)."""
        return {self.identity, ("hook:" + self.hook_id)[:IDENTITY_MAX]}


def _whole(value, name: str, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool):
        raise HookRefused(f"{name} must be a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int):
        raise HookRefused(f"{name} must be a whole number")
    return value


def _text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise HookRefused(f"{name} must be a string")
    return clean(value)[:limit]


def parse(body: bytes) -> Notification:
    """The notification in plain values; HookRefused(400) with the field at fault otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise HookRefused("body is not JSON") from None
    if not isinstance(data, dict):
        raise HookRefused("body must be a JSON object")
    hook_id = data.get("id")
    hook_id = str(hook_id).strip() if isinstance(hook_id, (int, str)) and not isinstance(hook_id, bool) else ""
    if not _HOOK_ID.match(hook_id):
        raise HookRefused("id is missing or invalid")
    match = _DATE.match(str(data.get("transactionDate") or "").strip())
    try:
        txn_date = date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        txn_date = None
    if txn_date is None:
        raise HookRefused("transactionDate must look like 2024-07-25 14:02:37")
    direction = str(data.get("transferType") or "").strip().lower()
    if direction not in (IN, OUT):
        raise HookRefused("transferType must be in or out")
    amount = _whole(data.get("transferAmount"), "transferAmount")
    if not 0 < amount <= current_app.config.get("MAX_AMOUNT", 100_000_000_000):
        raise HookRefused("transferAmount out of range")
    reference = _text(data.get("referenceCode"), "referenceCode", 200)
    if len(reference) > 64:
        raise HookRefused("referenceCode too long")
    return Notification(hook_id=hook_id, txn_date=txn_date,
                        account_number=re.sub(r"[\s.\-]", "", _text(data.get("accountNumber"), "accountNumber", 40)).upper(),
                        direction=direction, amount=amount, content=_text(data.get("content"), "content", 500),
                        description=_text(data.get("description"), "description", 1000), reference=reference,
                        balance=_whole(data.get("accumulated"), "accumulated", required=False))


def receive(account: BankAccount, body: bytes) -> tuple[BankLine, bool]:
    """Queue a verified notification as a waiting bank line: (line, True), or (the line already there,
    False) for a notification seen before, by its id or by the bank's reference."""
    note = parse(body)
    if note.account_number != account.account_number:
        raise HookRefused("accountNumber is not this account's")
    seen = db.session.scalar(select(BankLine).where(BankLine.bank_account_id == account.id,
                                                    BankLine.identity.in_(note.identities)))
    if seen is not None:
        return seen, False
    text = note.content or note.description
    codes = find_codes(f"{note.content} {note.description}")
    line = BankLine(unit_id=account.unit_id, bank_account_id=account.id, source=WEBHOOK, identity=note.identity,
                    reference=note.reference, txn_date=note.txn_date, amount=note.amount, direction=note.direction,
                    description=text[:500], balance=note.balance, code=codes[0].code if codes else "",
                    payer_name=payer_name(text)[:120] if note.direction == IN else "", status=WAITING)
    try:
        with db.session.begin_nested():
            db.session.add(line)
            db.session.flush()
    except IntegrityError:  # the same notification, delivered twice at once: the other one saved it
        seen = db.session.scalar(select(BankLine).where(BankLine.bank_account_id == account.id,
                                                        BankLine.identity.in_(note.identities)))
        if seen is None:
            raise
        return seen, False
    record("create", line, after=line.audit_dict())  # no one signed in: the log says "system"
    return line, True
