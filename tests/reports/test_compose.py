"""Facts made of cached parts equal facts read in one go, and a write recomputes only its part."""
from datetime import date

import pytest

from app.extensions import db
from app.reports import compose
from app.reports.figures import load_facts
from tests.factories_donations import make_donation
from tests.factories_reports import report_world

FIRST, LAST = date(2025, 9, 1), date(2026, 8, 31)


@pytest.fixture
def w(app):
    return report_world()


def test_a_childs_part_cut_from_the_province_equals_the_childs_own_read(w):
    whole = load_facts(w.P, FIRST, LAST)
    for unit in (w.A, w.B, w.A1, w.A2, w.B1):
        part = compose.part_of(whole, unit.id)
        assert part == load_facts(unit, FIRST, LAST), unit.name
    assert compose.part_of(compose.part_of(whole, w.A.id), w.A1s.id) == load_facts(w.A1s, FIRST, LAST)


@pytest.mark.parametrize("last", [LAST, None])
def test_own_records_plus_the_childrens_parts_equal_the_whole(w, last):
    for root, kids in ((w.P, (w.A, w.B)), (w.A, (w.A1, w.A2)), (w.A1, (w.A1s,))):
        own = load_facts(root, FIRST, last, own_only=True)
        merged = compose.merge(own, [load_facts(k, FIRST, last) for k in kids])
        assert merged == load_facts(root, FIRST, last), root.name
    assert load_facts(w.A1, FIRST, LAST, own_only=True).donations  # A1 collected for A's campaign


def test_a_write_in_one_commune_rereads_that_commune_and_the_root_only(w, monkeypatch):
    compose.get_facts(w.P, FIRST, LAST)  # cold: one read of everything, parts stored
    reads = []
    real = compose.load_facts

    def spy(root, first, last=None, *, own_only=False):
        reads.append((root.name, own_only))
        return real(root, first, last, own_only=own_only)

    monkeypatch.setattr(compose, "load_facts", spy)
    assert compose.get_facts(w.P, FIRST, LAST) is compose.get_facts(w.P, FIRST, LAST)
    assert reads == []
    make_donation(w.cB1, 250_000, day=date(2026, 1, 12))
    fresh = compose.get_facts(w.P, FIRST, LAST)
    # The province's own records and B's subtree (its only branch is stale too: one read) are read
    # again; A's part is reused.
    assert reads == [(w.P.name, True), ("Hội Khuyến học xã Bình Hòa", False)]
    monkeypatch.setattr(compose, "load_facts", real)
    assert fresh == load_facts(w.P, FIRST, LAST)
    assert sum(v[1] for (u, _), v in fresh.donations.items() if u == w.B1.id) == 650_000


def test_moving_a_unit_throws_every_part_away(w):
    from app.units.services import move_unit

    compose.get_facts(w.P, FIRST, LAST)
    move_unit(w.A2, w.B)
    db.session.commit()
    fresh = compose.get_facts(w.P, FIRST, LAST)
    assert fresh == load_facts(w.P, FIRST, LAST)
    assert w.A2.id in fresh.children[w.B.id]
