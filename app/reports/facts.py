"""The plain records report facts are made of (no ORM objects: they are cached across requests)."""
from dataclasses import dataclass, field
from datetime import date

from .periods import Ym


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    kind: str
    parent_id: int | None
    path: str
    depth: int
    active: bool
    merged_on: date | None = None  # issue 20 D: merged away on that day (app.units.merging)


@dataclass(frozen=True)
class FundInfo:
    id: int
    unit_id: int
    name: str
    is_default: bool
    active: bool


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    unit_id: int
    name: str
    kind: str
    start_date: date | None
    end_date: date | None
    target: int
    is_open: bool


@dataclass(frozen=True)
class RoundInfo:
    id: int
    unit_id: int
    name: str
    school_year: str
    day: date  # ceremony date, or the day the round was created
    decision_number: str
    budget: int
    is_open: bool


@dataclass(frozen=True)
class Award:
    """One approved nomination (kept row by row: distinct pupils are counted from these)."""
    unit_id: int
    round_id: int
    pupil_id: int
    kind: str
    goods: bool
    level: str
    circumstances: tuple[str, ...]
    paid: bool
    amount: int


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    unit_id: int
    number: str
    day: date
    title: str
    issued: bool


@dataclass
class Flow:
    """One fund's ledger movements in one month (reversals netted into what they void)."""
    income: int = 0        # every income except transfers
    other_income: int = 0  # incomes posted straight to the ledger (no donation or pig behind them)
    spent: dict = field(default_factory=dict)  # source -> amount: payment, scholarship, prize
    transfer_net: int = 0  # transfers in minus out


@dataclass
class GoodsFlow:
    """One unit's goods register movements in one month, valued in đồng (reversals netted into what
    they void): goods are not cash, so they never enter a Flow."""
    received: dict = field(default_factory=dict)  # source -> value taken into stock: donation, ...
    given: dict = field(default_factory=dict)     # source -> value handed out: scholarship, prize, issue


@dataclass
class Facts:
    root_id: int
    first: date
    last: date | None
    units: dict[int, UnitInfo]
    children: dict[int, list[int]]
    # How the facts were read (not what they say, so left out of ==): the whole database in one
    # scan, or only the records of the root unit itself (app.reports.compose adds the children).
    everything: bool = field(default=False, compare=False)
    own_only: bool = field(default=False, compare=False)
    donations: dict[tuple[int, Ym], list[int]] = field(default_factory=dict)  # [count, amount, in kind]
    # (owner unit, campaign, month) -> money raised for the campaign (donations, pigs' fund part)
    campaign_money: dict[tuple[int, int, Ym], int] = field(default_factory=dict)
    # (owner unit, campaign, month) -> the part of campaign_money given in kind (valued)
    campaign_goods: dict[tuple[int, int, Ym], int] = field(default_factory=dict)
    openings: dict[tuple[int, Ym], list[int]] = field(default_factory=dict)  # [n, counted, to fund, kept]
    pigs_now: dict[int, dict[str, int]] = field(default_factory=dict)
    funds: dict[int, FundInfo] = field(default_factory=dict)
    fund_opening: dict[int, int] = field(default_factory=dict)  # balance before `first`
    ledger: dict[tuple[int, Ym], Flow] = field(default_factory=dict)
    # The goods register (app.goods), by the unit holding the stock: value on hand before `first`
    # (received minus given out) and each month's movements.
    goods_opening: dict[int, int] = field(default_factory=dict)
    goods: dict[tuple[int, Ym], GoodsFlow] = field(default_factory=dict)
    campaigns: dict[int, CampaignInfo] = field(default_factory=dict)
    rounds: dict[int, RoundInfo] = field(default_factory=dict)
    awards: list[Award] = field(default_factory=list)
    pending: dict[int, int] = field(default_factory=dict)  # round id -> nominations waiting
    decisions: dict[int, DecisionInfo] = field(default_factory=dict)
    honorees: dict[tuple[int, str], list[int]] = field(default_factory=dict)  # (decision, kind) -> [n, amount]
    drafts: list[DecisionInfo] = field(default_factory=list)
