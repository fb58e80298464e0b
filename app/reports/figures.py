"""The aggregate queries behind the dashboard, the roll-up and the year report.

`load_facts(root, first, last)` reads, for `root` and every unit below it (the tree as it is
now, so a unit moved under a new commune brings its history with it), each unit's OWN figures
per month from `first` on: one grouped query per family of figures, never a query per unit.
Roll-ups then add the units up in Python (app.reports.rollup), which is why every total is the
sum of the rows below it.

Which unit a figure belongs to:
- a donation: the branch that collected it (`collector_unit_id`) when that branch lies under
  the campaign's unit, else the campaign's unit (so a branch moved to another commune leaves
  what it collected for its old commune's campaign there, with the money); voided ones are left out;
- a piggy-bank opening: the pig's unit; voided openings are left out;
- ledger money (balances, spending, other income, transfers): the fund's unit. Transfers between
  funds are neither income nor spending: money raised is counted once, where it was raised.
  The ledger holds cash only: gifts in kind are goods (app.reports.goodsfacts), counted apart.
  A gift in kind recorded before the goods register posted a ledger income that the goods
  migration reversed: the pair nets out of income (a reversal of an income is never spending);
- goods in kind (app.reports.goodsfacts): the unit holding the stock;
- a scholarship award (approved nomination): its round's unit (nomination.unit_id), in the month of the round's
  ceremony (or of its creation when it has no ceremony date);
- an honoree: the unit of the issued decision, in the month of the decision.

Everything returned is plain data (tuples, dataclasses), so it can be cached across requests.
"""
from dataclasses import replace
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, case, func, literal_column, or_, select
from sqlalchemy.orm import aliased

from app.campaigns.models import OPEN, Campaign
from app.commendations.models import DRAFT, ISSUED, Decision, Honoree
from app.core.authz import covers_all_units
from app.core.clock import today
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import IN, Fund, LedgerEntry
from app.piggybanks.models import PiggyBank, PiggyBankOpening
from app.pupils.models import Pupil, School
from app.scholarships.models import APPROVED, PENDING, AwardCategory, Nomination, ScholarshipRound
from app.units.models import Unit
from app.units.names import names_on
from app.vn.names import word_key

from .conditions import in_range, month, within, ym
from .facts import Award, CampaignInfo, DecisionInfo, Facts, Flow, FundInfo, RoundInfo, UnitInfo
from . import summaries
from .goodsfacts import read_goods

__all__ = ["Award", "CampaignInfo", "DecisionInfo", "Facts", "Flow", "FundInfo", "RoundInfo", "UnitInfo",
           "CIRCUMSTANCE_KEYS", "load_scope", "load_facts"]

CIRCUMSTANCE_KEYS = ("poor", "near_poor", "orphan", "disabled", "minority", "other_hardship")


@lru_cache(maxsize=65536)
def _name_key(name: str):
    """Vietnamese order of a unit name (memoised: a province sorts 500 names on every read). Room for
    every unit of the country (16,356 at national scale): the national roll-up reads them all in one
    pass, and an LRU smaller than that pass evicts each name just before it is asked again."""
    return word_key(name)


def load_scope(root: Unit, day: date | None = None) -> tuple[dict[int, UnitInfo], dict[int, list[int]]]:
    """The units of `root`'s subtree (active or not) and their children in name order, each under the
    name it bore on `day` (issue 20 D: a report of an earlier year prints the names of that year)."""
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.kind, Unit.parent_id, Unit.path, Unit.depth,
                                     Unit.active, Unit.merged_on).where(Unit.path.startswith(root.path))).all()
    units = {r.id: UnitInfo(*r) for r in rows}
    for uid, name in names_on(day or today()).items():  # only renamed units have rows: no IN list
        if uid in units:
            units[uid] = replace(units[uid], name=name)
    children: dict[int, list[int]] = {uid: [] for uid in units}
    for u in units.values():
        if u.id != root.id and u.parent_id in children:
            children[u.parent_id].append(u.id)
    for kids in children.values():
        kids.sort(key=lambda i: (not units[i].active, _name_key(units[i].name)))
    return units, children


