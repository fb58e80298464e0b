"""What the home page shows: the user's unit and everything under it, from the report facts.

One cached read (app.reports.compose.get_facts from January of this calendar year or the start of
this school year, whichever is earlier, with no end date so balances are current), then plain
Python: the school year's and the calendar year's figures, fund balances, open campaigns, pigs,
scholarships, honorees, what needs attention, and the chart data.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.campaigns.models import KIND_LABELS
from app.campaigns.services import campaign_parts
from app.pupils.models import CIRCUMSTANCES, LEVEL_SHORT
from app.reports.cache import cached
from app.reports.compose import get_facts
from app.reports.figures import Facts
from app.reports.periods import Period, calendar_year, current_school_year
from app.reports.rollup import (AwardFacts, Summary, awards_of, balances_now, goods_on_hand_now, honorees_of,
                                monthly_donations, own_summaries, rollup)
from app.units.models import Unit

ENDING_SOON_DAYS = 14
TOP = 8           # rows in the campaign and fund panels (the lists show the rest)
BRANCH_BARS = 12  # bars in the income-by-branch chart; the others are added up in one bar


@dataclass
class Attention:
    text: str
    href_kind: str  # which link to build: round, campaign, decisions
    ref: int = 0
    count: int = 0


@dataclass
class Dashboard:
    unit_id: int
    period: Period           # the period of the charts (a school year by default)
    school: Period
    calendar: Period
    sy: Summary
    cy: Summary
    awards: AwardFacts
    honorees: int
    facts: Facts
    ps: Summary | None = None  # the chosen period's summary
    total_balance: int = 0   # cash in the funds
    goods_on_hand: int = 0   # goods in stock, valued (never in the funds)
    funds: list = field(default_factory=list)        # (FundInfo, unit name, balance)
    more_funds: int = 0
    campaigns: list = field(default_factory=list)    # (CampaignInfo, unit name, raised, percent, kind, goods)
    more_campaigns: int = 0
    attention: list[Attention] = field(default_factory=list)
    monthly: list = field(default_factory=list)
    branches: list = field(default_factory=list)     # (unit id or None, label, raised)


def build(unit: Unit, today: date, period: Period | None = None) -> Dashboard:
    """The dashboard of `unit`, cached like the facts it is made of (app.reports.cache)."""
    period = period or current_school_year(today)
    return cached("dashboard", unit.id, (today, period), lambda: _build(unit, today, period))


def _build(unit: Unit, today: date, period: Period) -> Dashboard:
    school, calendar = current_school_year(today), calendar_year(today.year)
    first = min(school.start, calendar.start, period.start)
    facts = get_facts(unit, first, None)
    names = {u.id: u.name for u in facts.units.values()}
    everything = set(facts.units)
    per = {p: rollup(facts, own_summaries(facts, p)) for p in {school, calendar, period}}
    chosen = per[period]
    dash = Dashboard(unit.id, period, school, calendar, per[school][unit.id], per[calendar][unit.id],
                     awards_of(facts, period, everything),
                     sum(v[0] for v in honorees_of(facts, period, everything).values()), facts)
    dash.ps = chosen[unit.id]
    balances = balances_now(facts)
    dash.total_balance = sum(balances.values())
    dash.goods_on_hand = goods_on_hand_now(facts)
    funds = sorted((f for f in facts.funds.values() if f.active or balances.get(f.id)),
                   key=lambda f: (facts.units[f.unit_id].path, not f.is_default, f.name))
    dash.funds = [(f, names[f.unit_id], balances.get(f.id, 0)) for f in funds[:TOP]]
    dash.more_funds = max(0, len(funds) - TOP)
    _campaigns(dash, facts, names, today)
    _attention(dash, facts, names, today)
    dash.monthly = monthly_donations(facts, period, everything)
    own = own_summaries(facts, period)
    rows = [(child, names[child], chosen[child].raised) for child in facts.children[unit.id]]
    rows.sort(key=lambda r: -r[2])
    if len(rows) > BRANCH_BARS:
        rest = rows[BRANCH_BARS - 1:]
        rows = rows[:BRANCH_BARS - 1] + [(None, f"{len(rest)} đơn vị khác", sum(r[2] for r in rest))]
    if own[unit.id].raised or not rows:
        rows.insert(0, (unit.id, f"{unit.name} (trực tiếp)", own[unit.id].raised))
    dash.branches = rows
    return dash


def _campaigns(dash: Dashboard, facts: Facts, names: dict, today: date) -> None:
    open_ = sorted((c for c in facts.campaigns.values() if c.is_open),
                   key=lambda c: (c.end_date or date.max, c.name))
    # The whole campaign's money and goods (also before this year), as its own page counts them.
    parts = campaign_parts([c.id for c in open_[:TOP]])
    for c in open_[:TOP]:
        money, goods, other = parts.get(c.id, (0, 0, 0))
        raised = money + goods + other
        percent = round(raised * 100 / c.target) if c.target else None
        dash.campaigns.append((c, names.get(c.unit_id, ""), raised, percent, KIND_LABELS.get(c.kind, c.kind), goods))
    dash.more_campaigns = max(0, len(open_) - TOP)


def _attention(dash: Dashboard, facts: Facts, names: dict, today: date) -> None:
    # A province has a round in every commune: the TOP with most waiting, then one line for the
    # rest (a hundred lines weighed 14 KB of the page and hid the campaigns below them).
    waiting = sorted(((n, rid) for rid, n in facts.pending.items() if rid in facts.rounds), key=lambda p: (-p[0], p[1]))
    for n, rid in waiting[:TOP]:
        dash.attention.append(Attention(f"{n} đề cử học bổng chờ duyệt: {facts.rounds[rid].name}", "round", rid, n))
    if len(waiting) > TOP:
        rest = sum(n for n, _ in waiting[TOP:])
        dash.attention.append(Attention(f"{rest} đề cử chờ duyệt ở {len(waiting) - TOP} đợt học bổng khác",
                                        "rounds", 0, rest))
    soon = today + timedelta(days=ENDING_SOON_DAYS)
    ending = [c for c in sorted(facts.campaigns.values(), key=lambda c: (c.end_date or date.max, c.name))
              if c.is_open and c.end_date is not None and c.end_date <= soon]
    for c in ending[:TOP]:
        if c.end_date < today:
            text = f"Đợt vận động “{c.name}” đã quá ngày kết thúc ({c.end_date:%d/%m/%Y}) nhưng chưa đóng"
        else:
            left = (c.end_date - today).days
            text = (f"Đợt vận động “{c.name}” kết thúc "
                    f"{'hôm nay' if left == 0 else f'sau {left} ngày'} ({c.end_date:%d/%m/%Y})")
        dash.attention.append(Attention(text, "campaign", c.id))
    if len(ending) > TOP:
        dash.attention.append(Attention(f"{len(ending) - TOP} đợt vận động khác sắp hoặc đã quá ngày kết thúc",
                                        "campaigns", 0, len(ending) - TOP))
    if facts.drafts:
        n = len(facts.drafts)
        dash.attention.append(Attention(f"{n} quyết định khen thưởng chưa ban hành", "decisions", 0, n))


def level_bars(awards: AwardFacts) -> list[tuple[str, str, int, int]]:
    """[(level key or "", label, awards, amount)] in school order."""
    order = list(LEVEL_SHORT) + [""]
    return [(k, LEVEL_SHORT.get(k, "Chưa rõ"), v[0], v[1])
            for k, v in sorted(awards.by_level.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]


def circumstance_bars(awards: AwardFacts) -> list[tuple[str, str, int, int]]:
    return [(k, CIRCUMSTANCES.get(k, "Không thuộc diện khó khăn"), v[0], v[1])
            for k, v in awards.by_circumstance.items()]
