"""The year report (báo cáo tổng kết) and the roll-up page of one unit for one period.

Both are built from the same cached facts (app.reports.compose.get_facts) of the unit's subtree,
so the year report's per-branch table and the roll-up page show the same numbers, and drilling
down to a branch shows what that branch's own report shows.
"""
from dataclasses import dataclass, field, replace

from app.commendations.models import HONOREE_KINDS
from app.core.clock import today
from app.members import counts
from app.members.counts import Organisation
from app.pupils.models import CIRCUMSTANCES, SCHOOL_LEVELS
from app.units.models import Unit
from app.units.names import names_on
from app.vn.dates import short_date

from . import sentences
from .cache import cached
from .compose import get_facts
from .figures import CampaignInfo, DecisionInfo, Facts, FundInfo, RoundInfo
from .periods import Period
from .rollup import (AwardFacts, RollupRow, Summary, awards_of, campaign_raised, honorees_of, monthly_donations,
                     own_summaries, rollup, rows_under, subtree_ids)


@dataclass
class CampaignRow:
    info: CampaignInfo
    unit_name: str
    raised: int  # in the period, money and goods
    goods: int = 0  # the part of it given in kind (valued)

    @property
    def money(self) -> int:
        return self.raised - self.goods

    @property
    def percent(self) -> int | None:
        return round(self.raised * 100 / self.info.target) if self.info.target else None


@dataclass
class RoundRow:
    info: RoundInfo
    unit_name: str
    awards: int
    amount: int
    paid: int
    paid_amount: int


@dataclass
class DecisionRow:
    info: DecisionInfo
    unit_name: str
    honorees: int
    amount: int


@dataclass
class FundRow:
    info: FundInfo
    unit_name: str
    opening: int = 0
    income: int = 0
    spent: int = 0
    transfer_net: int = 0
    group: bool = False  # the funds of a child unit's subtree, added up

    @property
    def closing(self) -> int:
        return self.opening + self.income - self.spent + self.transfer_net


@dataclass
class YearReport:
    unit_id: int
    unit_name: str
    parent_name: str
    period: Period
    facts: Facts
    rows: list[RollupRow]
    total: Summary
    awards: AwardFacts
    honorees: dict[str, list[int]]
    campaigns: list[CampaignRow] = field(default_factory=list)
    rounds: list[RoundRow] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    funds: list[FundRow] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    paragraph: str = ""
    balance_sentence: str = ""
    # Issue 19: the counts the report opens with (app.members.counts), joined after the cache.
    organisation: Organisation | None = None
    org_sentences: list[str] = field(default_factory=list)

    @property
    def branch_rows(self) -> list[RollupRow]:
        """The rows worth printing: children always, the unit's own row when it has figures."""
        return [r for r in self.rows if not r.own or not r.summary.is_empty()]

    @property
    def has_goods(self) -> bool:
        """Goods in the register at any time of the period (the goods table is printed)."""
        t = self.total
        return bool(t.goods_opening or t.goods_received or t.goods_given or t.goods_closing)

    @property
    def monthly(self):
        return monthly_donations(self.facts, self.period, subtree_ids(self.facts, self.unit_id))

    def level_rows(self) -> list[tuple[str, int, int]]:
        order = list(SCHOOL_LEVELS) + [""]
        return [(SCHOOL_LEVELS.get(k, "Chưa rõ cấp học"), v[0], v[1])
                for k, v in sorted(self.awards.by_level.items(), key=lambda kv: order.index(kv[0])
                                   if kv[0] in order else 99)]

    def circumstance_rows(self) -> list[tuple[str, int, int]]:
        return [(CIRCUMSTANCES.get(k, "Không thuộc diện khó khăn"), v[0], v[1])
                for k, v in self.awards.by_circumstance.items()]

    def honoree_rows(self) -> list[tuple[str, int, int]]:
        order = list(HONOREE_KINDS)
        return [(HONOREE_KINDS.get(k, k), v[0], v[1])
                for k, v in sorted(self.honorees.items(), key=lambda kv: order.index(kv[0])
                                   if kv[0] in order else 99)]


def _overlaps(c: CampaignInfo, period: Period) -> bool:
    start, end = c.start_date or c.end_date, c.end_date or c.start_date
    if start is None:
        return c.is_open
    return start <= period.end and end >= period.start


def build(unit: Unit, period: Period) -> YearReport:
    """The year report of `unit` for `period`, cached (see app.reports.cache for the rule), opened by
    the organisation counts of the year whose 31 December the period holds (their own cache: a
    decision issued above the unit changes them)."""
    rep = cached("year", unit.id, (period, today()), lambda: _build(unit, period))
    org = counts.organisation(unit, period.year)
    return replace(rep, organisation=org, org_sentences=sentences.organisation_sentences(org),
                   rows=with_organisation(rep.rows, org))


def with_organisation(rows: list[RollupRow], org: Organisation) -> list[RollupRow]:
    """The roll-up rows with `org` on the own row (a copy: the cached rows are left alone)."""
    return [replace(r, organisation=org) if r.own else r for r in rows]


