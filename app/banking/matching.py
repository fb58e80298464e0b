"""A bank line -> what it most likely is: a new transfer gift to a drive, or an entry already in the book.

Incoming lines are read for payment codes first (app.banking.codes, anywhere in the bank's text):
one code naming an OPEN drive of the account's unit or below is "matched" (the treasurer posts it as
a new transfer gift to that drive, from the code's donor or the payer named in the text). Two
different codes, a code of a closed, unknown or foreign drive, or a code whose line also looks like
a gift already typed into that drive's fund by hand are "ambiguous": the treasurer decides, seeing
the candidates. Lines without a code (and outgoing lines: a payment is never created from the bank)
are matched by amount and date (±WINDOW days) against the book's transfer entries of the unit and
below that no bank line explains yet: one candidate is "matched" (link it); of several, the one whose
giver the bank's text names is "matched", else they are "ambiguous";
none "unmatched".

Everything a whole statement needs is read up front in a few queries (the drives its codes name,
their donors, the book's open transfer entries of the period), then each line is a few dict lookups:
10,000 lines match in well under a second.
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.core.authz import scope_unit_ids
from app.donations.donors import Donor
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from app.units.models import Unit
from app.vn.money import format_vnd
from app.vn.text import fold

from . import codes
from .models import IN, BankLine
from .statements.names import payer_name

MATCHED, AMBIGUOUS, UNMATCHED = "matched", "ambiguous", "unmatched"
CATEGORIES = (MATCHED, AMBIGUOUS, UNMATCHED)
CATEGORY_LABELS = {MATCHED: "Đã khớp", AMBIGUOUS: "Cần xem lại", UNMATCHED: "Chưa khớp"}
GIFT, LINK = "gift", "link"  # what a matched line becomes: a new transfer gift, or a link to a book entry
WINDOW = 3  # days between the bank's date and the book's
_CHUNK = 500  # ids per IN (...) list
_WORDS = re.compile(r"[0-9a-z]+")


@dataclass
class Candidate:
    kind: str  # "campaign" or "entry"
    id: int
    label: str


@dataclass
class Match:
    category: str
    action: str = ""  # GIFT or LINK when matched
    code: str = ""  # the one payment code found (or the first of several)
    campaign_id: int | None = None
    campaign_label: str = ""
    donor_id: int | None = None  # a donor code's donor
    donor_name: str = ""  # the donor's name, else the payer read from the bank's text
    entry_id: int | None = None  # LINK: the book entry
    entry_label: str = ""
    reason: str = ""  # why ambiguous or unmatched, for the treasurer
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.category]


@dataclass
class _Entry:
    id: int
    day: date
    amount: int
    direction: str
    fund_id: int
    number: str
    counterparty: str

    @property
    def label(self) -> str:
        who = f" · {self.counterparty}" if self.counterparty else ""
        return f"{self.number} ngày {self.day:%d/%m/%Y} · {format_vnd(self.amount)}{who}"


def _chunks(ids):
    ids = sorted(ids)
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def open_entries(unit: Unit, date_from: date, date_to: date, *, keep: int | None = None) -> list[_Entry]:
    """The book's transfer entries of `unit` and below dated within the period (± WINDOW days) that no
    bank line explains yet: numbered (not a reversal), not reversed, not linked to a line and not the
    phiếu thu of a gift posted from a line. `keep`: an entry id kept even if linked (none by default)."""
    reversal = aliased(LedgerEntry)
    linked = select(BankLine.entry_id).where(BankLine.entry_id.is_not(None))
    posted = (select(Donation.entry_id).join(BankLine, BankLine.donation_id == Donation.id)
              .where(Donation.entry_id.is_not(None)))
    stmt = (select(LedgerEntry.id, LedgerEntry.entry_date, LedgerEntry.amount, LedgerEntry.direction,
                   LedgerEntry.fund_id, LedgerEntry.number, LedgerEntry.counterparty)
            .where(LedgerEntry.unit_id.in_(scope_unit_ids(unit)), LedgerEntry.method == "transfer",
                   LedgerEntry.number.is_not(None),
                   LedgerEntry.entry_date >= date_from - timedelta(days=WINDOW),
                   LedgerEntry.entry_date <= date_to + timedelta(days=WINDOW),
                   ~exists().where(reversal.reversal_of_id == LedgerEntry.id),
                   LedgerEntry.id.not_in(linked), LedgerEntry.id.not_in(posted)))
    return [_Entry(*row) for row in db.session.execute(stmt)]


def _named_in(line, entries: list[_Entry]) -> list[_Entry]:
    """The entries whose payer's name the bank's text carries (banks print it without diacritics, in
    capitals: "CHAU THI DIEM chuyen tien" names "Châu Thị Diễm"), whole words only."""
    text = f" {' '.join(_WORDS.findall(fold(line.description or '')))} "
    out = []
    for entry in entries:
        name = " ".join(_WORDS.findall(fold(entry.counterparty or "")))
        if name and f" {name} " in text:
            out.append(entry)
    return out


class Matcher:
    """Matches lines of one account (anything with txn_date, amount, direction, description)."""

    def __init__(self, unit: Unit, lines):
        self.unit = unit
        lines = list(lines)
        self._codes = {id(line): (codes.find_codes(line.description) if line.direction == IN else [])
                       for line in lines}
        wanted = {f.campaign_id for found in self._codes.values() for f in found}
        self.campaigns: dict[int, Campaign] = {}
        for ids in _chunks(wanted):
            for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(ids))):
                self.campaigns[c.id] = c
        donors = {f.donor_id for found in self._codes.values() for f in found if f.donor_id}
        self.donors: dict[int, tuple[int, str]] = {}
        for ids in _chunks(donors):
            for donor_id, unit_id, name in db.session.execute(
                    select(Donor.id, Donor.unit_id, Donor.name).where(Donor.id.in_(ids))):
                self.donors[donor_id] = (unit_id, name)
        self.by_amount: dict[tuple, list[_Entry]] = defaultdict(list)
        if lines:
            first = min(line.txn_date for line in lines)
            last = max(line.txn_date for line in lines)
            for entry in open_entries(unit, first, last):
                self.by_amount[(entry.direction, entry.amount)].append(entry)

    def _in_scope(self, campaign: Campaign) -> bool:
        return campaign.unit.path.startswith(self.unit.path)

    def _near(self, line, fund_id: int | None = None) -> list[_Entry]:
        out = []
        for entry in self.by_amount.get((line.direction, int(line.amount)), ()):
            if abs((entry.day - line.txn_date).days) <= WINDOW and (fund_id is None or entry.fund_id == fund_id):
                out.append(entry)
        out.sort(key=lambda e: (abs((e.day - line.txn_date).days), e.id))
        return out

    def match(self, line) -> Match:
        found = self._codes.get(id(line))
        if found is None:  # a line not given to the constructor
            found = codes.find_codes(line.description) if line.direction == IN else []
        if found:
            return self._by_code(line, found)
        near = self._near(line)
        if len(near) > 1:  # two gifts of the same amount near that day: the one whose giver the bank names
            named = _named_in(line, near)
            near = named if len(named) == 1 else near
        if len(near) == 1:
            return Match(MATCHED, LINK, entry_id=near[0].id, entry_label=near[0].label,
                         candidates=[Candidate("entry", near[0].id, near[0].label)])
        if near:
            return Match(AMBIGUOUS, reason=f"Có {len(near)} bút toán chuyển khoản cùng số tiền, gần ngày này.",
                         candidates=[Candidate("entry", e.id, e.label) for e in near[:10]],
                         donor_name=self._payer(line))
        return Match(UNMATCHED, donor_name=self._payer(line),
                     reason="Không có mã thanh toán, không thấy bút toán chuyển khoản cùng số tiền gần ngày này.")

    @staticmethod
    def _payer(line) -> str:
        """The sender: the bank's own column when it has one (ParsedLine.counterparty), the name kept when
        the line was saved (BankLine.payer_name), else read from the description."""
        if line.direction != IN:
            return ""
        named = getattr(line, "counterparty", "")
        if named:
            return named.title() if named.isupper() else named  # banks print it in capitals
        return getattr(line, "payer_name", "") or payer_name(line.description)

    def _campaign_label(self, campaign: Campaign) -> str:
        return f"{campaign.name} - {campaign.unit.name}"

    def _by_code(self, line, found) -> Match:
        first = found[0]
        if len(found) > 1:
            known = [self.campaigns.get(f.campaign_id) for f in found]
            return Match(AMBIGUOUS, code=first.code, donor_name=self._payer(line),
                         reason="Nội dung có nhiều mã thanh toán: " + ", ".join(f.code for f in found) + ".",
                         candidates=[Candidate("campaign", c.id, self._campaign_label(c)) for c in known
                                     if c is not None and c.is_open and self._in_scope(c)])
        campaign = self.campaigns.get(first.campaign_id)
        if campaign is None or campaign.unit_id != first.unit_id or not self._in_scope(campaign):
            return Match(AMBIGUOUS, code=first.code, donor_name=self._payer(line),
                         reason=f"Mã {first.code} không thuộc đợt vận động nào của đơn vị.")
        label = self._campaign_label(campaign)
        donor_name, donor_id = self._payer(line), None
        known = self.donors.get(first.donor_id) if first.donor_id else None
        if known is not None and known[0] == campaign.unit_id:
            donor_id, donor_name = first.donor_id, known[1]
        if not campaign.is_open:
            return Match(AMBIGUOUS, code=first.code, campaign_label=label, donor_name=donor_name, donor_id=donor_id,
                         reason=f"Mã {first.code} là của đợt “{campaign.name}”, đợt này đã kết thúc.")
        near = self._near(line, campaign.fund_id)
        if near:
            return Match(AMBIGUOUS, code=first.code, campaign_id=campaign.id, campaign_label=label,
                         donor_name=donor_name, donor_id=donor_id,
                         reason="Có mã thanh toán, nhưng sổ đã có khoản chuyển khoản cùng số tiền gần ngày này "
                                "(có thể đã ghi tay).",
                         candidates=[Candidate("campaign", campaign.id, label)]
                         + [Candidate("entry", e.id, e.label) for e in near[:10]])
        return Match(MATCHED, GIFT, code=first.code, campaign_id=campaign.id, campaign_label=label,
                     donor_id=donor_id, donor_name=donor_name,
                     candidates=[Candidate("campaign", campaign.id, label)])


def match_lines(unit: Unit, lines) -> list[Match]:
    """Each line's Match, in order. One book entry is one line's: an entry that is the only candidate
    of several lines links none of them by itself (each becomes ambiguous)."""
    lines = list(lines)
    matcher = Matcher(unit, lines)
    out = [matcher.match(line) for line in lines]
    claims: dict[int, int] = defaultdict(int)
    for m in out:
        if m.action == LINK:
            claims[m.entry_id] += 1
    for m in out:
        if m.action == LINK and claims[m.entry_id] > 1:
            m.category, m.action = AMBIGUOUS, ""
            m.reason = "Nhiều giao dịch cùng khớp một bút toán trong sổ."
    return out


def counts(matches) -> dict[str, int]:
    out = dict.fromkeys(CATEGORIES, 0)
    for m in matches:
        out[m.category] += 1
    return out


__all__ = ["MATCHED", "AMBIGUOUS", "UNMATCHED", "CATEGORIES", "CATEGORY_LABELS", "GIFT", "LINK", "Match",
           "Candidate", "Matcher", "match_lines", "open_entries", "counts"]