def load_facts(root: Unit, first: date, last: date | None = None, *, own_only: bool = False) -> Facts:
    """The facts of `root`'s subtree (or, own_only, of the root's own records: what is attributed
    to the root unit itself, with the whole subtree's units for the names)."""
    units, children = load_scope(root, last)
    facts = Facts(root.id, first, last, units, children, own_only=own_only,
                  everything=not own_only and covers_all_units(root))
    _donations(facts, root)
    _piggy_banks(facts, root)
    _ledger(facts, root)
    read_goods(facts, root)
    _campaigns(facts, root)
    _scholarships(facts, root)
    _commendations(facts, root)
    facts.awards.sort(key=_award_key)
    facts.drafts.sort(key=lambda d: d.id)
    return facts


def _award_key(a: "Award") -> tuple:
    return (a.round_id, a.pupil_id, a.unit_id, a.kind, a.amount, a.paid, a.level, a.circumstances, a.goods)


def _attribute(facts: Facts, paths: dict[int, str], unit_id: int, collector_id: int | None) -> int:
    if collector_id and collector_id in facts.units and collector_id in paths and unit_id in paths \
            and paths[collector_id].startswith(paths[unit_id]):
        return collector_id
    return unit_id


def _donations(facts: Facts, root: Unit) -> None:
    donation_month = month(Donation.donation_date)
    in_kind = case((Donation.method == "in_kind", Donation.amount), else_=0)
    cols = (Donation.unit_id, Donation.collector_unit_id, Donation.campaign_id, donation_month,
            func.count(), func.sum(Donation.amount), func.sum(in_kind))
    base = [Donation.voided_at.is_(None), in_range(Donation.donation_date, facts)]
    if summaries.whole_months(facts):  # the subtree's own gifts from the monthly summary: same groups
        s = summaries.donation_month.c
        stmts = [select(s.unit_id, func.nullif(s.collector_unit_id, literal_column("0")), s.campaign_id, s.month,
                        func.sum(s.n), func.sum(s.amount), func.sum(s.in_kind))
                 .where(within(s.unit_id, root, facts), s.n != 0, *summaries.in_months(s.month, facts))
                 .group_by(s.unit_id, s.collector_unit_id, s.campaign_id, s.month)]
    else:
        stmts = [select(*cols).where(within(Donation.unit_id, root, facts), *base).group_by(*cols[:4])]
    # Money a branch of ours collected for a campaign of a unit above us is ours too (few rows, read
    # from the gifts through their collector index: a branch's row policy admits them there).
    ancestors = [int(p) for p in root.path.strip("/").split("/")[:-1] if p]
    paths = {u.id: u.path for u in facts.units.values()}
    if ancestors:
        paths.update(db.session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(ancestors))).all())
        stmts.append(select(*cols).where(Donation.unit_id.in_(ancestors),
                                         within(Donation.collector_unit_id, root, facts), *base).group_by(*cols[:4]))
    keep = {root.id} if facts.own_only else facts.units
    # The national roll-up reads 180,000 groups here: the loop keeps to local names, parses each
    # month once and asks whose money it is only when a collector is named.
    donations, money, goods, months = facts.donations, facts.campaign_money, facts.campaign_goods, {}
    for stmt in stmts:
        for unit_id, collector_id, campaign_id, month_text, n, amount, kind_amount in db.session.execute(stmt):
            owner = _attribute(facts, paths, unit_id, collector_id) if collector_id else unit_id
            if owner not in keep:
                continue
            when = months.get(month_text)
            if when is None:
                when = months[month_text] = ym(month_text)
            amount, kind_amount = int(amount or 0), int(kind_amount or 0)
            row = donations.get((owner, when))
            if row is None:
                row = donations[(owner, when)] = [0, 0, 0]
            row[0] += int(n)
            row[1] += amount
            row[2] += kind_amount
            key = (owner, campaign_id, when)
            money[key] = money.get(key, 0) + amount
            if kind_amount:
                goods[key] = goods.get(key, 0) + kind_amount


