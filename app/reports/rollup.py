"""From per-unit, per-month facts to the figures of a period, and up the tree.

`own_summaries` gives each unit's own figures for a period; `rollup` adds every unit's subtree
up (post-order), so a unit's total is, by construction, its own figures plus its children's
totals. Every field of `Summary` is additive: counts of distinct things that are not (pupils
helped by two branches) are computed for one subtree at a time, never summed (see `awards_of`).
"""
import sys
from dataclasses import dataclass, fields, replace

from .figures import CIRCUMSTANCE_KEYS, Facts
from .periods import Period


@dataclass
class Summary:
    donation_count: int = 0
    donation_amount: int = 0
    in_kind_amount: int = 0
    pig_openings: int = 0
    pig_counted: int = 0
    pig_to_fund: int = 0
    pig_kept: int = 0
    pig_units: int = 0       # units with at least one opening in the period
    pigs_active: int = 0     # now, not in the period
    pigs_waiting: int = 0    # opened, not yet re-issued (now)
    other_income: int = 0
    ledger_income: int = 0
    spent_scholarship: int = 0
    spent_prize: int = 0
    spent_other: int = 0
    transfer_net: int = 0
    opening_balance: int = 0
    closing_balance: int = 0
    awards: int = 0
    award_amount: int = 0
    awards_paid: int = 0
    paid_amount: int = 0
    honorees: int = 0
    honoree_amount: int = 0
    campaigns: int = 0         # campaigns starting in the period
    campaign_target: int = 0
    campaign_raised: int = 0   # what those campaigns raised in the period (money and goods)
    campaign_goods: int = 0    # the part of it given in kind (valued)
    # The goods register (valued in đồng; never in the fund balances above, which are cash):
    goods_received: int = 0    # taken into stock in the period
    goods_given_scholarship: int = 0  # handed out with scholarships
    goods_given_prize: int = 0        # handed out with prizes
    goods_given_other: int = 0        # other hand-outs
    goods_opening: int = 0     # value on hand at the period's start
    goods_closing: int = 0     # value on hand at its end

    @property
    def donation_money(self) -> int:
        """Standing donations in cash or by transfer."""
        return self.donation_amount - self.in_kind_amount

    @property
    def money_raised(self) -> int:
        """Money raised: donations in cash or by transfer, pigs' fund part, other direct income."""
        return self.donation_money + self.pig_to_fund + self.other_income

    @property
    def goods_raised(self) -> int:
        """Goods raised: donations in kind at their value ("quy ra tiền")."""
        return self.in_kind_amount

    @property
    def raised(self) -> int:
        """Raised in all: money and goods (valued)."""
        return self.money_raised + self.goods_raised

    @property
    def goods_given(self) -> int:
        return self.goods_given_scholarship + self.goods_given_prize + self.goods_given_other

    @property
    def campaign_money(self) -> int:
        return self.campaign_raised - self.campaign_goods

    @property
    def spent(self) -> int:
        return self.spent_scholarship + self.spent_prize + self.spent_other

    def add(self, other: "Summary") -> "Summary":
        mine, theirs = self.__dict__, other.__dict__
        for name in _FIELDS:
            mine[name] += theirs[name]
        return self

    def as_tuple(self) -> tuple:
        return tuple(self.__dict__[name] for name in _FIELDS)

    def is_empty(self) -> bool:
        return not any(self.as_tuple())


_FIELDS = tuple(f.name for f in fields(Summary))


def _campaign_day(c):
    return c.start_date or c.end_date


def fund_units(facts: Facts) -> dict[int, int]:
    return {f.id: f.unit_id for f in facts.funds.values()}


