"""The queue of an account's bank lines: filtered, matched, paged, and the decisions its bulk form posts.

A waiting line's match is worked out when the queue is shown, not stored: drives close, gifts get
typed by hand, entries get linked, and the suggestion must say what is true now. So the filtered
lines are read as plain rows (a few columns), matched all at once (app.banking.matching: a few
queries, then dict lookups) and filtered by category and by the search (without diacritics) in
Python; only the page's lines are loaded whole.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.campaigns.models import Campaign
from app.campaigns.services import open_campaigns
from app.core.paging import Page
from app.donations.donors import Donor
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.vn.text import fold

from .matching import CATEGORIES, GIFT, LINK, Match, match_lines
from .models import WAITING, BankLine, BankStatement
from .services import Decision

PER_PAGE = 50
CAMPAIGN_CHOICES_MAX = 30
ALL = "all"


@dataclass
class Criteria:
    status: str = ""  # "" waiting, "all", or a status
    category: str = ""
    statement_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


@dataclass
class Row:
    line: BankLine
    match: Match | None


@dataclass
class Queue:
    page: Page  # items: Row
    counts: dict[str, int] = field(default_factory=dict)  # waiting lines per category (before that filter)
    postable: int = 0  # matched lines that "Ghi tất cả các dòng đã khớp" would post


def _selected(account, c: Criteria):
    stmt = select(BankLine.id, BankLine.txn_date, BankLine.amount, BankLine.direction, BankLine.description,
                  BankLine.reference, BankLine.payer_name, BankLine.code, BankLine.status).where(
        BankLine.bank_account_id == account.id)
    if c.status != ALL:
        stmt = stmt.where(BankLine.status == (c.status or WAITING))
    if c.statement_id:
        stmt = stmt.where(BankLine.statement_id == c.statement_id)
    if c.date_from:
        stmt = stmt.where(BankLine.txn_date >= c.date_from)
    if c.date_to:
        stmt = stmt.where(BankLine.txn_date <= c.date_to)
    rows = list(db.session.execute(stmt.order_by(BankLine.txn_date, BankLine.id)))
    if c.q:
        key = fold(c.q)
        rows = [r for r in rows if key in fold(" ".join((r.description, r.payer_name, r.reference, r.code)))]
    return rows


def matched(account, c: Criteria) -> tuple[list, dict[int, Match]]:
    """The lines of the filter (category aside) and the match of each waiting one, by line id."""
    rows = _selected(account, c)
    waiting = [r for r in rows if r.status == WAITING]
    return rows, dict(zip((r.id for r in waiting), match_lines(account.unit, waiting)))


def build(account, c: Criteria, page: int) -> Queue:
    rows, matches = matched(account, c)
    counts = dict.fromkeys(CATEGORIES, 0)
    for m in matches.values():
        counts[m.category] += 1
    if c.category:
        rows = [r for r in rows if r.id in matches and matches[r.id].category == c.category]
    postable = sum(1 for r in rows if r.id in matches and matches[r.id].action == GIFT)
    ids = [r.id for r in rows[(page - 1) * PER_PAGE:page * PER_PAGE]]
    loaded = {x.id: x for x in db.session.scalars(
        select(BankLine).where(BankLine.id.in_(ids)).options(
            selectinload(BankLine.donation).selectinload(Donation.entry), selectinload(BankLine.entry),
            selectinload(BankLine.statement)))} if ids else {}
    items = [Row(loaded[i], matches.get(i)) for i in ids]
    return Queue(Page(items, page, PER_PAGE, len(rows)), counts, postable)


def campaign_choices(account, wanted=()) -> list[tuple[int, str]]:
    """The open drives a line can be posted to: the account's unit's and below (past CAMPAIGN_CHOICES_MAX,
    the account's unit's own and those the page's matches name)."""
    campaigns = open_campaigns(account.unit)
    if len(campaigns) > CAMPAIGN_CHOICES_MAX:
        campaigns = [x for x in campaigns if x.unit_id == account.unit_id or x.id in set(wanted)]
    return [(0, "— Chọn đợt vận động —")] + [(x.id, f"{x.name} - {x.unit.name}") for x in campaigns]


def statement_choices(account) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(BankStatement).where(BankStatement.bank_account_id == account.id)
                              .order_by(BankStatement.id.desc()).limit(50))
    return [(0, "Mọi sao kê")] + [(s.id, f"{s.filename or 'Sao kê'} ({s.created_at:%d/%m/%Y})") for s in rows]


def _posted_int(formdata, name: str) -> int | None:
    raw = (formdata.get(name) or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None


def _lines(account, ids) -> list[BankLine]:
    found = {x.id: x for x in db.session.scalars(select(BankLine).where(
        BankLine.id.in_(ids), BankLine.bank_account_id == account.id))} if ids else {}
    return [found[i] for i in ids if i in found]


def _decisions(lines, matches: dict[int, Match], formdata) -> list[Decision]:
    wanted = {_posted_int(formdata, f"campaign-{x.id}") or (matches[x.id].campaign_id if x.id in matches else None)
              for x in lines}
    campaigns = {x.id: x for x in db.session.scalars(select(Campaign).where(Campaign.id.in_(
        [w for w in wanted if w])))}
    donor_ids = sorted({m.donor_id for m in matches.values() if m.donor_id})
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_(donor_ids)))} if donor_ids else {}
    out = []
    for line in lines:
        m = matches.get(line.id)
        cid = _posted_int(formdata, f"campaign-{line.id}") or (m.campaign_id if m else None)
        name = formdata.get(f"name-{line.id}")
        if name is None:
            name = (m.donor_name if m else "") or line.payer_name
        out.append(Decision(line, campaigns.get(cid), name, line.txn_date,
                            donors.get(m.donor_id) if m and m.donor_id else None))
    return out


def picked_decisions(account, ids: list[int], formdata) -> list[Decision]:
    """The ticked lines, each with the drive and the name as the form shows them (edited or not)."""
    lines = _lines(account, ids)
    waiting = [x for x in lines if x.status == WAITING]
    return _decisions(lines, dict(zip((x.id for x in waiting), match_lines(account.unit, waiting))), formdata)


def matched_decisions(account, c: Criteria, formdata) -> list[Decision]:
    """Every waiting line of the filter matched to a drive (all pages), names edited on this page kept."""
    rows, matches = matched(account, c)
    ids = [r.id for r in rows if r.id in matches and matches[r.id].action == GIFT]
    return _decisions(_lines_bulk(account, ids), matches, formdata)


def _lines_bulk(account, ids) -> list[BankLine]:
    out = []
    for i in range(0, len(ids), 500):
        out += _lines(account, ids[i:i + 500])
    return out


def picked_links(account, ids: list[int], formdata) -> list[tuple[BankLine, LedgerEntry | None]]:
    """The ticked lines with the book entry chosen for each (the posted one, else the suggested one)."""
    lines = _lines(account, ids)
    waiting = [x for x in lines if x.status == WAITING]
    matches = dict(zip((x.id for x in waiting), match_lines(account.unit, waiting)))
    out = []
    for line in lines:
        m = matches.get(line.id)
        entry_id = _posted_int(formdata, f"entry-{line.id}") or (m.entry_id if m and m.action == LINK else None)
        out.append((line, db.session.get(LedgerEntry, entry_id) if entry_id else None))
    return out


def picked_lines(account, ids: list[int]) -> list[BankLine]:
    return _lines(account, ids)