def _piggy_banks(facts: Facts, root: Unit) -> None:
    cols = (PiggyBankOpening.unit_id, PiggyBank.campaign_id, month(PiggyBankOpening.opened_on))
    stmt = (select(*cols, func.count(), func.sum(PiggyBankOpening.amount), func.sum(PiggyBankOpening.to_fund),
                   func.sum(PiggyBankOpening.kept))
            .join(PiggyBank, PiggyBank.id == PiggyBankOpening.piggy_bank_id)
            .where(within(PiggyBankOpening.unit_id, root, facts), PiggyBankOpening.voided.is_(False),
                   in_range(PiggyBankOpening.opened_on, facts))
            .group_by(*cols))
    for unit_id, campaign_id, month_text, n, counted, to_fund, kept in db.session.execute(stmt):
        when = ym(month_text)
        row = facts.openings.setdefault((unit_id, when), [0, 0, 0, 0])
        for i, v in enumerate((n, counted, to_fund, kept)):
            row[i] += int(v or 0)
        if campaign_id:
            key = (unit_id, campaign_id, when)
            facts.campaign_money[key] = facts.campaign_money.get(key, 0) + int(to_fund or 0)
    for unit_id, status, n in db.session.execute(
            select(PiggyBank.unit_id, PiggyBank.status, func.count())
            .where(within(PiggyBank.unit_id, root, facts)).group_by(PiggyBank.unit_id, PiggyBank.status)):
        facts.pigs_now.setdefault(unit_id, {})[status] = int(n)


def _ledger(facts: Facts, root: Unit) -> None:
    for r in db.session.execute(select(Fund.id, Fund.unit_id, Fund.name, Fund.is_default, Fund.active)
                                .where(within(Fund.unit_id, root, facts))):
        facts.funds[r.id] = FundInfo(*r)
    whole = summaries.whole_months(facts)
    lm = summaries.ledger_month.c
    if whole:  # every entry before the period is in the summary's earlier months
        opening = (select(lm.fund_id, func.sum(case((lm.direction == IN, lm.amount), else_=-lm.amount)))
                   .where(within(lm.unit_id, root, facts), lm.month < summaries.ym_text(facts.first)))
    else:
        signed = case((LedgerEntry.direction == IN, LedgerEntry.amount), else_=-LedgerEntry.amount)
        opening = (select(LedgerEntry.fund_id, func.sum(signed))
                   .where(within(LedgerEntry.unit_id, root, facts), LedgerEntry.entry_date < facts.first))
    for fund_id, total in db.session.execute(opening.group_by(opening.selected_columns[0])):
        facts.fund_opening[fund_id] = int(total or 0)
    # Reversals are few: they are read apart (_reversal_rows), with what they void, so the big scan has no join.
    # An income posted straight to the ledger has no donation or opening behind it (source_id empty).
    # Literal 1/0, not bound parameters: PostgreSQL must see the GROUP BY expressions as the selected ones.
    one, zero = literal_column("1"), literal_column("0")
    cols = (LedgerEntry.fund_id, month(LedgerEntry.entry_date), LedgerEntry.direction, LedgerEntry.source,
            case((LedgerEntry.source_id.is_(None), one), else_=zero))
    where = [within(LedgerEntry.unit_id, root, facts), in_range(LedgerEntry.entry_date, facts)]
    # coalesce(): "IS NULL" alone would walk the unique index on reversal_of_id, row by row.
    plain = (select(*cols, literal_column("0"), func.sum(LedgerEntry.amount))
             .where(func.coalesce(LedgerEntry.reversal_of_id, 0) == 0, LedgerEntry.source != "adjustment", *where)
             .group_by(*cols))
    if whole:  # the same groups, summed from the monthly summary's plain rows
        plain = (select(lm.fund_id, lm.month, lm.direction, lm.source, lm.is_direct, literal_column("0"),
                        func.sum(lm.amount))
                 .where(lm.plain == 1, within(lm.unit_id, root, facts), *summaries.in_months(lm.month, facts))
                 .group_by(lm.fund_id, lm.month, lm.direction, lm.source, lm.is_direct))
    # A correction of a closed period's entry (source "adjustment", app.periods) counts, in its own
    # month, as a reversal of the entry it corrects: correcting a gift lowers income, never adds
    # spending. A voided correction puts that entry's effect back, counted as the entry itself was.
    fixed = aliased(LedgerEntry)
    fcols = (LedgerEntry.fund_id, month(LedgerEntry.entry_date), LedgerEntry.direction, fixed.source,
             case((fixed.source_id.is_(None), one), else_=zero))
    corrections = (select(*fcols, literal_column("1"), func.sum(LedgerEntry.amount))
                   .join(fixed, fixed.id == LedgerEntry.corrects_id)
                   .where(LedgerEntry.corrects_id > 0, *where).group_by(*fcols))
    for stmt in (plain, corrections):
        for fund_id, month_text, direction, source, is_direct, rev, amount in db.session.execute(stmt):
            _flow(facts.ledger.setdefault((fund_id, ym(month_text)), Flow()), direction == IN, source,
                  bool(rev), bool(is_direct), int(amount or 0))
    for fund_id, month_text, direction, source, is_direct, rev, amount in _reversal_rows(where):
        _flow(facts.ledger.setdefault((fund_id, ym(month_text)), Flow()), direction == IN, source,
              rev, is_direct, amount)


