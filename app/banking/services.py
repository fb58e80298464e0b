"""Statements in, gifts out (issue 17 B): the rules for saving a statement's lines and deciding each one.

An upload is read and staged (app.banking.staging: a private JSON file, nothing in the database),
then previewed; the confirmation saves the statement and the lines not seen before on that account (by
identity, app.banking.identity) in batches (app.core.imports.write_in_batches: resumable, a double
submit writes each line once). A line never changes the books by itself: the treasurer posts it as a
transfer gift (app.donations.services, with its own numbered phiếu thu), links it to an entry already
in the book, or sets it aside with a reason. Services never commit, except through write_in_batches,
which commits batch by batch on purpose. Refusals are BankError(message, field).
"""
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.services import record, record_many
from app.campaigns.models import Campaign
from app.core import books, idempotency, imports
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.donations import services as donations
from app.donations.donor_services import _clean_fields as _clean_donor  # the donor's checks, writing nothing
from app.donations.donors import Donor
from app.donations.importer import donors_for
from app.donations.models import TRANSFER, Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.funds.services import is_reversed
from app.vn.text import clean

from .accounts import BankError
from .identity import file_identities
from .matching import WINDOW, Match, counts, match_lines
from .models import IGNORED, IN, LINKED, POSTED, STATEMENT, WAITING, BankAccount, BankLine, BankStatement
from .statements.base import ParsedLine, ParsedStatement

SAVE, POST = "bks", "bkp"  # progress keys of a statement's save and of a posting
_CHUNK = 500


# ---- the preview ---------------------------------------------------------------------------------

@dataclass
class Preview:
    parsed: ParsedStatement
    identities: list[str]
    new: list[int]  # indexes (into parsed.lines) of the lines not seen before on the account
    matches: dict[int, Match]  # index -> match, for the new lines
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def known(self) -> int:
        return len(self.parsed.lines) - len(self.new)

    def totals(self, direction: str) -> tuple[int, int]:
        picked = [self.parsed.lines[i].amount for i in self.new if self.parsed.lines[i].direction == direction]
        return len(picked), sum(picked)

    def category(self, name: str, limit: int = 100) -> list[tuple[ParsedLine, Match]]:
        out = []
        for i in self.new:
            if self.matches[i].category == name:
                out.append((self.parsed.lines[i], self.matches[i]))
                if len(out) >= limit:
                    break
        return out


def seen_identities(account: BankAccount, lines) -> set[str]:
    """The identities already saved on the account over the lines' dates (a feed's line may be dated a
    day apart from the statement's: the window is widened)."""
    if not lines:
        return set()
    first = min(x.txn_date for x in lines) - timedelta(days=WINDOW)
    last = max(x.txn_date for x in lines) + timedelta(days=WINDOW)
    return set(db.session.scalars(select(BankLine.identity).where(
        BankLine.bank_account_id == account.id, BankLine.txn_date >= first, BankLine.txn_date <= last)))


def check_account(account: BankAccount, parsed: ParsedStatement) -> None:
    """Refuse a statement whose file names another account. Banks print the number plainly, with
    separators or a prefix, or masked ("0071XXXX3456": one digit per X, "0071***456": any run)."""
    stated = re.sub(r"[\s.\-]", "", parsed.account_number or "").upper()
    if not any(ch.isdigit() for ch in stated):
        return
    pattern = "".join("[0-9A-Z]*" if part.startswith("*") else "[0-9A-Z]" * len(part) if part.startswith("X")
                      else re.escape(part) for part in re.findall(r"\*+|X+|[^*X]+", stated))
    if not (re.fullmatch(pattern, account.account_number) or stated.endswith(account.account_number)):
        raise BankError(f"Sao kê này là của tài khoản {parsed.account_number}, không phải tài khoản "
                        f"{account.account_number}.", "file")


def preview(account: BankAccount, parsed: ParsedStatement) -> Preview:
    """What confirming would save: the new lines, each with its match; nothing written."""
    check_account(account, parsed)
    identities = file_identities(parsed.lines)
    seen = seen_identities(account, parsed.lines)
    new = [i for i, ident in enumerate(identities) if ident not in seen]
    found = match_lines(account.unit, [parsed.lines[i] for i in new])
    matches = dict(zip(new, found))
    return Preview(parsed, identities, new, matches, counts(found))


# ---- saving a statement --------------------------------------------------------------------------

@dataclass
class Saved:
    statement: BankStatement
    written: imports.Written


