"""The donation list: its scope, filters, paging and totals (the gift list, the export, the lists
of a donor's and a campaign's gifts).

Kept apart from the recording rules in services.py (which re-exports these names): bench/province.py
keys its seeded database on services.py, which seeds; how a list reads the gifts does not change them.
"""
from collections import namedtuple
from functools import lru_cache

from flask import g, has_app_context
from sqlalchemy import and_, any_, func, or_, select, true, union_all
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql import visitors

from app.campaigns.models import Campaign
from app.core.authz import in_scope, scope_filter, scope_unit_ids
from app.extensions import db
from app.funds.models import LedgerEntry
from app.goods.models import GoodsEntry
from app.reports import cache
from app.units.models import Unit
from app.vn.text import fold

from .donors import Donor
from .models import Donation, GiftText


# A subtree of at most this many units is named by its ids (a province of 500 units, a commune of 5).
LISTED_UNITS = 2000


def _subtree(root: Unit, most: int = LISTED_UNITS):
    """root's subtree as a list of ids when it has at most `most` units, else as a subquery. With the
    ids in hand PostgreSQL knows how few of 20,000,000 gifts a commune holds and reads them through
    the unit index (a commune's count: 7 ms); behind a subquery it guesses half the table (2.3 s).
    Asked up to three times by a list page (scope, donor filter, paging): read once per request, and
    no further than `most` needs (a province asked only "at most 200?" reads 201 ids, not 501)."""
    key = f"donation_subtree_{root.id}"
    known = g.get(key) if has_app_context() else None  # (ids, the limit they were read with)
    if known is None or (len(known[0]) > known[1] and most > known[1]):
        ids = db.session.scalars(select(Unit.id).where(Unit.path.startswith(root.path)).limit(most + 1)).all()
        known = (ids, most)
        if has_app_context():
            setattr(g, key, known)
    ids, _ = known
    return ids if len(ids) <= most else scope_unit_ids(root)


def donation_scope(root: Unit, gift=Donation):
    """The condition "in root's donation scope" (see donation_query); `gift` an alias of Donation.
    One object per request and root (for Donation itself): _merged finds it in a statement by identity."""
    key = f"donation_scope_{root.id}"
    if gift is Donation and has_app_context() and key in g:
        return g.get(key)
    ancestors = ancestor_ids(root)
    if not ancestors:
        scope = scope_filter(gift.unit_id, root)
    else:
        subtree = _subtree(root)
        scope = or_(gift.unit_id.in_(subtree), and_(gift.unit_id.in_(ancestors), gift.collector_unit_id.in_(subtree)))
    if gift is Donation and has_app_context():
        setattr(g, key, scope)
    return scope


def _units_in(column, root: Unit):
    """`column` is a unit of root's subtree: by ids when it is small (read already by the scope),
    else scope_filter's subquery, or nothing for the only top unit (not 501 bound ids)."""
    subtree = _subtree(root, GATHER_UNITS)
    return column.in_(subtree) if isinstance(subtree, list) else scope_filter(column, root)


def campaign_names(root: Unit) -> list[tuple[int, str]]:
    """(id, name) of the campaigns of root's subtree in campaigns_in_scope's order (open first, newest
    first), for the list's filter. Kept in the reports cache under root's data version, which a
    campaign created, renamed, opened or closed anywhere in the subtree bumps (campaigns are
    counted rows); the unit tree's changes bump the global one. A province's 500 campaigns took
    1.3 ms of each page of its list."""
    return cache.cached("donations.campaign_names", root.id, (), lambda: _campaign_names(root))


def _campaign_names(root: Unit) -> list[tuple[int, str]]:
    # By the subtree's ids the list has read already, not a join on unit paths (3.5 ms of a commune's
    # page among 16,000 units and 3,300 campaigns).
    return [tuple(row) for row in db.session.execute(
        select(Campaign.id, Campaign.name).where(_units_in(Campaign.unit_id, root))
        .order_by(Campaign.status.desc(), Campaign.start_date.desc().nulls_last(), Campaign.id.desc()))]


def ancestor_ids(unit: Unit) -> list[int]:
    """The ids of the units above `unit`, read from its materialised path."""
    return [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]