def _reversal_rows(where: list):
    """The reversals of the range, each counted under the entry it voids (a voided correction: as the
    entry that correction corrected, not as a reversal), read without a join: the reversals through
    their index, then the entries they void (and the entries those corrected) by primary key. A join let PostgreSQL hash all 20,000,000 entries of a national
    ledger to find 13,000 originals (5.5 s); the lookups take milliseconds. Yields
    (fund, month, direction, source, is_direct, counts as a reversal, amount) per reversal."""
    rows = db.session.execute(select(LedgerEntry.fund_id, month(LedgerEntry.entry_date), LedgerEntry.direction,
                                     LedgerEntry.amount, LedgerEntry.reversal_of_id)
                              .where(LedgerEntry.reversal_of_id > 0, *where)).all()  # "> 0": walks its index
    origs = _entries({r[4] for r in rows})
    fixed = _entries({o[2] for o in origs.values() if o[0] == "adjustment" and o[2]})
    for fund_id, month_text, direction, amount, of in rows:
        if of not in origs:  # not readable here (as an inner join would leave it out)
            continue
        source, is_direct, corrects = origs[of]
        if source != "adjustment":
            yield fund_id, month_text, direction, source, is_direct, True, int(amount)
        elif corrects in fixed:  # a voided correction: the corrected entry's effect comes back
            yield fund_id, month_text, direction, fixed[corrects][0], fixed[corrects][1], False, int(amount)


def _entries(ids: set) -> dict:
    """{id: (source, has no source_id, corrects_id)} of the ledger entries `ids`."""
    out, ids = {}, sorted(ids)
    for i in range(0, len(ids), 1000):
        for eid, source, source_id, corrects in db.session.execute(
                select(LedgerEntry.id, LedgerEntry.source, LedgerEntry.source_id, LedgerEntry.corrects_id)
                .where(LedgerEntry.id.in_(ids[i:i + 1000]))):
            out[eid] = (source, source_id is None, corrects)
    return out


def _flow(flow: Flow, is_in: bool, source: str, rev: bool, is_direct: bool, amount: int) -> None:
    """Add one grouped ledger row to a month's flow (`source`: the voided entry's, for a reversal)."""
    if source == "transfer":
        flow.transfer_net += amount if is_in else -amount
    elif not rev:
        if is_in:
            flow.income += amount
            flow.other_income += amount if is_direct else 0
        else:
            flow.spent[source] = flow.spent.get(source, 0) + amount
    elif is_in:  # the reversal of a payment gives the money back
        flow.spent[source] = flow.spent.get(source, 0) - amount
    else:  # the reversal of an income takes it back
        flow.income -= amount
        flow.other_income -= amount if is_direct else 0


def _campaigns(facts: Facts, root: Unit) -> None:
    stmt = (select(Campaign.id, Campaign.unit_id, Campaign.name, Campaign.kind, Campaign.start_date,
                   Campaign.end_date, Campaign.target_amount, Campaign.status)
            .where(within(Campaign.unit_id, root, facts),
                   or_(Campaign.status == OPEN, Campaign.end_date.is_(None), Campaign.end_date >= facts.first,
                       Campaign.start_date >= facts.first)))
    for r in db.session.execute(stmt):
        facts.campaigns[r.id] = CampaignInfo(r.id, r.unit_id, r.name, r.kind, r.start_date, r.end_date,
                                             int(r.target_amount or 0), r.status == OPEN)