def _insert_ignoring_duplicates():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(BankLine).on_conflict_do_nothing(
        index_elements=["bank_account_id", "identity"])


def save_statement(account: BankAccount, parsed: ParsedStatement, *, filename: str, digest: str,
                   key: str = "", url=None) -> Saved:
    """Save the statement and its lines not seen before on the account, in batches.

    The progress is keyed on the account and the lines' identities, so confirming the same statement
    again (a double click, a second upload of the same file) continues or answers the first import
    instead of adding anything; an overlapping statement adds only its new lines (a line saved by a
    concurrent import in between is skipped by the unique identity). `key`/`url`: the form's
    double-submit key, remembered with the last batch with url(statement), the page it led to."""
    check_account(account, parsed)
    identities = file_identities(parsed.lines)
    progress_key = imports.progress_key(SAVE, f"{account.id}-" + hashlib.sha256(
        "\n".join(identities).encode()).hexdigest()[:40])
    with imports.checking():
        seen = seen_identities(account, parsed.lines)
        new = [i for i, ident in enumerate(identities) if ident not in seen]
        progress = imports.progress_of(progress_key)
        if progress is not None:  # this statement was confirmed before: its own list, not today's leftovers
            new = json.loads(progress.state or "{}").get("new", new)
        found = match_lines(account.unit, [parsed.lines[i] for i in new])
    unit_id, user_id = account.unit_id, actor_id()

    def write(start: int, stop: int, state: dict) -> None:
        if "statement_id" not in state:
            statement = BankStatement(unit_id=unit_id, bank_account_id=account.id, filename=clean(filename)[:200],
                                      digest=digest, layout=parsed.layout, date_from=parsed.date_from,
                                      date_to=parsed.date_to, opening_balance=parsed.opening_balance,
                                      closing_balance=parsed.closing_balance, lines_total=len(parsed.lines),
                                      created_by_id=user_id)
            db.session.add(statement)
            db.session.flush()
            state["statement_id"], state["new"] = statement.id, new
        rows = []
        for i, m in zip(new[start:stop], found[start:stop]):
            line = parsed.lines[i]
            rows.append(dict(unit_id=unit_id, bank_account_id=account.id, statement_id=state["statement_id"],
                             source=STATEMENT, identity=identities[i], reference=(line.reference or "")[:64],
                             txn_date=line.txn_date, amount=int(line.amount), direction=line.direction,
                             description=(line.description or "")[:500], balance=line.balance, code=m.code[:25],
                             payer_name=(m.donor_name or "")[:120], status=WAITING, created_at=utcnow()))
        if rows:
            db.session.execute(_insert_ignoring_duplicates(), rows)

    def finish(state: dict, progress) -> None:
        statement = db.session.get(BankStatement, state["statement_id"])
        statement.lines_new = db.session.scalar(select(db.func.count(BankLine.id)).where(
            BankLine.statement_id == statement.id))
        record("import_statement", statement, after=statement.audit_dict())
        if key and url is not None:
            idempotency.remember(key, statement, url(statement))

    written = imports.write_in_batches(progress_key, len(new), write, finish)
    statement = db.session.get(BankStatement, written.state["statement_id"]) if "statement_id" in written.state \
        else None
    return Saved(statement, written)


# ---- deciding lines --------------------------------------------------------------------------------

@dataclass
class Decision:
    """One incoming line to post: the drive it goes to, the donor's name (as edited), the gift's date."""

    line: BankLine
    campaign: Campaign
    donor_name: str
    day: date
    donor: object | None = None  # a donor code's Donor: used when the name was left as it is (same unit)


def _where(line: BankLine) -> str:
    return f"Giao dịch ngày {line.txn_date:%d/%m/%Y} ({line.amount:,} đ)".replace(",", ".")


def _lock(ids) -> dict[int, BankLine]:
    """The lines, read again under a row lock (PostgreSQL: FOR UPDATE; SQLite: the POST's write lock)."""
    out = {}
    for i in range(0, len(ids), _CHUNK):
        for line in db.session.scalars(select(BankLine).where(BankLine.id.in_(ids[i:i + _CHUNK]))
                                       .with_for_update().execution_options(populate_existing=True)):
            out[line.id] = line
    return out


def _waiting(line: BankLine, account: BankAccount) -> None:
    if line is None or line.bank_account_id != account.id:
        raise BankError("Giao dịch không thuộc tài khoản này.", "ids")
    if line.status != WAITING:
        raise BankError(f"{_where(line)} đã được xử lý ({line.status_label.lower()}).", "ids")


