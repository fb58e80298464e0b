"""The cache rule: a write bumps its unit's and its ancestors' data versions in the same transaction;
a cached report is reused only while its unit's version and the global one are unchanged."""
from datetime import date

import pytest
from sqlalchemy import update

from app.extensions import db
from app.reports import cache
from app.reports.compose import get_facts
from app.reports.models import GLOBAL
from tests.factories import make_unit, make_user
from tests.factories_donations import make_campaign, make_donation


@pytest.fixture
def tree(app):
    from types import SimpleNamespace

    t = SimpleNamespace()
    t.P = make_unit(None, "Hội Khuyến học tỉnh Bộ Nhớ", "province")
    t.A = make_unit(t.P, "Hội Khuyến học xã An Bình", "commune")
    t.B = make_unit(t.P, "Hội Khuyến học xã Bình Hòa", "commune")
    t.A1 = make_unit(t.A, "Chi hội ấp Tân Lộc", "village")
    t.cA = make_campaign(t.A, "Tháng Khuyến học 2026")
    t.cB = make_campaign(t.B, "Tháng Khuyến học 2026 - Bình Hòa")
    return t


def _versions(*units):
    return {u.id if hasattr(u, "id") else u: cache.versions(u.id if hasattr(u, "id") else u)[0] for u in units}


def test_a_donation_bumps_its_unit_the_collecting_branch_and_their_ancestors_only(tree):
    before = _versions(tree.P, tree.A, tree.B, tree.A1, GLOBAL)
    make_donation(tree.cA, 500_000, collector_unit=tree.A1)
    after = _versions(tree.P, tree.A, tree.B, tree.A1, GLOBAL)
    assert after[tree.P.id] > before[tree.P.id]
    assert after[tree.A.id] > before[tree.A.id]
    assert after[tree.A1.id] > before[tree.A1.id]
    assert after[tree.B.id] == before[tree.B.id]
    assert after[GLOBAL] == before[GLOBAL]


def test_bulk_donations_and_their_bulk_ledger_posting_bump_the_versions(tree):
    from app.donations.donor_services import find_or_create_donor
    from app.donations.services import record_donations_bulk

    donor = find_or_create_donor(tree.B, "Nguyễn Văn Tư", "person", "Ấp Mỹ Hòa")
    db.session.commit()
    before = _versions(tree.A, tree.B, GLOBAL)
    record_donations_bulk(tree.cB, [{"donor": donor, "amount": 100_000, "donation_date": date(2026, 9, 2)}])
    db.session.commit()
    after = _versions(tree.A, tree.B, GLOBAL)
    assert after[tree.B.id] > before[tree.B.id]
    assert after[tree.A.id] == before[tree.A.id] and after[GLOBAL] == before[GLOBAL]


def test_moving_a_unit_or_an_update_by_criteria_bumps_the_global_version(tree):
    from app.donations.models import Donation
    from app.units.services import move_unit

    g0 = cache.versions(tree.P.id)[1]
    move_unit(tree.A1, tree.B)
    db.session.commit()
    g1 = cache.versions(tree.P.id)[1]
    assert g1 > g0
    db.session.execute(update(Donation).where(Donation.amount > 0).values(note="x"))
    db.session.commit()
    assert cache.versions(tree.P.id)[1] > g1


def test_a_rolled_back_write_bumps_nothing(tree):
    before = _versions(tree.A, tree.P)
    make_donation(tree.cA, 500_000, commit=False)
    db.session.rollback()
    db.session.commit()
    assert _versions(tree.A, tree.P) == before


def test_cached_facts_are_reused_until_a_write_below_the_unit(tree):
    make_donation(tree.cA, 500_000, day=date(2026, 9, 3))
    first = get_facts(tree.A, date(2026, 1, 1))
    lru = cache.store()
    hits = lru.hits
    assert get_facts(tree.A, date(2026, 1, 1)) is first
    assert lru.hits == hits + 1
    make_donation(tree.cB, 700_000, day=date(2026, 9, 3))  # another commune: A's entry stays valid
    assert get_facts(tree.A, date(2026, 1, 1)) is first
    make_donation(tree.cA, 200_000, day=date(2026, 9, 4))
    fresh = get_facts(tree.A, date(2026, 1, 1))
    assert fresh is not first
    assert sum(v[1] for v in fresh.donations.values()) == 700_000


def test_the_dashboard_shows_a_new_donation_on_the_next_request(tree, client, as_user):
    user = make_user(tree.A, "viewer", username="xem_bo_nho")
    make_donation(tree.cA, 1_250_000, day=date(2026, 9, 3))
    as_user(user)
    assert "1.250.000 đ" in client.get("/?ky=2026").get_data(as_text=True)
    make_donation(tree.cA, 1_000_000, day=date(2026, 9, 4))
    assert "2.250.000 đ" in client.get("/?ky=2026").get_data(as_text=True)


def test_caching_can_be_turned_off(tree, app):
    app.config["REPORTS_CACHE"] = False
    assert get_facts(tree.A, date(2026, 1, 1)) is not get_facts(tree.A, date(2026, 1, 1))


def test_threads_asking_for_one_missing_entry_compute_it_once(app, monkeypatch):
    """A worker's threads opening the same cold report wait for the first computation; a different
    entry is computed beside it (positive control)."""
    import threading
    import time

    monkeypatch.setattr(cache, "versions", lambda unit_id: (7, 1))
    calls = []

    def slow(tag):
        def compute():
            calls.append(tag)
            time.sleep(0.2)
            return f"kết quả {tag}"
        return compute

    answers = []

    def ask(tag):
        with app.app_context():
            answers.append(cache.cached("probe", 1, (tag,), slow(tag)))

    threads = [threading.Thread(target=ask, args=("a",)) for _ in range(5)]
    threads.append(threading.Thread(target=ask, args=("b",)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(calls) == ["a", "b"]
    assert sorted(answers) == ["kết quả a"] * 5 + ["kết quả b"]
    assert cache._computing == {}
