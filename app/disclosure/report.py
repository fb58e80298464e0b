"""The yearly disclosure (công khai) of one unit's funds, computed from the ledger.

What the association publishes each year (Nghị định 03/2026 for funds under the decree; the
branches' own rules ask the same): the money received, by campaign, with the donors' names
unless they asked to stay anonymous (in-kind gifts at their value); the money spent, by
purpose, with the decision it was paid on; and each fund's opening and closing balance.

How the ledger is read (one calendar year, the unit's own funds):
- An entry "stands" at the year's end when no reversal of it is dated on or before 31 December.
  Income and spending lines list the standing, non-reversal entries of the year; an entry
  voided within the year drops out together with its reversal.
- A reversal dated in the year of an entry from an earlier year is an adjustment (shown apart).
- So for every fund: opening + income - spending (+/- adjustments) = closing, exactly the
  ledger's balances on 1 January and 31 December (tested).

Nothing personal beyond donors' names leaves here: no addresses, no phone numbers, and
scholarship and prize payments are counted per round and decision, never per pupil
(spending.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.campaigns.models import Campaign
from app.donations.donors import ANONYMOUS_NAME, Donor, kept_anonymous
from app.donations.models import IN_KIND, Donation
from app.extensions import db
from app.funds.models import IN, OUT, SOURCE_LABELS, Fund, LedgerEntry
from app.piggybanks.models import PiggyBank, PiggyBankOpening
from app.units.models import Unit
from app.vn.names import word_key

from . import goods, spending
from .lines import DonorLine, IncomeGroup
from .spending import SpendingLine


@dataclass
class FundLine:
    fund: Fund
    opening: int = 0
    income: int = 0
    spending: int = 0
    closing: int = 0


@dataclass
class Adjustment:
    entry_date: date
    text: str
    amount: int  # signed: + raises the balance (a payment voided), - lowers it (an income voided)


@dataclass
class Report:
    unit: Unit
    year: int
    funds: list[FundLine]
    income: list[IncomeGroup]
    spending: list[SpendingLine]
    adjustments: list[Adjustment]
    # Goods in kind (goods.py), never in the funds above: valued in đồng ("quy ra tiền").
    goods_income: list[IncomeGroup] = field(default_factory=list)
    goods_given: list = field(default_factory=list)  # goods.GoodsLine
    goods_opening: int = 0     # value on hand on 1 January
    goods_closing: int = 0     # on 31 December
    goods_adjustment: int = 0  # goods entries of earlier years voided this year (signed)
    # Gifts in kind recorded as fund income before the goods register, standing at the year's end:
    # in the funds' income (the ledger then held them) but listed among the goods, not the money.
    moved_in_kind: int = 0

    @property
    def opening(self) -> int:
        return sum(f.opening for f in self.funds)

    @property
    def closing(self) -> int:
        return sum(f.closing for f in self.funds)

    @property
    def funds_income(self) -> int:
        """Income of the funds' table: this year's receipts less vouchers of earlier years voided now."""
        return sum(f.income for f in self.funds)

    @property
    def funds_spending(self) -> int:
        return sum(f.spending for f in self.funds)

    @property
    def income_total(self) -> int:
        return sum(g.total for g in self.income)

    @property
    def in_kind_total(self) -> int:
        return sum(g.in_kind_total for g in self.income)

    @property
    def spending_total(self) -> int:
        return sum(s.amount for s in self.spending)

    @property
    def adjustment_total(self) -> int:
        return sum(a.amount for a in self.adjustments)

    @property
    def goods_income_total(self) -> int:
        return sum(g.total for g in self.goods_income)

    @property
    def goods_given_total(self) -> int:
        return sum(s.amount for s in self.goods_given)

    @property
    def received_total(self) -> int:
        """Everything received: money and goods (valued)."""
        return self.income_total + self.goods_income_total

    @property
    def has_goods(self) -> bool:
        return bool(self.goods_income or self.goods_given or self.goods_opening or self.goods_closing
                    or self.goods_adjustment or self.moved_in_kind)

    @property
    def donor_count(self) -> int:
        """Donor lines (a donor giving to two campaigns counts twice, as on paper)."""
        return sum(1 for g in self.income for line in g.lines if line.kind == "donor")

    @property
    def empty(self) -> bool:
        return not (self.income or self.spending or self.adjustments or any(f.opening for f in self.funds)
                    or self.has_goods)

    def figures(self) -> dict:
        """The headline figures kept with a publication (to notice later changes)."""
        figures = {"opening": self.opening, "income": self.income_total, "spending": self.spending_total,
                   "adjustments": self.adjustment_total, "closing": self.closing}
        if self.has_goods:  # only then: a year without goods keeps the figures it always had
            figures.update(goods_income=self.goods_income_total, goods_given=self.goods_given_total,
                           goods_closing=self.goods_closing)
        return figures


def year_days(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _standing(end: date):
    """SQL condition: the entry has no reversal dated on or before `end`."""
    rev = aliased(LedgerEntry)
    return ~exists(select(rev.id).where(rev.reversal_of_id == LedgerEntry.id, rev.entry_date <= end))


def _year_entries(fund_ids, year: int):
    start, end = year_days(year)
    return and_(LedgerEntry.fund_id.in_(fund_ids), LedgerEntry.entry_date >= start, LedgerEntry.entry_date <= end)


def unit_funds(unit: Unit) -> list[Fund]:
    return list(db.session.scalars(select(Fund).where(Fund.unit_id == unit.id)
                                   .order_by(Fund.is_default.desc(), Fund.search_key, Fund.id)))


def build(unit: Unit, year: int) -> Report:
    """The disclosure report of `unit`'s own funds for calendar year `year`."""
    funds = unit_funds(unit)
    ids = [f.id for f in funds]
    if not ids:
        rep = Report(unit, year, [], [], [], [])
        goods.fill(rep, unit, year)
        return rep
    lines = {f.id: FundLine(f) for f in funds}
    _balances(lines, ids, year)
    adjustments = _adjustments(lines, ids, year)
    income = _income(lines, ids, year)
    payments = _spending(lines, ids, year)
    rep = Report(unit, year, list(lines.values()), income, payments, adjustments)
    rep.moved_in_kind = _moved_in_kind(ids, year)
    goods.fill(rep, unit, year)
    return rep