def _level(school_level: str | None, grade: int | None) -> str:
    if school_level:
        return school_level
    if grade:
        return "primary" if grade <= 5 else "lower_secondary" if grade <= 9 else "upper_secondary"
    return ""


def _scholarships(facts: Facts, root: Unit) -> None:
    for r in db.session.execute(select(ScholarshipRound.id, ScholarshipRound.unit_id, ScholarshipRound.name,
                                       ScholarshipRound.school_year, ScholarshipRound.ceremony_date,
                                       ScholarshipRound.created_at, ScholarshipRound.decision_number,
                                       ScholarshipRound.budget, ScholarshipRound.status)
                                .where(within(ScholarshipRound.unit_id, root, facts))):
        day = r.ceremony_date or r.created_at.date()
        if day >= facts.first and (facts.last is None or day <= facts.last):
            facts.rounds[r.id] = RoundInfo(r.id, r.unit_id, r.name, r.school_year, day, r.decision_number or "",
                                           int(r.budget or 0), r.status == "open")
    if facts.rounds:
        flags = [getattr(Pupil, k) for k in CIRCUMSTANCE_KEYS]
        stmt = (select(Nomination.unit_id, Nomination.round_id, Nomination.pupil_id, AwardCategory.kind,
                       AwardCategory.goods, School.level, Pupil.grade, Nomination.paid_on, Nomination.amount, *flags)
                .join(AwardCategory, AwardCategory.id == Nomination.category_id)
                .join(Pupil, Pupil.id == Nomination.pupil_id)
                .outerjoin(School, School.id == Pupil.school_id)
                .where(Nomination.round_id.in_(list(facts.rounds)), Nomination.status == APPROVED))
        for r in db.session.execute(stmt):
            circ = tuple(k for k, v in zip(CIRCUMSTANCE_KEYS, r[9:]) if v)
            facts.awards.append(Award(r.unit_id, r.round_id, r.pupil_id, r.kind, bool(r.goods),
                                      _level(r.level, r.grade), circ, r.paid_on is not None, int(r.amount or 0)))
    for round_id, n in db.session.execute(
            select(Nomination.round_id, func.count())
            .where(within(Nomination.unit_id, root, facts), Nomination.status == PENDING)
            .group_by(Nomination.round_id)):
        facts.pending[round_id] = int(n)
    missing = [rid for rid in facts.pending if rid not in facts.rounds]
    if missing:  # waiting nominations of an older round still need attention
        for r in db.session.execute(select(ScholarshipRound).where(ScholarshipRound.id.in_(missing))).scalars():
            facts.rounds[r.id] = RoundInfo(r.id, r.unit_id, r.name, r.school_year,
                                           r.ceremony_date or r.created_at.date(), r.decision_number or "",
                                           int(r.budget or 0), r.status == "open")


def _commendations(facts: Facts, root: Unit) -> None:
    stmt = (select(Decision.id, Decision.unit_id, Decision.number, Decision.decision_date, Decision.title,
                   Decision.status)
            .where(within(Decision.unit_id, root, facts),
                   or_(Decision.status == DRAFT,
                       and_(Decision.status == ISSUED,
                            in_range(Decision.decision_date, facts)))))
    for r in db.session.execute(stmt):
        info = DecisionInfo(r.id, r.unit_id, r.number, r.decision_date, r.title, r.status == ISSUED)
        if info.issued:
            facts.decisions[r.id] = info
        else:
            facts.drafts.append(info)
    if facts.decisions:
        for decision_id, kind, n, amount in db.session.execute(
                select(Honoree.decision_id, Honoree.kind, func.count(), func.sum(Honoree.amount))
                .where(Honoree.decision_id.in_(list(facts.decisions)))
                .group_by(Honoree.decision_id, Honoree.kind)):
            facts.honorees[(decision_id, kind)] = [int(n), int(amount or 0)]