def _note(line: BankLine) -> str:
    parts = ["Chuyển khoản"]
    if line.reference:
        parts.append(f"mã GD {line.reference}")
    if line.code:
        parts.append(f"mã thanh toán {line.code}")
    return ", ".join(parts)[:500]


def _check_decisions(account: BankAccount, decisions: list[Decision]) -> None:
    """Each decision against the rules record_donation applies, writing nothing. The gift's rules that
    depend only on the drive and the day (open drive, open period, the books' window) are asked once
    per drive and day, not once per line: 10,000 lines would otherwise cost 10,000 queries."""
    _lock_free_reload([d.line.id for d in decisions])
    asked: set[tuple] = set()
    for d in decisions:
        _waiting(d.line, account)
        if d.line.direction != IN:
            raise BankError(f"{_where(d.line)} là tiền ra: chỉ khớp được với phiếu chi đã có.", "ids")
        if d.campaign is None or not d.campaign.unit.path.startswith(account.unit.path):
            raise BankError(f"{_where(d.line)}: vui lòng chọn đợt vận động.", "campaign_id")
        try:
            _clean_donor(d.donor_name, "person", "", "", "")
            if (d.campaign.id, d.day) in asked:
                books.check_amount(d.line.amount, "amount", error=donations.DonationError)
                continue
            donations._donation_fields(d.campaign, SimpleNamespace(id=None), d.line.amount, donation_date=d.day,
                                       method=TRANSFER, note=_note(d.line))
            asked.add((d.campaign.id, d.day))
        except Refusal as err:
            raise BankError(f"{_where(d.line)}: {err}", err.field) from None


def _lock_free_reload(ids) -> None:
    """Refresh the lines in a few queries (a commit expired them: one query each otherwise)."""
    for i in range(0, len(ids), _CHUNK):
        list(db.session.scalars(select(BankLine).where(BankLine.id.in_(ids[i:i + _CHUNK]))
                                .execution_options(populate_existing=True)))


def post_lines(account: BankAccount, decisions: list[Decision], *, key: str = "", url: str = "") -> imports.Written:
    """Post each decided line as a transfer gift (its own phiếu thu, numbered as usual), in batches.

    Every decision is checked first; then each batch locks its lines, refuses one no longer waiting
    (posted or set aside by someone else meanwhile: a line never posts twice) and writes the gifts of
    each drive in one bulk call, the lines marked POSTED with their gift. `key`: the form's
    double-submit key (the progress of this posting; a second click waits for the first and writes
    nothing). Returns the Written of app.core.imports."""
    progress_key = imports.progress_key(POST, key or secrets.token_hex(16))
    with imports.checking():  # on a snapshot, before the first batch takes the write lock
        progress = imports.progress_of(progress_key)
        stored = json.loads(progress.state or "{}").get("plan") if progress is not None else None
        if stored is None:
            if not decisions:
                raise BankError("Chưa chọn giao dịch nào.", "ids")
            _check_decisions(account, decisions)
    # The same submit again (a double click, or a posting that ran out of time) goes on with the plan the
    # first one made: the lines it posted are no longer "matched", so a new list would not line up.
    plan = stored or sorted(
        ([d.line.id, d.campaign.id, clean(d.donor_name), d.day.isoformat(),
          d.donor.id if d.donor is not None and clean(d.donor_name) == d.donor.name
          and d.donor.unit_id == d.campaign.unit_id else None]
         for d in decisions),
        # By drive, then day: a batch then writes one or two drives' gifts in one bulk call each, instead
        # of a call per drive for every few lines (40 drives mixed: 10 times slower).
        key=lambda p: (p[1], p[3], p[0]))

    def write(start: int, stop: int, state: dict) -> None:
        batch = state.setdefault("plan", plan)[start:stop]
        lines = _lock([p[0] for p in batch])
        by_campaign: dict[int, list] = {}
        for p in batch:
            _waiting(lines.get(p[0]), account)
            by_campaign.setdefault(p[1], []).append(p)
        now, audit = utcnow(), []
        campaigns = {c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(list(by_campaign))))}
        for campaign_id, group in by_campaign.items():
            campaign = campaigns[campaign_id]
            named = [p for p in group if p[4] is None]
            donors = dict(zip((p[0] for p in named), donors_for(campaign.unit, [
                dict(name=p[2], kind="person", address="", phone="") for p in named])))
            for p in group:
                if p[4] is not None:
                    donors[p[0]] = db.session.get(Donor, p[4])
            ids = donations.record_donations_bulk(campaign, [
                dict(donor=donors[p[0]], amount=lines[p[0]].amount, donation_date=date.fromisoformat(p[3]),
                     method=TRANSFER, note=_note(lines[p[0]])) for p in group])
            for p, donation_id in zip(group, ids):
                line = lines[p[0]]
                before = line.audit_dict()
                line.status, line.donation_id, line.payer_name = POSTED, donation_id, p[2][:120]
                line.decided_by_id, line.decided_at = actor_id(), now
                audit.append((line.id, line.unit_id, line.audit_dict(), before))
        db.session.flush()
        record_many("post_line", "bank_line", audit)
        state["posted"] = state.get("posted", 0) + len(batch)

    def finish(state: dict, progress) -> None:
        if key:
            idempotency.remember(key, account, url)

    return imports.write_in_batches(progress_key, len(plan), write, finish)