def own_summaries(facts: Facts, period: Period) -> dict[int, Summary]:
    """Each unit's own figures for `period` (facts must start on or before the period)."""
    assert facts.first <= period.start, "facts loaded from after the period's start"
    months = set(period.months)
    first_month = period.months[0]
    out = {uid: Summary() for uid in facts.units}
    for (uid, ym), (n, amount, in_kind) in facts.donations.items():
        if ym in months:
            s = out[uid]
            s.donation_count += n
            s.donation_amount += amount
            s.in_kind_amount += in_kind
    for (uid, ym), (n, counted, to_fund, kept) in facts.openings.items():
        if ym in months:
            s = out[uid]
            s.pig_openings += n
            s.pig_counted += counted
            s.pig_to_fund += to_fund
            s.pig_kept += kept
    for s in out.values():
        s.pig_units = 1 if s.pig_openings else 0
    for uid, statuses in facts.pigs_now.items():
        if uid in out:
            out[uid].pigs_active += statuses.get("active", 0)
            out[uid].pigs_waiting += statuses.get("opened", 0)
    owner = fund_units(facts)
    for fid, balance in facts.fund_opening.items():
        if fid in owner:
            out[owner[fid]].opening_balance += balance
            out[owner[fid]].closing_balance += balance
    for (fid, ym), flow in facts.ledger.items():
        if fid not in owner:
            continue
        s = out[owner[fid]]
        net = flow.income - sum(flow.spent.values()) + flow.transfer_net
        if ym < first_month:
            s.opening_balance += net
            s.closing_balance += net
        elif ym in months:
            s.closing_balance += net
            s.ledger_income += flow.income
            s.other_income += flow.other_income
            s.transfer_net += flow.transfer_net
            s.spent_scholarship += flow.spent.get("scholarship", 0)
            s.spent_prize += flow.spent.get("prize", 0)
            s.spent_other += sum(v for k, v in flow.spent.items() if k not in ("scholarship", "prize"))
    _goods(facts, out, months, first_month)
    for a in facts.awards:
        r = facts.rounds[a.round_id]
        if period.contains(r.day) and a.unit_id in out:
            s = out[a.unit_id]
            s.awards += 1
            s.award_amount += a.amount
            s.awards_paid += 1 if a.paid else 0
            s.paid_amount += a.amount if a.paid else 0
    for (did, _kind), (n, amount) in facts.honorees.items():
        d = facts.decisions[did]
        if period.contains(d.day) and d.unit_id in out:
            out[d.unit_id].honorees += n
            out[d.unit_id].honoree_amount += amount
    raised = campaign_raised(facts, period)
    goods = campaign_raised(facts, period, goods=True)
    for c in facts.campaigns.values():
        if period.contains(_campaign_day(c)) and c.unit_id in out:
            s = out[c.unit_id]
            s.campaigns += 1
            s.campaign_target += c.target
            s.campaign_raised += raised.get(c.id, 0)
            s.campaign_goods += goods.get(c.id, 0)
    return out


def _goods(facts: Facts, out: dict[int, "Summary"], months: set, first_month) -> None:
    """The goods register's figures: value on hand before and after, received, handed out."""
    for uid, value in facts.goods_opening.items():
        if uid in out:
            out[uid].goods_opening += value
            out[uid].goods_closing += value
    for (uid, ym), flow in facts.goods.items():
        if uid not in out:
            continue
        s = out[uid]
        received, given = sum(flow.received.values()), sum(flow.given.values())
        if ym < first_month:
            s.goods_opening += received - given
            s.goods_closing += received - given
        elif ym in months:
            s.goods_closing += received - given
            s.goods_received += received
            s.goods_given_scholarship += flow.given.get("scholarship", 0)
            s.goods_given_prize += flow.given.get("prize", 0)
            s.goods_given_other += sum(v for k, v in flow.given.items() if k not in ("scholarship", "prize"))


def campaign_raised(facts: Facts, period: Period, *, goods: bool = False) -> dict[int, int]:
    """{campaign id: raised for it in the period (money and goods; goods=True: the goods part)},
    whoever collected it."""
    months = set(period.months)
    out: dict[int, int] = {}
    for (_owner, cid, ym), amount in (facts.campaign_goods if goods else facts.campaign_money).items():
        if ym in months:
            out[cid] = out.get(cid, 0) + amount
    return out


def rollup(facts: Facts, own: dict[int, Summary]) -> dict[int, Summary]:
    """{unit id: the unit's own figures plus its whole subtree's}."""
    total: dict[int, Summary] = {}

    def walk(uid: int) -> Summary:
        s = Summary().add(own[uid])
        for child in facts.children.get(uid, []):
            s.add(walk(child))
        total[uid] = s
        return s

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    walk(facts.root_id)
    return total


def subtree_ids(facts: Facts, uid: int) -> set[int]:
    prefix = facts.units[uid].path
    return {u.id for u in facts.units.values() if u.path.startswith(prefix)}


@dataclass
class RollupRow:
    unit_id: int
    name: str
    kind: str
    active: bool
    summary: Summary
    own: bool  # the unit's own (direct) figures, not a child's subtree
    has_children: bool
    # Issue 19: the own row carries the unit's Organisation (app.members.counts: members per child
    # with a total, for the roll-up page), joined outside the cached facts.
    organisation: object = None


