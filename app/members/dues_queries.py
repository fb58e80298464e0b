"""Dues lists: who paid which year (a grid), and the lapsed list (Danh sách hội viên chưa đóng hội phí).

Both are SQL over the members of a unit's subtree, paged ids-first (app.core.paging): a province of
300,000 members is never walked in Python. Only the page's rows (or an export's chunk) have their
paid years read, in one query per page or chunk.

Lapsed, for a reference year Y: an active member of a unit that collects dues (an enabled setting)
who has no standing payment for any of the last N years (N = the unit's lapsed_after, Y-N+1..Y),
where all those N years count: the member had joined by Y-N+1 and the unit collected by then (its
first standing batch's year). The years owed are every unpaid year from the later of the member's
joining year and the unit's first dues year, through Y; the amount owed is those years × the
unit's amount.
"""
from array import array

from sqlalchemy import and_, case, exists, func, select

from app.core.authz import scope_filter
from app.core.paging import Page, paginate_ids
from app.extensions import db
from app.reports import cache
from app.units.models import Unit

from .models import ACTIVE, DuesBatch, DuesPayment, DuesSetting, Member

GRID_YEARS = 3
STANDING = DuesPayment.voided == False  # noqa: E712  (matches the partial unique index's predicate)


def _first_years():
    """Per unit, the first dues year it collected (a standing batch)."""
    return (select(DuesBatch.unit_id.label("unit_id"), func.min(DuesBatch.year).label("first"))
            .where(DuesBatch.voided_at.is_(None)).group_by(DuesBatch.unit_id).subquery())


def paid_years(member_ids, years=None) -> dict[int, set[int]]:
    """{member_id: years paid} for these members (standing payments), optionally only `years`."""
    out: dict[int, set[int]] = {i: set() for i in member_ids}
    if not out:
        return out
    stmt = select(DuesPayment.member_id, DuesPayment.year).where(DuesPayment.member_id.in_(list(out)), STANDING)
    if years is not None:
        stmt = stmt.where(DuesPayment.year.in_(list(years)))
    for mid, year in db.session.execute(stmt):
        out[mid].add(year)
    return out


# ---- who has paid which year -----------------------------------------------------------------

def grid_years(year: int) -> list[int]:
    return list(range(year - GRID_YEARS + 1, year + 1))


def roll_query(root):
    """Active members of root's subtree in Vietnamese order."""
    return select(Member).where(scope_filter(Member.unit_id, root), Member.status == ACTIVE) \
        .order_by(Member.name_key, Member.id)


def grid_page(root, year: int, page: int, per_page: int):
    """(page of members, {member_id: years paid among the grid's}, years): ids-first paging, a top-N
    sort of the subtree's names (a province's first page ~75 ms on SQLite)."""
    years = grid_years(year)
    pagination = paginate_ids(roll_query(root), Member, page, per_page)
    return pagination, paid_years([m.id for m in pagination.items], years), years


def grid_counts(root, year: int) -> tuple[int, dict[int, int]]:
    """(active members in the subtree, {year: how many of them paid it}) for the grid's count line,
    cached per data version (a province's count is a pass over its members)."""
    return cache.cached("members.dues_grid", root.id, (year,), lambda: _grid_counts(root, year))


def _grid_counts(root, year: int) -> tuple[int, dict[int, int]]:
    years = grid_years(year)
    total = db.session.scalar(select(func.count()).select_from(Member)
                              .where(scope_filter(Member.unit_id, root), Member.status == ACTIVE)) or 0
    rows = db.session.execute(
        select(DuesPayment.year, func.count(func.distinct(DuesPayment.member_id)))
        .join(Member, Member.id == DuesPayment.member_id)
        .where(scope_filter(Member.unit_id, root), Member.status == ACTIVE, STANDING, DuesPayment.year.in_(years))
        .group_by(DuesPayment.year))
    found = {y: int(n) for y, n in rows}
    return int(total), {y: found.get(y, 0) for y in years}


# ---- lapsed ----------------------------------------------------------------------------------

def _lapsed_parts(root, year: int):
    first = _first_years()
    from_year = year - DuesSetting.lapsed_after + 1
    joined = func.extract("year", Member.joined_on)
    p = DuesPayment
    cond = and_(scope_filter(Member.unit_id, root), Member.status == ACTIVE, joined <= from_year,
                first.c.first <= from_year,
                ~exists().where(p.member_id == Member.id, p.voided == False,  # noqa: E712
                                p.year >= from_year, p.year <= year))
    return first, joined, cond


def lapsed_query(root, year: int):
    """A select of the lapsed members (see the module's docstring), Vietnamese order."""
    first, _, cond = _lapsed_parts(root, year)
    return (select(Member)
            .join(DuesSetting, and_(DuesSetting.unit_id == Member.unit_id, DuesSetting.enabled.is_(True)))
            .join(first, first.c.unit_id == Member.unit_id)
            .where(cond).order_by(Member.name_key, Member.id))


def _owed_expr(first, joined, year: int):
    """Đồng a lapsed member owes: unpaid years since max(joining year, the unit's first dues year) × amount."""
    since = case((joined > first.c.first, joined), else_=first.c.first)
    p = DuesPayment
    paid_since = (select(func.count()).where(p.member_id == Member.id, p.voided == False,  # noqa: E712
                                             p.year >= since, p.year <= year).scalar_subquery())
    return (year - since + 1 - paid_since) * DuesSetting.amount