def link_line(line: BankLine, entry: LedgerEntry) -> BankLine:
    """Say the line is an entry already in the book (a gift typed by hand, a phiếu chi paid by transfer)."""
    account = line.account
    _waiting(_lock([line.id]).get(line.id), account)
    if entry is None:
        raise BankError(f"{_where(line)}: chưa có bút toán nào để khớp (xem cột gợi ý).", "ids")
    if not entry.unit.path.startswith(account.unit.path):
        raise BankError("Bút toán không thuộc đơn vị của tài khoản.", "entry_id")
    if entry.direction != line.direction or entry.amount != line.amount:
        raise BankError(f"{_where(line)}: bút toán {entry.number or ''} khác số tiền hoặc chiều thu/chi.", "entry_id")
    if entry.number is None or is_reversed(entry):
        raise BankError(f"Bút toán {entry.number or ''} đã bị hủy.", "entry_id")
    taken = db.session.scalar(select(BankLine.id).where(BankLine.entry_id == entry.id)) or db.session.scalar(
        select(BankLine.id).join(Donation, Donation.id == BankLine.donation_id).where(Donation.entry_id == entry.id))
    if taken:
        raise BankError(f"Bút toán {entry.number} đã khớp với một giao dịch ngân hàng khác.", "entry_id")
    before = line.audit_dict()
    line.status, line.entry_id, line.decided_by_id, line.decided_at = LINKED, entry.id, actor_id(), utcnow()
    db.session.flush()
    record("link_line", line, before=before, after=line.audit_dict())
    return line


def ignore_lines(lines: list[BankLine], reason: str) -> list[BankLine]:
    """Set lines aside (not the association's money, a bank fee recorded elsewhere...) with a reason."""
    reason = clean(reason or "")
    if not reason:
        raise BankError("Vui lòng ghi lý do bỏ qua.", "reason")
    if len(reason) > 300:
        raise BankError("Lý do quá 300 ký tự.", "reason")
    if not lines:
        raise BankError("Chưa chọn giao dịch nào.", "ids")
    locked = _lock([x.id for x in lines])
    now = utcnow()
    for line in lines:
        _waiting(locked.get(line.id), line.account)
        before = line.audit_dict()
        line.status, line.reason, line.decided_by_id, line.decided_at = IGNORED, reason, actor_id(), now
        record("ignore_line", line, before=before, after=line.audit_dict())
    db.session.flush()
    return lines


def remember_mapping(account: BankAccount, mapping: dict) -> BankAccount:
    """Keep the columns the user pointed at for the generic layout: the next upload starts from them."""
    before = account.audit_dict()
    account.layout, account.mapping_json = "generic", json.dumps(mapping, sort_keys=True)
    db.session.flush()
    record("update", account, before=before, after=account.audit_dict())
    return account


def reopen_line(line: BankLine) -> BankLine:
    """Back to the queue: a line set aside, or one whose gift was voided since (it may be posted again)."""
    line = _lock([line.id])[line.id]
    before = line.audit_dict()
    if line.status == IGNORED:
        line.reason = ""
    elif line.status == POSTED and line.donation is not None and line.donation.voided:
        line.donation_id = None
    else:
        raise BankError("Chỉ đưa về chờ xử lý được giao dịch đã bỏ qua, hoặc đã ghi mà khoản đóng góp đã bị hủy.")
    line.status, line.decided_by_id, line.decided_at = WAITING, None, None
    db.session.flush()
    record("reopen_line", line, before=before, after=line.audit_dict())
    return line


__all__ = ["BankError", "Decision", "Preview", "Saved", "check_account", "preview", "save_statement", "post_lines",
           "link_line", "ignore_lines", "remember_mapping", "reopen_line"]
