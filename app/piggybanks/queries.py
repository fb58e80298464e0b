"""Read-side queries: the pig list, the pigs due on an opening day, history, and the reports.

Report figures come from grouped aggregate queries (one per figure family), never a query per
row, so a commune with hundreds of pigs renders its report in a few milliseconds.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from app.campaigns.models import OPEN, PIGGY_BANK, Campaign
from app.extensions import db
from app.units.models import Unit
from app.vn.text import fold

from .models import ACTIVE, HOLDER_TYPES, OPENED, PiggyBank, PiggyBankCycle, PiggyBankOpening


def in_scope(root: Unit):
    """Condition: the pig's unit is `root` or lies below it."""
    return PiggyBank.unit_id.in_(select(Unit.id).where(Unit.path.startswith(root.path)))


def pig_list(root: Unit, *, unit: Unit | None = None, holder_type: str = "", status: str = "", q: str = ""):
    """Pigs of `root` and below (or of `unit` and below), filtered, by unit then code."""
    stmt = select(PiggyBank).join(PiggyBank.unit).where(Unit.path.startswith((unit or root).path))
    if holder_type:
        stmt = stmt.where(PiggyBank.holder_type == holder_type)
    if status:
        stmt = stmt.where(PiggyBank.status == status)
    key = fold(q)
    if key:
        stmt = stmt.where(PiggyBank.search_key.contains(key, autoescape=True))
    return stmt.order_by(Unit.path, PiggyBank.code, PiggyBank.id)


def open_campaigns(unit: Unit) -> list:
    """Open piggy-bank campaigns a pig of `unit`'s scope may join: of the unit, above or below it."""
    found = db.session.scalars(select(Campaign).where(Campaign.kind == PIGGY_BANK, Campaign.status == OPEN)
                               .order_by(Campaign.id.desc())).all()
    return [c for c in found if c.unit.path.startswith(unit.path) or unit.path.startswith(c.unit.path)]


def count(stmt) -> int:
    """How many rows a list's select gives (0 for None, a filter that can give none)."""
    if stmt is None:
        return 0
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def ids(stmt) -> list[int]:
    """The pig ids of a list's select, in its order (None: none)."""
    if stmt is None:
        return []
    return list(db.session.scalars(stmt.with_only_columns(PiggyBank.id)))


def due_pigs(unit: Unit) -> list[PiggyBank]:
    """The active pigs of a branch (and below) for the opening-day sheet: by code, then holder name
    in Vietnamese order (codes differ only across units, where the name settles ties)."""
    stmt = (select(PiggyBank).join(PiggyBank.unit).where(Unit.path.startswith(unit.path),
                                                         PiggyBank.status == ACTIVE)
            .order_by(PiggyBank.code, PiggyBank.name_key, PiggyBank.id))
    return list(db.session.scalars(stmt))


def history(pig: PiggyBank) -> list[dict]:
    """Cycles with their openings, newest cycle first: [{cycle, issue, openings}]."""
    cycles = db.session.scalars(select(PiggyBankCycle).where(PiggyBankCycle.piggy_bank_id == pig.id)
                                .order_by(PiggyBankCycle.cycle.desc())).all()
    openings = db.session.scalars(select(PiggyBankOpening).where(PiggyBankOpening.piggy_bank_id == pig.id)
                                  .order_by(PiggyBankOpening.opened_on, PiggyBankOpening.id)).all()
    return [{"cycle": c.cycle, "issue": c, "openings": [o for o in openings if o.cycle == c.cycle]}
            for c in cycles]


_FIGURES = ("active", "waiting", "openings", "counted", "to_fund", "kept")


@dataclass
class ReportRow:
    unit: Unit
    holder_type: str
    active: int = 0
    waiting: int = 0  # opened, awaiting tái đàn
    openings: int = 0
    counted: int = 0
    to_fund: int = 0
    kept: int = 0

    @property
    def holder_type_label(self) -> str:
        return HOLDER_TYPES.get(self.holder_type, self.holder_type)


