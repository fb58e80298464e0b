"""Issue 20 F: the heavy lists' indexes (migration 0035_load_lists) are the ones the database uses,
and the cheaper reads answer what the slower ones answered.

- A round's totals are grouped from ix_nomination_round_totals alone on SQLite (no table read) and,
  on both databases, equal the per-row sums.
- The members filtered by occupation are read from ix_member_occupation_list (no sort, no walk of
  the whole name index).
- On SQLite a large round's first pages walk the pupils in name order (CROSS JOIN) and give exactly
  the rows, in the order, of the sort they replace; deep pages keep the sort.
"""
import pytest
from sqlalchemy import event, select, text

from app.extensions import db
from app.scholarships import choosing, services
from app.scholarships.models import APPROVED, Nomination
from tests.perf.data import Lists


def _plan(sql: str, params: dict) -> str:
    return " | ".join(r[3] for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql), params))


@pytest.fixture
def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's query plan (PostgreSQL plans with statistics of its own)")


def test_round_totals_read_the_covering_index_and_match_the_rows(app, world, db_url):
    lists = Lists(world).grow(30)
    rnd = lists.round
    noms = db.session.scalars(select(Nomination).where(Nomination.round_id == rnd.id)).all()
    for n in noms[:10]:  # some approved (one paid), the rest pending
        n.status, n.amount = APPROVED, n.category.amount
    noms[0].paid_on = noms[0].created_at.date()
    db.session.commit()
    if db_url.startswith("sqlite"):  # PostgreSQL picks its plan by statistics; the sums are checked on both
        plan = _plan("SELECT status, paid_on IS NOT NULL, category_id, count(*), sum(amount) FROM nomination "
                     "WHERE round_id = :r GROUP BY status, paid_on, category_id", {"r": rnd.id})
        assert "COVERING INDEX ix_nomination_round_totals" in plan and "TEMP B-TREE" not in plan, plan
    t = services.totals(rnd)
    assert (t.approved_count, t.pending_count, t.paid_count) == (10, len(noms) - 10, 1)
    assert t.approved_total == sum(n.amount for n in noms if n.status == APPROVED)
    assert t.paid_total == noms[0].amount
    assert t.pending_total == sum(n.category.amount for n in noms if n.status != APPROVED)


def test_members_filtered_by_occupation_are_read_in_name_order_from_their_index(app, sqlite_only):
    plan = _plan("SELECT member.id FROM member WHERE member.joined_on <= :d AND (member.ended_on IS NULL OR "
                 "member.ended_on > :d) AND member.occupation = :o ORDER BY member.name_key, member.id LIMIT 40",
                 {"d": "2026-12-31", "o": "veteran"})
    assert "COVERING INDEX ix_member_occupation_list (occupation=?)" in plan and "TEMP B-TREE" not in plan, plan


def _ids(rnd, page, walk: bool, monkeypatch):
    monkeypatch.setattr(choosing, "WALK_FROM", 1 if walk else 10**9)
    sent = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        items = [n.id for n in choosing.nominations_page(rnd, "", None, page, 7).items]
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return items, any("CROSS JOIN" in s for s in sent)


def test_a_large_rounds_first_pages_walk_the_pupils_and_give_the_sorted_rows(app, world, sqlite_only,
                                                                              monkeypatch):
    rnd = Lists(world).grow(40).round
    for page in (1, 2):
        walked, crossed = _ids(rnd, page, True, monkeypatch)
        sorted_, plain = _ids(rnd, page, False, monkeypatch)
        assert crossed and not plain  # the two paths really differ
        assert walked == sorted_ and len(walked) == 7, (page, walked, sorted_)
    # A deep page would walk most pupils to reach it: the sort stays.
    deep, crossed = _ids(rnd, 6, True, monkeypatch)
    assert not crossed and deep == _ids(rnd, 6, False, monkeypatch)[0]