def _balances(lines: dict[int, FundLine], ids, year: int) -> None:
    start, end = year_days(year)
    signed = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)
    rows = db.session.execute(
        select(LedgerEntry.fund_id,
               func.coalesce(func.sum(case((LedgerEntry.entry_date < start, signed), else_=0)), 0),
               func.coalesce(func.sum(signed), 0))
        .where(LedgerEntry.fund_id.in_(ids), LedgerEntry.entry_date <= end)
        .group_by(LedgerEntry.fund_id))
    for fund_id, opening, closing in rows:
        lines[fund_id].opening, lines[fund_id].closing = int(opening), int(closing)


def _adjustments(lines: dict[int, FundLine], ids, year: int) -> list[Adjustment]:
    """Reversals dated this year of entries from earlier years, and this year's standing corrections
    of entries in closed periods (source "adjustment", app.periods), whatever year they correct."""
    start, end = year_days(year)
    orig = aliased(LedgerEntry)
    cols = (LedgerEntry.fund_id, LedgerEntry.entry_date, LedgerEntry.amount, LedgerEntry.direction,
            orig.number, orig.entry_date, orig.source, LedgerEntry.id)
    rows = db.session.execute(
        select(*cols, literal("Hủy"))
        .join(orig, orig.id == LedgerEntry.reversal_of_id)
        .where(_year_entries(ids, year), orig.entry_date < start)).all()
    rows += db.session.execute(
        select(*cols, literal("Điều chỉnh"))
        .join(orig, orig.id == LedgerEntry.corrects_id)
        .where(_year_entries(ids, year), _standing(end))).all()
    out = []
    rows.sort(key=lambda r: (r[1], r[7]))  # by date, then as entered
    for fund_id, day, amount, direction, number, orig_day, source, _id, verb in rows:
        signed = amount if direction == IN else -amount
        # A voided income lowers this year's income; a voided payment lowers this year's spending.
        if direction == OUT:
            lines[fund_id].income -= amount
        else:
            lines[fund_id].spending -= amount
        what = "phiếu thu" if direction == OUT else "phiếu chi"
        out.append(Adjustment(day, f"{verb} {what} {number or ''} ngày {orig_day.strftime('%d/%m/%Y')} "
                                   f"({SOURCE_LABELS.get(source, source).lower()})", signed))
    return out