def in_collector_scope(user, donation: Donation) -> bool:
    """True when `user` may read `donation` because a unit of theirs collected it for a campaign of
    a unit above them (their list shows it; voiding stays with the campaign's unit)."""
    collector = donation.collector_unit
    return (collector is not None and in_scope(user, collector)
            and donation.unit_id in ancestor_ids(user.unit))


def donation_query(root: Unit, *, campaign_id=None, date_from=None, date_to=None, method="", donor="",
                   collector="", include_voided=False):
    """A select of donations in `root`'s scope matching the filters, newest first.

    The scope is the donations recorded by root's subtree plus those its units collected for a
    campaign of a unit above (a branch collecting for the commune's drive): the reports count that
    money as the collecting branch's (app.reports.figures._attribute), so the list a dashboard
    figure links to must show it too.
    """
    stmt = select(Donation).where(donation_scope(root))
    if campaign_id:
        stmt = stmt.where(Donation.campaign_id == campaign_id)
    if date_from:
        stmt = stmt.where(Donation.donation_date >= date_from)
    if date_to:
        stmt = stmt.where(Donation.donation_date <= date_to)
    if method:
        stmt = stmt.where(Donation.method == method)
    if donor:
        stmt = stmt.where(_donor_named(root, fold(donor), include_voided))
    if collector:
        key = fold(collector)
        stmt = stmt.where(or_(Donation.collector_key.contains(key, autoescape=True),
                              Donation.collector_unit_id.in_(select(Unit.id).where(
                                  Unit.search_key.contains(key, autoescape=True)))))
    if not include_voided:
        stmt = stmt.where(Donation.voided_at.is_(None))
    return stmt


def _donor_named(root: Unit, key: str, include_voided: bool):
    """The condition "the gift's donor's name (folded) contains key".

    A small scope (a commune: a few thousand gifts among 20,000,000, a few hundred donors among
    2,000,000) looks its own donors up by primary key: the donor ids of the scope's gifts, then those
    of them whose name matches. Written as `donor_id IN (SELECT id FROM donor WHERE name LIKE ...)`
    PostgreSQL scans every donor instead (row policy and all: 3.5 s), because the row policy's
    subquery is costed again for each donor it would look up, so no nested loop ever looks
    cheaper; the ids inside ARRAY(...) are one InitPlan each and one index scan of the donor key.
    SQLite reads IN (SELECT ...) that way by itself. A larger scope keeps the plain IN: its name
    searches walk the date index and are served by the list's cached totals (page_items)."""
    named = select(Donor.id).where(Donor.search_key.contains(key, autoescape=True))
    if not isinstance(_subtree(root, GATHER_UNITS), list):
        return Donation.donor_id.in_(named)
    gift = aliased(Donation)
    givers = select(gift.donor_id).where(donation_scope(root, gift))
    if not include_voided:
        givers = givers.where(gift.voided_at.is_(None))
    if db.session.get_bind().dialect.name != "postgresql":
        return Donation.donor_id.in_(named.where(Donor.id.in_(givers)))
    named = named.where(Donor.id == any_(func.array(givers.distinct().scalar_subquery())))
    return Donation.donor_id == any_(func.array(named.scalar_subquery()))


def listing(stmt):
    """The list order with what each row shows loaded up front."""
    # selectinload, not joinedload: the page's 50 rows are picked (and sorted) from the donation
    # index alone, then each relation is fetched with one IN query, instead of sorting wide
    # joined rows of the whole filtered set.
    return stmt.options(selectinload(Donation.donor), selectinload(Donation.campaign),
                        selectinload(Donation.entry), selectinload(Donation.goods_entry),
                        selectinload(Donation.collector_unit)
                        ).order_by(Donation.donation_date.desc(), Donation.id.desc())


# Gathered, then sorted: a filtered set of at most GATHER_AT_MOST gifts in a scope of at most
# GATHER_UNITS units (a commune, a ward); anything larger walks the date index (see page_items).
GATHER_AT_MOST = 50_000
GATHER_UNITS = 200
# Merged: a scope of at most this many units whose filters keep most of its gifts (see page_items).
MERGE_UNITS = 16