def _settings_facts(root) -> tuple[tuple, int]:
    """(the dues settings of root's subtree as a cache key part, how many of them collect), one read.
    Settings are not counted records (a change bumps no data version), so a saved setting
    (updated_at) must change the key itself."""
    n, newest, enabled = db.session.execute(
        select(func.count(), func.max(DuesSetting.updated_at),
               func.count(case((DuesSetting.enabled.is_(True), 1))))
        .where(scope_filter(DuesSetting.unit_id, root))).one()
    return (int(n or 0), newest.isoformat() if newest else ""), int(enabled or 0)


def _settings_key(root) -> tuple:
    return _settings_facts(root)[0]


def lapsed_index(root, year: int, settings_key: tuple | None = None) -> tuple[array, int]:
    """(the lapsed members' ids in list order, the total owed), one SQL pass, cached per data version
    (app.reports.cache: a member, a batch or a voided payment of the subtree bumps it) and settings:
    a province's page and its count then cost a slice, not a pass over 300,000 members.
    `settings_key`: _settings_facts(root)[0] when the caller has read it already."""
    def compute():
        first, joined, cond = _lapsed_parts(root, year)
        rows = db.session.execute(
            select(Member.id, _owed_expr(first, joined, year))
            .join(DuesSetting, and_(DuesSetting.unit_id == Member.unit_id, DuesSetting.enabled.is_(True)))
            .join(first, first.c.unit_id == Member.unit_id)
            .where(cond).order_by(Member.name_key, Member.id)).all()
        return array("i", (r[0] for r in rows)), sum(int(r[1] or 0) for r in rows)

    key = settings_key if settings_key is not None else _settings_key(root)
    return cache.cached("members.dues_lapsed", root.id, (year, key), compute)


def lapsed_totals(root, year: int) -> tuple[int, int]:
    """(lapsed members, total owed in đồng) over the whole list."""
    ids, owed = lapsed_index(root, year)
    return len(ids), owed


def owed_rows(members, year: int) -> list[dict]:
    """For members of the lapsed list: their years owed and the amount, read for these rows only."""
    unit_ids = {m.unit_id for m in members}
    if not members:
        return []
    firsts = dict(db.session.execute(select(DuesBatch.unit_id, func.min(DuesBatch.year)).where(
        DuesBatch.unit_id.in_(unit_ids), DuesBatch.voided_at.is_(None)).group_by(DuesBatch.unit_id)).all())
    amounts = dict(db.session.execute(select(DuesSetting.unit_id, DuesSetting.amount)
                                      .where(DuesSetting.unit_id.in_(unit_ids))).all())
    paid = paid_years([m.id for m in members])
    rows = []
    for m in members:
        since = max(m.joined_on.year, firsts.get(m.unit_id) or year)
        owed = [y for y in range(since, year + 1) if y not in paid[m.id]]
        rows.append({"member": m, "years": owed, "amount": len(owed) * int(amounts.get(m.unit_id) or 0)})
    return rows


def _load(ids) -> list[Member]:
    by_id = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(list(ids))))} if ids else {}
    return [by_id[i] for i in ids if i in by_id]


def lapsed_page(root, year: int, page: int, per_page: int, settings_key: tuple | None = None):
    ids, _ = lapsed_index(root, year, settings_key)
    start = (page - 1) * per_page
    members = _load(list(ids[start:start + per_page]))
    return Page(members, page, per_page, len(ids)), owed_rows(members, year)


def lapsed_view(root, year: int, page: int, per_page: int):
    """What the lapsed page shows: (page of members, their rows owed, total owed, units collecting),
    the settings and the index read once (the page, its totals and its notice all need them)."""
    key, collecting = _settings_facts(root)
    pagination, rows = lapsed_page(root, year, page, per_page, key)
    return pagination, rows, lapsed_index(root, year, key)[1], collecting


def lapsed_export_rows(root, year: int, chunk: int = 2000):
    """Every lapsed member with years owed, read in chunks of ids (an export of a whole province)."""
    ids, _ = lapsed_index(root, year)
    n = 0
    for start in range(0, len(ids), chunk):
        for row in owed_rows(_load(list(ids[start:start + chunk])), year):
            n += 1
            yield n, row


def grid_export_rows(root, year: int, chunk: int = 2000):
    years = grid_years(year)
    ids = list(db.session.scalars(roll_query(root).with_only_columns(Member.id)))
    n = 0
    for start in range(0, len(ids), chunk):
        members = _load(ids[start:start + chunk])
        paid = paid_years([m.id for m in members], years)
        for m in members:
            n += 1
            yield n, m, [y in paid[m.id] for y in years]


def collecting_count(root) -> int:
    """How many units of root's subtree collect dues (the lists say so when none does)."""
    return db.session.scalar(select(func.count()).select_from(DuesSetting).where(
        scope_filter(DuesSetting.unit_id, root), DuesSetting.enabled.is_(True))) or 0


def settings_of(units) -> dict[int, DuesSetting]:
    """{unit id: its dues setting} for the units that have one."""
    ids = [u.id for u in units]
    return {s.unit_id: s for s in db.session.scalars(select(DuesSetting).where(DuesSetting.unit_id.in_(ids)))}


def units_with_setting(root) -> list:
    """The active units of root's subtree that have a dues setting (the index lists them below the
    units right under root)."""
    return list(db.session.scalars(select(Unit).join(DuesSetting, DuesSetting.unit_id == Unit.id).where(
        scope_filter(Unit.id, root), Unit.active.is_(True))))


def paid_by(member) -> list:
    """A member's standing payments, latest year first: (year, amount, batch id, collected on)."""
    return db.session.execute(
        select(DuesPayment.year, DuesPayment.amount, DuesBatch.id, DuesBatch.collected_on)
        .join(DuesPayment.batch).where(DuesPayment.member_id == member.id, DuesPayment.voided.is_(False))
        .order_by(DuesPayment.year.desc())).all()
