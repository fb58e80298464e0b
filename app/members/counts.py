"""The organisation counts every report opens with: chi hội and ban by kind, members (on the roll at
31/12, joined, left or died, against the year before, share of the population) and the learning
titles (registered, assessed, recognised), for a unit and its subtree, for a year.

One grouped query per figure family, whatever the number of units (a province has a thousand):
  the tree (one read of the subtree's units),
  members joined (`ix_member_unit_joined`, an index-only count per unit),
  members ended (`ix_member_unit_ended`, reading only the rows of members who left or died),
  populations (the subtree's rows up to the year),
  learning titles (assessments of the year per kind, with a semi-join for the recognised ones).
Per-unit rows are then added up the tree in Python, so the roll-up's per-child figures cost nothing more.

"On the roll at 31/12/Y" is the register's rule (app.members.queries.on_roll): joined on or before
that day and not ended on or before it. It is counted as (joined ≤ D) − (joined ≤ D and ended ≤ D):
the first is an index-only count, the second reads only members who ended.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from app.audit.services import record
from app.commendations.assessments import recognised_ids
from app.commendations.models import TITLE_KINDS, Assessment
from app.core.authz import scope_unit_ids
from app.core.refusal import Refusal
from app.extensions import db
from app.reports import cache
from app.reports.sentences import percent
from app.units.models import UNIT_KINDS, Unit
from app.vn.names import word_key

from .models import Member, UnitPopulation

MAX_YEAR = 2200

# The kinds of unit counted as chi hội / ban under a unit (the levels above are not chi hội).
BRANCH_KINDS = ("village", "school", "agency", "clan", "religious", "other")
# Short plural labels for the counts (UNIT_KINDS' labels name one unit).
BRANCH_LABELS = {
    "village": "Chi hội thôn, ấp, tổ dân phố",
    "school": "Chi hội, ban khuyến học trường học",
    "agency": "Chi hội cơ quan, đơn vị",
    "clan": "Chi hội dòng họ",
    "religious": "Chi hội cơ sở tôn giáo",
    "other": "Chi hội, ban khác",
}
assert set(BRANCH_KINDS) <= set(UNIT_KINDS)


def _sum(cond):
    """How many rows of the group meet `cond` (COUNT(*) FILTER (WHERE ...): SQLite 3.30+, PostgreSQL)."""
    return func.count().filter(cond)


@dataclass
class MemberFigures:
    on_roll: int = 0        # on the roll at 31/12 of the year
    joined: int = 0         # joined in the year
    ended: int = 0          # left or died in the year
    last_year: int = 0      # on the roll at 31/12 of the year before
    population: int | None = None

    @property
    def change(self) -> int:
        return self.on_roll - self.last_year

    @property
    def share(self) -> float | None:
        """Per cent of the population, one decimal (None without a population)."""
        if not self.population:
            return None
        return round(self.on_roll * 100 / self.population, 1)

    @property
    def share_text(self) -> str:
        return percent(self.share) if self.share is not None else ""

    def add(self, other: "MemberFigures") -> None:
        self.on_roll += other.on_roll
        self.joined += other.joined
        self.ended += other.ended
        self.last_year += other.last_year


@dataclass
class TitleFigures:
    kind: str
    registered: int = 0   # assessments of the year
    assessed: int = 0     # scored (passed is not None)
    recognised: int = 0   # named on an issued decision

    @property
    def label(self) -> str:
        return TITLE_KINDS[self.kind]

    @property
    def percent(self) -> float | None:
        """Recognised over registered, per cent with one decimal."""
        return round(self.recognised * 100 / self.registered, 1) if self.registered else None

    @property
    def percent_text(self) -> str:
        return percent(self.percent) if self.percent is not None else ""


@dataclass
class ChildRow:
    unit_id: int
    name: str
    active: bool
    members: MemberFigures
    own: bool = False  # the unit's own members (not its children's)


@dataclass
class Organisation:
    unit_id: int
    unit_name: str
    unit_kind: str
    year: int
    branches: dict[str, int] = field(default_factory=dict)  # active units below, by kind (BRANCH_KINDS)
    members: MemberFigures = field(default_factory=MemberFigures)
    titles: list[TitleFigures] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)

    branch_labels = BRANCH_LABELS

    @property
    def branch_total(self) -> int:
        return sum(self.branches.values())

    @property
    def has_titles(self) -> bool:
        return any(t.registered for t in self.titles)


def year_end(year: int) -> date:
    return date(year, 12, 31)


# ---- the grouped reads ---------------------------------------------------------------------------

def _member_rows(root: Unit, year: int) -> dict[int, MemberFigures]:
    """{unit id: its own members' figures}: two grouped queries."""
    end, prev = year_end(year), year_end(year - 1)
    in_scope = Member.unit_id.in_(scope_unit_ids(root))
    out: dict[int, MemberFigures] = {}
    joined = select(Member.unit_id, _sum(Member.joined_on <= end), _sum(Member.joined_on <= prev)) \
        .where(in_scope, Member.joined_on <= end).group_by(Member.unit_id)
    for uid, upto, upto_prev in db.session.execute(joined):
        out[uid] = MemberFigures(on_roll=int(upto), joined=int(upto) - int(upto_prev), last_year=int(upto_prev))
    ended = select(Member.unit_id,
                   _sum(and_(Member.ended_on <= end, Member.joined_on <= end)),
                   _sum(and_(Member.ended_on <= prev, Member.joined_on <= prev)),
                   _sum(Member.ended_on > prev)) \
        .where(in_scope, Member.ended_on.is_not(None), Member.ended_on <= end).group_by(Member.unit_id)
    for uid, gone, gone_prev, in_year in db.session.execute(ended):
        m = out.setdefault(uid, MemberFigures())
        m.on_roll -= int(gone)
        m.last_year -= int(gone_prev)
        m.ended = int(in_year)
    return out


def _populations(root: Unit, year: int) -> dict[int, int]:
    """{unit id: its population for the year, else its latest earlier year's}."""
    rows = db.session.execute(select(UnitPopulation.unit_id, UnitPopulation.year, UnitPopulation.population)
                              .where(UnitPopulation.unit_id.in_(scope_unit_ids(root)), UnitPopulation.year <= year)
                              .order_by(UnitPopulation.unit_id, UnitPopulation.year))
    return {uid: int(pop) for uid, _y, pop in rows}  # ordered by year: the latest one stays


def _titles(root: Unit, year: int) -> list[TitleFigures]:
    """Per learning title: registered, assessed, recognised (one grouped query)."""
    stmt = select(Assessment.kind, func.count(), _sum(Assessment.passed.is_not(None)),
                  _sum(Assessment.id.in_(recognised_ids()))) \
        .where(Assessment.unit_id.in_(scope_unit_ids(root)), Assessment.year == year).group_by(Assessment.kind)
    found = {kind: (n, assessed, recognised) for kind, n, assessed, recognised in db.session.execute(stmt)}
    return [TitleFigures(kind, *(int(v) for v in found.get(kind, (0, 0, 0)))) for kind in TITLE_KINDS]


def _tree(root: Unit):
    return db.session.execute(select(Unit.id, Unit.parent_id, Unit.path, Unit.kind, Unit.active, Unit.name)
                              .where(Unit.path.startswith(root.path)).order_by(Unit.path)).all()


def subtree_population(unit_id: int, own: dict[int, int], children: dict[int, list[int]]) -> int | None:
    """A unit's own population when set (a commune's covers its chi hội), else the sum of its
    children's (each by the same rule); None when no unit of the subtree has one. A chi hội of a
    school or an agency covers no territory of its own and simply adds nothing."""
    if unit_id in own:
        return own[unit_id]
    parts = [p for c in children.get(unit_id, ()) if (p := subtree_population(c, own, children)) is not None]
    return sum(parts) if parts else None


# ---- the figures ---------------------------------------------------------------------------------

def compute(root: Unit, year: int) -> Organisation:
    """The organisation counts of `root` and its subtree for `year` (uncached: see `organisation`)."""
    tree = _tree(root)
    children: dict[int, list[int]] = {}
    names, active, paths = {}, {}, {}
    for uid, parent_id, path, _kind, is_active, name in tree:
        children.setdefault(parent_id, []).append(uid)
        names[uid], active[uid], paths[uid] = name, is_active, path
    org = Organisation(root.id, root.name, root.kind, year)
    counts = {k: 0 for k in BRANCH_KINDS}
    for uid, _p, _path, kind, is_active, _n in tree:
        if uid != root.id and is_active and kind in counts:
            counts[kind] += 1
    org.branches = counts
    own = _member_rows(root, year)
    pops = _populations(root, year)
    # Each child's subtree: the child whose path prefixes the unit's (paths sort parents first).
    top = {}
    direct = children.get(root.id, [])
    for uid, _p, path, *_ in tree:
        if uid == root.id:
            continue
        head = int(path[len(paths[root.id]):].strip("/").split("/")[0])
        top[uid] = head
    per_child = {c: MemberFigures() for c in direct}
    mine = own.get(root.id, MemberFigures())
    for uid, m in own.items():
        org.members.add(m)
        if uid != root.id:
            per_child[top[uid]].add(m)
    org.members.population = subtree_population(root.id, pops, children)
    if mine.on_roll or mine.last_year or mine.joined or mine.ended:
        mine.population = None  # the unit's own roll: its population covers the whole subtree
        org.children.append(ChildRow(root.id, f"{root.name} (trực tiếp)", True, mine, own=True))
    for c in sorted(direct, key=lambda c: word_key(names[c])):
        per_child[c].population = subtree_population(c, pops, children)
        org.children.append(ChildRow(c, names[c], active[c], per_child[c]))
    org.titles = _titles(root, year)
    return org


def organisation(root: Unit, year: int) -> Organisation:
    """compute(), cached per unit and year (app.reports.cache). The key reads the versions of the
    unit and of every unit above it: a decision issued above (a commune recognising its chi hội's
    families) bumps those, not the chi hội's."""
    ids = [int(p) for p in root.path.strip("/").split("/") if p] + [root.id]
    versions = cache.versions_of(ids)
    version = tuple(versions[i][0] for i in sorted(set(ids))) + (versions[root.id][1],)
    hit = cache.peek("organisation", root.id, (year,), version)
    if hit is not None:
        return hit
    value = compute(root, year)
    cache.put("organisation", root.id, (year,), version, value)
    return value


# ---- setting the population ----------------------------------------------------------------------

class PopulationError(Refusal):
    """A population typed wrong: the message goes beside its unit's box."""


MAX_POPULATION = 200_000_000


def parse_population(text: str, field: str) -> int | None:
    """"12.345" or "12345" → 12345; blank → None (no population for that year)."""
    text = (text or "").strip()
    if not text:
        return None
    # "." groups thousands the Vietnamese way; "," is a decimal comma, and people are counted whole.
    digits = text.replace(".", "").replace(" ", "").replace("\u00a0", "")
    if not digits.isascii() or not digits.isdigit():
        raise PopulationError("Vui lòng nhập số dân là một số nguyên, ví dụ 12.345.", field)
    value = int(digits)
    if not 0 < value <= MAX_POPULATION:
        raise PopulationError("Số dân phải lớn hơn 0 và không quá 200 triệu.", field)
    return value


def population_rows(root: Unit, year: int) -> list[tuple[Unit, int | None, tuple[int, int] | None, bool]]:
    """[(unit, its population for `year` or None, (earlier year, population) it falls back on or None,
    has children)] for `root` and its direct children, in Vietnamese name order: one form's rows."""
    units = [root] + sorted(db.session.scalars(select(Unit).where(Unit.parent_id == root.id)),
                            key=lambda u: word_key(u.name))
    ids = [u.id for u in units]
    rows = db.session.execute(select(UnitPopulation.unit_id, UnitPopulation.year, UnitPopulation.population)
                              .where(UnitPopulation.unit_id.in_(ids), UnitPopulation.year <= year)
                              .order_by(UnitPopulation.year)).all()
    this, earlier = {}, {}
    for uid, y, pop in rows:
        if y == year:
            this[uid] = int(pop)
        else:
            earlier[uid] = (y, int(pop))  # ordered by year: the latest earlier year stays
    parents = set(db.session.scalars(select(Unit.parent_id).where(Unit.parent_id.in_(ids)).distinct()))
    return [(u, this.get(u.id), earlier.get(u.id), u.id in parents) for u in units]


def save_populations(root: Unit, year: int, values: dict[int, int | None]) -> int:
    """Set the population of `year` for `root` and its direct children (`values`: unit id → population,
    None to clear that year's figure); each change audited. Returns how many changed."""
    allowed = {root.id} | set(db.session.scalars(select(Unit.id).where(Unit.parent_id == root.id)))
    if not set(values) <= allowed:
        raise PopulationError("Đơn vị không thuộc danh sách này.")
    if not 1900 <= year <= MAX_YEAR:
        raise PopulationError("Năm không hợp lệ.", "nam")
    have = {p.unit_id: p for p in db.session.scalars(
        select(UnitPopulation).where(UnitPopulation.unit_id.in_(sorted(values)), UnitPopulation.year == year))}
    changed = 0
    for uid, value in sorted(values.items()):
        row = have.get(uid)
        if row is None and value is not None:
            row = UnitPopulation(unit_id=uid, year=year, population=value)
            db.session.add(row)
            record("create", row, after=row.audit_dict())
        elif row is not None and value is None:
            record("delete", row, before=row.audit_dict())
            db.session.delete(row)
        elif row is not None and row.population != value:
            before = row.audit_dict()
            row.population = value
            record("update", row, before=before, after=row.audit_dict())
        else:
            continue
        changed += 1
    db.session.flush()
    return changed