def page_items(stmt, page: int, per_page: int, *, count: int | None = None, root: Unit | None = None,
               dense: bool = False) -> "list[GiftRow]":
    """One page of stmt (donation_query) in list order, as the list's plain rows (GiftRow).

    How the page's ids are found depends on the size of root's scope and of the filtered set
    (`count`, which the list has already; `dense`: no filter that keeps only a few of the scope's
    gifts, such as a name search):
    - a commune's gifts, dense, are merged: each of its units' newest (page x per_page) gifts read
      backwards through the (unit, date) index, and the (collecting unit, date) index for what its
      units collected for a drive above, merged in date order (PostgreSQL: a Merge Append that
      stops at the page). Page 1 of a commune of 5,900 gifts reads 25 rows a unit: 0.4 ms, where
      gathering them all to sort took 12-20 ms at 1 % national;
    - a commune's gifts otherwise are gathered through the unit and collector indexes, then sorted:
      a few thousand rows, a few milliseconds (page 20 of a commune among 20,000,000 gifts: 13 ms);
    - a province's walk the date index newest first and stop at the page: its rows are dense
      enough there (page 50 skips 2,450 entries, not 2,450 sorted rows), while gathering them all
      first would read the whole province (1.9 s for a name search over 589,000 gifts).
    Left to itself, PostgreSQL walks the date index for a commune too, since it cannot tell how
    rare the commune's rows are: 4.2 s for page 20."""
    if count == 0:
        return []
    order = (Donation.donation_date.desc(), Donation.id.desc())
    if dense and root is not None and isinstance(_subtree(root, MERGE_UNITS), list):
        ids_stmt = _merged(stmt, root, page * per_page)
    elif (count is not None and root is not None and count <= GATHER_AT_MOST
            and isinstance(_subtree(root, GATHER_UNITS), list)):
        # MATERIALIZED (PostgreSQL 12+, SQLite 3.35+): gathered as written, not folded back into
        # the outer ORDER BY ... LIMIT that would walk the date index again.
        found = stmt.with_only_columns(Donation.id, Donation.donation_date).cte("matching").prefix_with(
            "MATERIALIZED")
        ids_stmt = select(found.c.id).order_by(found.c.donation_date.desc(), found.c.id.desc())
    else:
        ids_stmt = stmt.with_only_columns(Donation.id).order_by(*order)
    chosen = ids_stmt.limit(per_page).offset((page - 1) * per_page).subquery("page")
    return _rows(chosen)


def _merged(stmt, root: Unit, depth: int):
    """The ids of stmt's gifts newest first, as the merge of one newest-first run per unit of root's
    subtree (recorded there) and one of what its units collected for the units above, each cut at
    `depth`: every gift of the first `depth` is within the first `depth` of its own run. The runs do
    not overlap (a gift's unit is in the subtree or above it), so nothing is counted twice."""
    ancestors = ancestor_ids(root)
    # Each run without the scope's condition, which its own unit condition implies: left in, it makes
    # PostgreSQL guess a unit's run at 170 rows (two selectivities multiplied), then gather and sort
    # all 5,900 of them instead of reading 25 backwards (7 ms, not 0.4).
    scope = donation_scope(root)
    stmt = visitors.replacement_traverse(stmt, {}, lambda element: true() if element is scope else None)
    runs = [stmt.where(Donation.unit_id == unit_id) for unit_id in _subtree(root, MERGE_UNITS)]
    if ancestors:  # one run for all it collected for the units above: few gifts, and each run costs planning
        runs.append(stmt.where(Donation.collector_unit_id.in_(_subtree(root, MERGE_UNITS)),
                               Donation.unit_id.in_(ancestors)))
    runs = [run.with_only_columns(Donation.id, Donation.donation_date)
            .order_by(Donation.donation_date.desc(), Donation.id.desc()).limit(depth).subquery() for run in runs]
    merged = union_all(*[select(run.c.id, run.c.donation_date) for run in runs]).subquery("merged")
    return select(merged.c.id).order_by(merged.c.donation_date.desc(), merged.c.id.desc())


_Named = namedtuple("_Named", "name")
_Numbered = namedtuple("_Numbered", "number")
_Giver = namedtuple("_Giver", "name address")