@dataclass
class Report:
    rows: list[ReportRow] = field(default_factory=list)
    total: ReportRow | None = None

    @property
    def by_type(self) -> list[ReportRow]:
        """The same figures per holder type across all units (summed from the rows, no query)."""
        out: dict[str, ReportRow] = {}
        for r in self.rows:
            t = out.setdefault(r.holder_type, ReportRow(self.total.unit, r.holder_type))
            for name in _FIGURES:
                setattr(t, name, getattr(t, name) + getattr(r, name))
        order = list(HOLDER_TYPES)
        return sorted(out.values(), key=lambda r: order.index(r.holder_type) if r.holder_type in order else 99)


def _period(stmt, date_from: date | None, date_to: date | None):
    if date_from:
        stmt = stmt.where(PiggyBankOpening.opened_on >= date_from)
    if date_to:
        stmt = stmt.where(PiggyBankOpening.opened_on <= date_to)
    return stmt


def opening_totals(root: Unit, date_from: date | None = None, date_to: date | None = None) -> dict:
    """Public: standing openings of `root` and below in a period, summed in one query.

    {"openings": n, "counted": đồng, "to_fund": đồng, "kept": đồng}; voided counts are left out.
    For other reports (the commune's yearly report, the dashboard).
    """
    stmt = _period(select(func.count(PiggyBankOpening.id), func.coalesce(func.sum(PiggyBankOpening.amount), 0),
                          func.coalesce(func.sum(PiggyBankOpening.to_fund), 0),
                          func.coalesce(func.sum(PiggyBankOpening.kept), 0))
                   .join(Unit, Unit.id == PiggyBankOpening.unit_id)
                   .where(Unit.path.startswith(root.path), PiggyBankOpening.voided.is_(False)),
                   date_from, date_to)
    n, counted, to_fund, kept = db.session.execute(stmt).one()
    return {"openings": int(n), "counted": int(counted), "to_fund": int(to_fund), "kept": int(kept)}


def report(root: Unit, date_from: date | None = None, date_to: date | None = None) -> Report:
    """Per unit and holder type: pigs active / waiting now, and openings, counted, to fund, kept in
    the period. Two grouped queries (pig counts, opening sums) merged in Python."""
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.path.startswith(root.path)))}
    rows: dict[tuple[int, str], ReportRow] = {}

    def row(unit_id, holder_type):
        return rows.setdefault((unit_id, holder_type), ReportRow(units[unit_id], holder_type))

    pig_counts = db.session.execute(
        select(PiggyBank.unit_id, PiggyBank.holder_type, PiggyBank.status, func.count())
        .where(PiggyBank.unit_id.in_(units), PiggyBank.status.in_((ACTIVE, OPENED)))
        .group_by(PiggyBank.unit_id, PiggyBank.holder_type, PiggyBank.status))
    for unit_id, holder_type, status, n in pig_counts:
        r = row(unit_id, holder_type)
        if status == ACTIVE:
            r.active = n
        else:
            r.waiting = n
    sums = db.session.execute(_period(
        select(PiggyBankOpening.unit_id, PiggyBankOpening.holder_type, func.count(),
               func.sum(PiggyBankOpening.amount), func.sum(PiggyBankOpening.to_fund),
               func.sum(PiggyBankOpening.kept))
        .where(PiggyBankOpening.unit_id.in_(units), PiggyBankOpening.voided.is_(False))
        .group_by(PiggyBankOpening.unit_id, PiggyBankOpening.holder_type), date_from, date_to))
    for unit_id, holder_type, n, counted, to_fund, kept in sums:
        r = row(unit_id, holder_type)
        r.openings, r.counted, r.to_fund, r.kept = n, int(counted), int(to_fund), int(kept)
    order = list(HOLDER_TYPES)
    result = sorted(rows.values(), key=lambda r: (r.unit.path, order.index(r.holder_type)
                                                   if r.holder_type in order else 99))
    total = ReportRow(root, "")
    for r in result:
        for name in _FIGURES:
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return Report(rows=result, total=total)