# ---- income --------------------------------------------------------------------------------------

def _income(lines: dict[int, FundLine], ids, year: int) -> list[IncomeGroup]:
    _, end = year_days(year)
    standing = and_(_year_entries(ids, year), LedgerEntry.direction == IN, LedgerEntry.reversal_of_id.is_(None),
                    LedgerEntry.source != "adjustment", _standing(end))
    for fund_id, total in db.session.execute(select(LedgerEntry.fund_id, func.sum(LedgerEntry.amount))
                                             .where(standing).group_by(LedgerEntry.fund_id)):
        lines[fund_id].income += int(total)
    groups: dict[int | str, IncomeGroup] = {}
    _donations(groups, standing)
    _piggy_banks(groups, standing)
    _other_income(groups, standing)
    for g in groups.values():
        g.lines.sort(key=lambda line: (-line.amount, line.sort_key))
    campaigns = sorted((g for k, g in groups.items() if isinstance(k, int)), key=lambda g: word_key(g.title))
    return campaigns + [g for k, g in groups.items() if not isinstance(k, int)]


def _campaign_group(groups, campaign) -> IncomeGroup:
    group = groups.get(campaign.id)
    if group is None:
        note = campaign.unit.name + (f" · {campaign.purpose}" if campaign.purpose else "")
        group = groups[campaign.id] = IncomeGroup(campaign.name, note, campaign_id=campaign.id)
    return group


def _donations(groups, standing) -> None:
    """One line per campaign and donor; a donor's gifts kept anonymous (the donor's kind, or the
    gift's own flag) make a line of their own under ANONYMOUS_NAME, counted in the totals."""
    # A gift in kind moved to the goods register (its old phiếu thu reversed) is listed with the goods.
    standing = and_(standing, _not_moved(Donation, IN_KIND))
    rows = db.session.execute(
        select(Donation.campaign_id, Donation.donor_id, Donation.anonymous, func.sum(LedgerEntry.amount),
               func.count(Donation.id))
        .join(LedgerEntry, LedgerEntry.id == Donation.entry_id).where(standing)
        .group_by(Donation.campaign_id, Donation.donor_id, Donation.anonymous)).all()
    if not rows:
        return
    # Subqueries rather than id lists: a big drive has more donors than SQLite takes parameters.
    gifts = select(Donation.donor_id, Donation.campaign_id).join(LedgerEntry, LedgerEntry.id == Donation.entry_id) \
        .where(standing).subquery()
    donors = {d.id: d for d in db.session.scalars(select(Donor).where(Donor.id.in_(select(gifts.c.donor_id))))}
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign).where(
        Campaign.id.in_(select(gifts.c.campaign_id))))}

    def hidden(donor_id, gift_anonymous) -> bool:
        return kept_anonymous(donors[donor_id].kind, gift_anonymous)

    kinds: dict[tuple[int, int, bool], list[str]] = {}
    for d in db.session.scalars(select(Donation).join(LedgerEntry, LedgerEntry.id == Donation.entry_id)
                                .where(standing, Donation.method == IN_KIND).order_by(Donation.donation_date)):
        kinds.setdefault((d.campaign_id, d.donor_id, hidden(d.donor_id, d.anonymous)), []).append(
            d.in_kind_text or d.item)
    lines: dict[tuple[int, int, bool], DonorLine] = {}
    for campaign_id, donor_id, gift_anonymous, total, count in rows:
        donor, anonymous = donors[donor_id], hidden(donor_id, gift_anonymous)
        key = (campaign_id, donor_id, anonymous)
        line = lines.get(key)
        if line is not None:  # an anonymous donor's gifts, flagged and not: one line
            line.amount += int(total)
            line.gifts += int(count)
            continue
        line = lines[key] = DonorLine(
            ANONYMOUS_NAME if anonymous else donor.name, int(total), int(count),
            "; ".join(k for k in kinds.get(key, []) if k), anonymous, "~" if anonymous else donor.name_key)
        _campaign_group(groups, campaigns[campaign_id]).lines.append(line)