class GiftRow(GiftText):
    """A row of the gift list (templates/donations/_list.html) as plain values: the gift's columns,
    its donor's name and address, its campaign's and collecting unit's names and its paper's number,
    said as a Donation says them (GiftText).

    Read as two plain selects instead of ORM objects: 25 rows cost 0.65 ms instead of 2.6-3.0 ms of
    a page's ~15 ms on the province seed (identity map, instance state, each relation's loader)."""

    def __init__(self, row, donor):
        (self.id, self.unit_id, self.campaign_id, self.donor_id, self.donation_date, self.amount, self.method,
         self.item, self.quantity, self.item_unit, self.collector_name, self.collector_unit_id, self.entry_id,
         self.goods_entry_id, self.voided_at, self.void_reason, campaign, entry, goods, collector) = row
        # A row another unit's policy hides (PostgreSQL) shows blank, as the ORM's None did.
        self.donor, self.campaign = donor, _Named(campaign or "")
        self.entry = _Numbered(entry) if self.entry_id is not None else None
        self.goods_entry = _Numbered(goods) if self.goods_entry_id is not None else None
        self.collector_unit = _Named(collector) if self.collector_unit_id is not None else None


_NOBODY = _Giver("", "")


@lru_cache(maxsize=1)
def _collector():
    # Built on first use: aliasing a model configures every mapper, which needs all models imported.
    return aliased(Unit, name="collector")


def _rows(chosen) -> list[GiftRow]:
    """The gifts of `chosen` (a subquery of ids) in list order as GiftRows, then their donors.

    Campaign, receipt, goods entry and collecting unit are joined: mostly NULL or a handful of
    distinct rows. The donors are not: PostgreSQL costs the donor row policy's subquery again for
    each donor a join would look up, so it would rather read all 2,000,000 donors than 25 by key
    (seen at 1 %: a hash join over the donor table); `donor.id IN (...)` is one index scan."""
    collector = _collector()
    rows = db.session.execute(
        select(Donation.id, Donation.unit_id, Donation.campaign_id, Donation.donor_id, Donation.donation_date,
               Donation.amount, Donation.method, Donation.item, Donation.quantity, Donation.item_unit,
               Donation.collector_name, Donation.collector_unit_id, Donation.entry_id, Donation.goods_entry_id,
               Donation.voided_at, Donation.void_reason, Campaign.name, LedgerEntry.number, GoodsEntry.number,
               collector.name)
        .join(chosen, Donation.id == chosen.c.id)
        .outerjoin(Campaign, Campaign.id == Donation.campaign_id)
        .outerjoin(LedgerEntry, LedgerEntry.id == Donation.entry_id)
        .outerjoin(GoodsEntry, GoodsEntry.id == Donation.goods_entry_id)
        .outerjoin(collector, collector.id == Donation.collector_unit_id)
        .order_by(Donation.donation_date.desc(), Donation.id.desc())).all()
    if not rows:
        return []
    givers = {i: _Giver(name, address) for i, name, address in db.session.execute(
        select(Donor.id, Donor.name, Donor.address).where(Donor.id.in_(sorted({r[3] for r in rows}))))}
    return [GiftRow(r, givers.get(r[3], _NOBODY)) for r in rows]


def totals(stmt) -> tuple[int, int]:
    """(count, sum of standing amounts) of a filtered donation select."""
    sub = stmt.with_only_columns(Donation.id, Donation.amount, Donation.voided_at).subquery()
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(sub.c.amount).filter(sub.c.voided_at.is_(None)), 0))
    ).one()
    return int(count), int(total)


def scope_totals(root: Unit, criteria: dict, stmt) -> tuple[int, int]:
    """totals(stmt) for donation_query(root, **criteria), kept in the reports cache.

    Summing a province's 200,000 donations took 14 ms of every list page. The entry is keyed on
    root's data version (app.reports.cache), which every donation written or voided below root
    bumps; a renamed unit or an edited donor (both searched by the filters) bumps the global one.
    """
    key = tuple(sorted((k, fold(v) if isinstance(v, str) else str(v)) for k, v in criteria.items()))
    return cache.cached("donations.totals", root.id, key, lambda: totals(stmt))


def recent(campaign: Campaign, limit: int = 10) -> list[Donation]:
    return list(db.session.scalars(listing(select(Donation).where(Donation.campaign_id == campaign.id))
                                   .limit(limit)).unique())