def _only_merge_transfers(s: Summary) -> bool:
    """Nothing left and nothing done but the merge's transfers out (dated the merge day)."""
    return s.closing_balance == 0 and replace(s, opening_balance=0, transfer_net=0).is_empty()


def rows_under(facts: Facts, uid: int, own: dict[int, Summary], total: dict[int, Summary]) -> list[RollupRow]:
    """The roll-up rows of `uid`: its own figures ("trực tiếp") first, then each child's subtree."""
    u = facts.units[uid]
    rows = [RollupRow(uid, u.name, u.kind, u.active, own[uid], True, False)]
    for child in facts.children.get(uid, []):
        c = facts.units[child]
        if c.merged_on is not None and c.merged_on <= facts.first and _only_merge_transfers(total[child]):
            continue  # merged away by the period's start (issue 20 D): the unit it went into reports it
        rows.append(RollupRow(child, c.name, c.kind, c.active, total[child], False,
                              bool(facts.children.get(child))))
    return rows


def monthly_donations(facts: Facts, period: Period, unit_ids: set[int]) -> list[tuple[tuple[int, int], int]]:
    """[(month, standing donations of the subtree)] for the period's twelve months: what the
    donation list shows for each month (the month chart's bars link there). The pigs' fund part
    and other income are in the money raised too, but no single list holds them by month."""
    per = {ym: 0 for ym in period.months}
    for (uid, ym), row in facts.donations.items():
        if ym in per and uid in unit_ids:
            per[ym] += row[1]
    return list(per.items())


@dataclass
class AwardFacts:
    awards: int = 0
    amount: int = 0
    pupils: int = 0
    kinds: frozenset = frozenset()
    goods: bool = False
    students: bool = False  # university or vocational students among them
    by_level: dict | None = None          # level -> [awards, amount]
    by_circumstance: dict | None = None   # key or "" -> [awards, amount]
    by_round: dict | None = None          # round id -> [awards, amount, paid awards, paid amount]


def awards_of(facts: Facts, period: Period, unit_ids: set[int]) -> AwardFacts:
    """Scholarship figures of a subtree in a period, with distinct pupils counted once."""
    out = AwardFacts(by_level={}, by_circumstance={}, by_round={})
    pupils, kinds = set(), set()
    for a in facts.awards:
        if a.unit_id not in unit_ids or not period.contains(facts.rounds[a.round_id].day):
            continue
        out.awards += 1
        out.amount += a.amount
        pupils.add(a.pupil_id)
        kinds.add(a.kind)
        out.goods = out.goods or a.goods
        out.students = out.students or a.level in ("university", "vocational")
        lv = out.by_level.setdefault(a.level, [0, 0])
        lv[0] += 1
        lv[1] += a.amount
        for key in a.circumstances or ("",):
            c = out.by_circumstance.setdefault(key, [0, 0])
            c[0] += 1
            c[1] += a.amount
        r = out.by_round.setdefault(a.round_id, [0, 0, 0, 0])
        r[0] += 1
        r[1] += a.amount
        r[2] += 1 if a.paid else 0
        r[3] += a.amount if a.paid else 0
    out.pupils = len(pupils)
    out.kinds = frozenset(kinds)
    order = list(CIRCUMSTANCE_KEYS) + [""]
    out.by_circumstance = dict(sorted(out.by_circumstance.items(), key=lambda kv: order.index(kv[0])))
    return out


def honorees_of(facts: Facts, period: Period, unit_ids: set[int]) -> dict[str, list[int]]:
    """{honoree kind: [count, prize money]} of the issued decisions of a subtree in a period."""
    out: dict[str, list[int]] = {}
    for (did, kind), (n, amount) in facts.honorees.items():
        d = facts.decisions[did]
        if d.unit_id in unit_ids and period.contains(d.day):
            row = out.setdefault(kind, [0, 0])
            row[0] += n
            row[1] += amount
    return out


def goods_on_hand_now(facts: Facts) -> int:
    """Value of the goods on hand in the whole scope (facts loaded without an end date)."""
    return sum(facts.goods_opening.values()) + sum(sum(f.received.values()) - sum(f.given.values())
                                                   for f in facts.goods.values())


def balances_now(facts: Facts) -> dict[int, int]:
    """{fund id: cash balance with every entry} (facts loaded without an end date)."""
    out = dict.fromkeys(facts.funds, 0)
    for fid, balance in facts.fund_opening.items():
        out[fid] = out.get(fid, 0) + balance
    for (fid, _ym), flow in facts.ledger.items():
        out[fid] = out.get(fid, 0) + flow.income - sum(flow.spent.values()) + flow.transfer_net
    return out