def _not_moved(Donation, in_kind: str):
    """SQL condition: the donation is not a gift in kind that has its goods entry (the gifts in kind
    recorded as fund income before the goods register: their income is shown among the goods)."""
    return or_(Donation.method != in_kind, Donation.goods_entry_id.is_(None))


def _moved_in_kind(ids, year: int) -> int:
    """The funds' income of the year that came from gifts in kind now in the goods register."""
    _, end = year_days(year)
    standing = and_(_year_entries(ids, year), LedgerEntry.direction == IN, LedgerEntry.reversal_of_id.is_(None),
                    _standing(end))
    total = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                              .join(Donation, Donation.entry_id == LedgerEntry.id)
                              .where(standing, Donation.method == IN_KIND, Donation.goods_entry_id.is_not(None)))
    return int(total or 0)


def _piggy_banks(groups, standing) -> None:
    rows = db.session.execute(
        select(PiggyBank.campaign_id, func.sum(LedgerEntry.amount), func.count(PiggyBankOpening.id))
        .select_from(PiggyBankOpening)
        .join(LedgerEntry, LedgerEntry.id == PiggyBankOpening.ledger_entry_id)
        .join(PiggyBank, PiggyBank.id == PiggyBankOpening.piggy_bank_id)
        .where(standing).group_by(PiggyBank.campaign_id)).all()
    for campaign_id, total, count in rows:
        # Holders are often pupils: counted, never named.
        line = DonorLine(f"Heo đất khuyến học ({count} lần mổ heo)", int(total), int(count), sort_key="~~",
                         kind="piggy_bank")
        if campaign_id:
            _campaign_group(groups, db.session.get(Campaign, campaign_id)).lines.append(line)
        else:
            groups.setdefault("piggy_bank", IncomeGroup("Heo đất khuyến học")).lines.append(line)


def _other_income(groups, standing) -> None:
    """Incomes with no donation or piggy-bank opening behind them: transfers in and the rest."""
    rows = db.session.execute(
        select(LedgerEntry.source, LedgerEntry.counterparty, LedgerEntry.description,
               func.sum(LedgerEntry.amount), func.count(LedgerEntry.id))
        .where(standing, ~exists(select(Donation.id).where(Donation.entry_id == LedgerEntry.id)),
               ~exists(select(PiggyBankOpening.id).where(PiggyBankOpening.ledger_entry_id == LedgerEntry.id)))
        .group_by(LedgerEntry.source, LedgerEntry.counterparty, LedgerEntry.description)).all()
    for source, counterparty, description, total, count in rows:
        if source == "transfer":
            # The counterparty of a transfer is a fund and its unit, not a person.
            group = groups.setdefault("transfer", IncomeGroup("Nhận chuyển từ quỹ khác"))
            name, kind = counterparty + (f": {description}" if description else ""), "transfer"
        else:
            # Entered straight into the ledger: the payer's name is not known to be public.
            group = groups.setdefault("other", IncomeGroup("Các khoản thu khác"))
            name, kind = description or SOURCE_LABELS.get(source, source), "other"
        # Rows differ by payer too; without the payer, equal purposes make one line.
        line = next((ln for ln in group.lines if ln.name == name), None)
        if line is None:
            group.lines.append(DonorLine(name, int(total), int(count), sort_key=word_key(name), kind=kind))
        else:
            line.amount += int(total)
            line.gifts += int(count)


# ---- spending ------------------------------------------------------------------------------------

def _spending(lines: dict[int, FundLine], ids, year: int) -> list[SpendingLine]:
    _, end = year_days(year)
    standing = and_(_year_entries(ids, year), LedgerEntry.direction == OUT, LedgerEntry.reversal_of_id.is_(None),
                    LedgerEntry.source != "adjustment", _standing(end))
    for fund_id, total in db.session.execute(select(LedgerEntry.fund_id, func.sum(LedgerEntry.amount))
                                             .where(standing).group_by(LedgerEntry.fund_id)):
        lines[fund_id].spending += int(total)
    out = spending.scholarships(standing) + spending.prizes(standing) + spending.other(standing)
    return sorted(out, key=lambda s: (s.first_date or date.max, s.purpose.lower()))