def _build(unit: Unit, period: Period) -> YearReport:
    facts = get_facts(unit, period.start, period.end)
    own = own_summaries(facts, period)
    total = rollup(facts, own)
    everything = set(facts.units)
    names = {u.id: u.name for u in facts.units.values()}
    awards = awards_of(facts, period, everything)
    honorees = honorees_of(facts, period, everything)
    parent = unit.parent
    unit_name = names[unit.id]  # the name of the period (issue 20 D: app.units.names)
    parent_name = names_on(period.end, [parent.id]).get(parent.id, parent.name) if parent else ""
    report = YearReport(unit.id, unit_name, parent_name, period, facts,
                        rows_under(facts, unit.id, own, total), total[unit.id], awards, honorees)
    raised = campaign_raised(facts, period)
    goods = campaign_raised(facts, period, goods=True)
    for c in sorted(facts.campaigns.values(), key=lambda c: (c.start_date or period.end, c.name)):
        if _overlaps(c, period):
            report.campaigns.append(CampaignRow(c, names.get(c.unit_id, ""), raised.get(c.id, 0),
                                                goods.get(c.id, 0)))
    for rid, (n, amount, paid, paid_amount) in awards.by_round.items():
        r = facts.rounds[rid]
        report.rounds.append(RoundRow(r, names.get(r.unit_id, ""), n, amount, paid, paid_amount))
    report.rounds.sort(key=lambda r: (r.info.day, r.info.name))
    per_decision: dict[int, list[int]] = {}
    for (did, _kind), (n, amount) in facts.honorees.items():
        row = per_decision.setdefault(did, [0, 0])
        row[0] += n
        row[1] += amount
    for d in sorted(facts.decisions.values(), key=lambda d: (d.day, d.number)):
        if period.contains(d.day):
            n, amount = per_decision.get(d.id, [0, 0])
            report.decisions.append(DecisionRow(d, names.get(d.unit_id, ""), n, amount))
    report.funds = fund_rows(facts, period)
    report.clauses = sentences.clauses(report.total, awards, honorees, only_unit=not facts.children[unit.id])
    report.paragraph = sentences.paragraph(unit_name, period.label, report.clauses)
    # A period still running is reported as of today, not as of its (future) last day.
    as_of = min(period.end, today())
    report.balance_sentence = sentences.balance_sentence(report.total, f"ngày {short_date(as_of)}")
    return report


def fund_rows(facts: Facts, period: Period) -> list[FundRow]:
    """The root unit's own funds one by one, then one row per child unit adding up its subtree's
    funds (a province has hundreds of funds; its report reads by commune)."""
    root = facts.units[facts.root_id]
    top: dict[int, int] = {}  # unit -> the child of the root whose subtree holds it (root: itself)
    for child in facts.children[root.id]:
        prefix = facts.units[child].path
        for u in facts.units.values():
            if u.path.startswith(prefix):
                top[u.id] = child
    rows: dict[int, FundRow] = {}
    for fid, f in facts.funds.items():
        if f.unit_id == root.id:
            rows[fid] = FundRow(f, root.name)
        else:
            child = facts.units[top[f.unit_id]]
            key = -child.id
            if key not in rows:
                rows[key] = FundRow(FundInfo(0, child.id, f"Các quỹ của {child.name}", False, child.active),
                                    child.name, group=True)
    first = period.months[0]
    months = set(period.months)

    def row_of(fid: int) -> FundRow | None:
        f = facts.funds.get(fid)
        if f is None:
            return None
        return rows[fid] if f.unit_id == root.id else rows[-top[f.unit_id]]

    for fid, balance in facts.fund_opening.items():
        if (row := row_of(fid)) is not None:
            row.opening += balance
    for (fid, ym), flow in facts.ledger.items():
        row = row_of(fid)
        if row is None:
            continue
        spent = sum(flow.spent.values())
        if ym < first:
            row.opening += flow.income - spent + flow.transfer_net
        elif ym in months:
            row.income += flow.income
            row.spent += spent
            row.transfer_net += flow.transfer_net
    own = [r for r in rows.values() if not r.group and (r.info.active or r.opening or r.income or r.spent
                                                         or r.transfer_net)]
    own.sort(key=lambda r: (not r.info.is_default, r.info.name))
    order = {c: i for i, c in enumerate(facts.children[root.id])}
    groups = sorted((r for r in rows.values() if r.group), key=lambda r: order[r.info.unit_id])
    return own + groups


def rollup_page(unit: Unit, period: Period) -> tuple[Facts, list[RollupRow], Summary]:
    """The roll-up of one unit: its own row, one row per child (whole subtree), and the total; the
    own row carries the organisation counts of the period's year (members per child, total)."""
    facts, rows, total = cached("rollup", unit.id, (period,), lambda: _rollup_page(unit, period))
    return facts, with_organisation(rows, counts.organisation(unit, period.year)), total


def _rollup_page(unit: Unit, period: Period) -> tuple[Facts, list[RollupRow], Summary]:
    facts = get_facts(unit, period.start, period.end)
    own = own_summaries(facts, period)
    total = rollup(facts, own)
    return facts, rows_under(facts, unit.id, own, total), total[unit.id]
