"""Merging units (issue 20 D): preview writes nothing, confirm moves money by transfers and moves
people and branches, cancel leaves everything as it was, and numbering continues or restarts."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.books.checks import run_all
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.units import merging
from app.units.models import Unit, UnitMerge
from app.units.services import UnitError
from app.users.models import User
from tests.factories import make_unit, make_user
from tests.factories_funds import give

DAY = date(2026, 7, 1)


@pytest.fixture
def money(world):
    """Commune A (world.commune) holds two funds, commune B one; both have used phiếu thu this year."""
    a_default, b_default = funds.default_fund(world.commune), funds.default_fund(world.other_commune)
    a_scholar = funds.create_fund(world.commune, "Quỹ học bổng")
    db.session.commit()
    give(a_default, 1_000_000, entry_date=date(2026, 3, 1))
    give(a_default, 200_000, entry_date=date(2026, 3, 2))
    give(a_scholar, 500_000, entry_date=date(2026, 3, 3))
    give(b_default, 300_000, entry_date=date(2026, 3, 4))
    return a_default, a_scholar, b_default


def _rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _propose(world, **kw):
    kw.setdefault("target", world.other_commune)
    kw.setdefault("new_name", None)
    kw.setdefault("effective_on", DAY)
    merge = merging.propose(world.province, [world.commune], actor=world.province_admin, **kw)
    db.session.commit()
    return merge


def test_preview_lists_what_moves_and_writes_nothing(world, money):
    merge = _propose(world)
    counts = (_rows(LedgerEntry), _rows(AuditEntry), _rows(Unit), _rows(User))
    plan = merging.preview(merge, world.province_admin)
    db.session.commit()
    assert (_rows(LedgerEntry), _rows(AuditEntry), _rows(Unit), _rows(User)) == counts
    (source,) = plan.sources
    assert source.unit.id == world.commune.id and plan.can_confirm, plan.conflicts
    assert {m.fund.name: m.balance for m in source.funds} == {"Quỹ khuyến học": 1_200_000, "Quỹ học bổng": 500_000}
    assert source.total == 1_700_000
    assert {u.username for u in source.users} == {"admin_a", "treasurer_a", "clerk_a", "viewer_a"}
    assert [c.id for c in source.children] == [world.branch.id]


def test_confirm_moves_funds_by_transfers_people_and_branches(world, money):
    a_default, a_scholar, b_default = money
    merge = _propose(world)
    merging.confirm(merge, world.province_admin)
    db.session.commit()
    a, b, branch = (db.session.get(Unit, i) for i in (world.commune.id, world.other_commune.id, world.branch.id))
    # money: the sources are emptied by transfers, the target holds the sum, posted entries untouched
    assert funds.balance(a_default) == 0 and funds.balance(a_scholar) == 0
    assert funds.balance(b_default) == 1_500_000
    b_scholar = db.session.scalar(select(funds.Fund).where(funds.Fund.unit_id == b.id,
                                                           funds.Fund.name == "Quỹ học bổng"))
    assert funds.balance(b_scholar) == 500_000
    transfers = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source == "transfer")).all()
    assert len(transfers) == 4 and all(f"sáp nhập số {merge.id}" in e.description for e in transfers)
    assert all(e.entry_date == DAY for e in transfers)
    assert not a_default.active and not a_scholar.active
    # the tree: the branch hangs under B with its path rewritten; A stays, inactive, merged into B
    assert branch.parent_id == b.id and branch.path == f"{b.path}{branch.id}/"
    assert not a.active and a.merged_into_id == b.id and a.merged_on == DAY
    assert {u.unit_id for u in db.session.scalars(select(User).where(User.username.like("%_a")))} == {b.id}
    assert merge.status == "confirmed" and merge.result["transfers"]
    # the books check finds nothing
    report = run_all()
    assert report.findings == [], [f.message for f in report.findings]
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "unit_merge")))
    assert actions == {"propose", "confirm"}


def test_second_confirm_does_one_merge(world, money):
    merge = _propose(world)
    merging.confirm(merge, world.province_admin)
    db.session.commit()
    entries = _rows(LedgerEntry)
    merging.confirm(db.session.get(UnitMerge, merge.id), world.province_admin)
    db.session.commit()
    assert _rows(LedgerEntry) == entries


def test_cancel_leaves_everything_as_it_was(world, money):
    merge = _propose(world)
    entries, units = _rows(LedgerEntry), [(u.id, u.parent_id, u.path, u.active) for u in
                                          db.session.scalars(select(Unit).order_by(Unit.id))]
    merging.cancel(merge, "Chờ quyết định của tỉnh", world.province_admin)
    db.session.commit()
    assert merge.status == "cancelled" and merge.cancel_reason == "Chờ quyết định của tỉnh"
    assert _rows(LedgerEntry) == entries
    assert [(u.id, u.parent_id, u.path, u.active) for u in db.session.scalars(select(Unit).order_by(Unit.id))] == units
    with pytest.raises(UnitError, match="hủy"):
        merging.confirm(merge, world.province_admin)


def test_continue_goes_on_in_the_targets_book_and_restart_needs_a_fresh_one(world, money):
    merge = _propose(world, numbering="continue")
    plan = {s.key: s for s in merging.preview(merge).series}
    assert plan["PT"].next_number == 2  # B used PT-2026-0001; A's 0001..0003 stay A's
    merging.confirm(merge, world.province_admin)
    db.session.commit()
    into = db.session.scalars(select(LedgerEntry.number).where(LedgerEntry.unit_id == world.other_commune.id,
                                                               LedgerEntry.source == "transfer")).all()
    assert sorted(into) == ["PT-2026-0002", "PT-2026-0003"]


def test_restart_on_a_used_series_is_a_conflict(world, money):
    merge = _propose(world, numbering={"PT": "restart"})
    plan = merging.preview(merge, world.province_admin)
    assert any("bắt đầu lại" in c for c in plan.conflicts)
    with pytest.raises(UnitError, match="bắt đầu lại"):
        merging.confirm(merge, world.province_admin)


def test_merge_into_a_new_unit_starts_its_series_at_one_and_continues_member_numbers(world, money):
    from app.members.models import MemberCounter
    from tests.factories_members import make_member

    make_member(world.commune)
    make_member(world.commune)
    make_member(world.other_commune)
    merge = merging.propose(world.province, [world.commune, world.other_commune], target=None,
                            new_name="Hội Khuyến học xã Tân Hòa", effective_on=DAY,
                            numbering={"PT": "restart", "member": "continue"}, actor=world.province_admin)
    db.session.commit()
    merging.confirm(merge, world.province_admin)
    db.session.commit()
    new = merge.target
    assert new.name == "Hội Khuyến học xã Tân Hòa" and new.parent_id == world.province.id
    numbers = sorted(db.session.scalars(select(LedgerEntry.number).where(LedgerEntry.unit_id == new.id)))
    assert numbers == ["PT-2026-0001", "PT-2026-0002", "PT-2026-0003"]
    assert db.session.get(MemberCounter, new.id).next_number == 3
    assert run_all().findings == []


def test_conflicts_block_the_confirm(world, money):
    # into its own descendant
    merge = _propose(world, target=world.branch)
    plan = merging.preview(merge, world.province_admin)
    assert any("chính nó" in c for c in plan.conflicts)
    # a unit outside the admin's scope: a commune admin merging at the province
    with pytest.raises(UnitError, match="cấp trên"):
        merging.propose(world.province, [world.commune], target=world.other_commune, new_name=None,
                        effective_on=DAY, actor=world.users["admin"])
    # a clashing branch name
    make_unit(world.other_commune, "Chi hội ấp Tân Lộc", "village")
    plan = merging.preview(_propose(world), world.province_admin)
    assert any("trùng tên" in c for c in plan.conflicts)


def test_rename_keeps_the_old_name_for_earlier_days(world):
    from app.units.names import name_on

    merging.rename(world.commune, "Hội Khuyến học phường Tân Phú", date(2025, 7, 1), world.province_admin)
    db.session.commit()
    assert world.commune.name == "Hội Khuyến học phường Tân Phú"
    assert name_on(world.commune, date(2025, 6, 30)) == "Hội Khuyến học xã Tân Phú"
    assert name_on(world.commune, date(2025, 7, 1)) == "Hội Khuyến học phường Tân Phú"
    with pytest.raises(UnitError, match="cấp trên"):
        merging.rename(world.other_commune, "Tên khác", date(2025, 7, 1), make_user(world.commune, "admin"))
