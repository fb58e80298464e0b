"""The bulk paths the province seed uses keep the one-by-one rules and leave the same trail."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.donations import donor_services
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.piggybanks import bulk, services
from app.piggybanks.models import OPENED, PiggyBankOpening
from tests.factories_piggybanks import make_opening, make_pigs

DAY = date(2026, 8, 20)


def _kw(amount=300_000, disposition="fund", **extra):
    return {"opened_on": DAY, "amount": amount, "disposition": disposition, "witness1": "Trần Văn Bảy",
            "witness2": "Lê Thị Tám", **extra}


def test_open_many_posts_one_numbered_receipt_per_fund_part_and_audits_each_opening(world):
    pigs = make_pigs(world.branch, ["Hộ ông Lê Văn Một", "Hộ bà Trần Thị Hai", "Hộ ông Phạm Văn Ba"])
    fund = funds.default_fund(world.branch)
    before = funds.balance(fund)
    ids = bulk.open_many([(pigs[0], _kw(300_000)), (pigs[1], _kw(200_000, "kept")),
                          (pigs[2], _kw(500_000, "split", to_fund=100_000, kept=400_000))])
    db.session.commit()
    openings = [db.session.get(PiggyBankOpening, i) for i in ids]
    assert [(o.to_fund, o.kept) for o in openings] == [(300_000, 0), (0, 200_000), (100_000, 400_000)]
    assert all(p.status == OPENED for p in pigs)
    assert funds.balance(fund) - before == 400_000  # only the fund parts
    entries = [db.session.get(LedgerEntry, o.ledger_entry_id) for o in openings if o.ledger_entry_id]
    assert len(entries) == 2 and all(e.number.startswith("PT-2026-") for e in entries)
    assert openings[1].ledger_entry_id is None
    audited = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "piggy_bank_opening", AuditEntry.object_id.in_(ids)))
    pig_updates = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "piggy_bank", AuditEntry.action == "update",
        AuditEntry.object_id.in_([p.id for p in pigs]))).all()
    assert audited == 3 and len(pig_updates) == 3
    assert all(a.before["status"] == "active" and a.after["status"] == "opened" for a in pig_updates)


def test_open_many_refuses_the_whole_list_when_one_count_breaks_a_rule(world):
    pigs = make_pigs(world.branch, ["Hộ ông Lê Văn Bốn", "Hộ bà Trần Thị Năm"])
    make_opening(pigs[1])  # already opened
    with pytest.raises(services.PiggyBankError) as err:
        bulk.open_many([(pigs[0], _kw()), (pigs[1], _kw())])
    assert err.value.row == 1
    db.session.rollback()
    with pytest.raises(services.PiggyBankError):
        bulk.open_many([(pigs[0], _kw(witness1="Lê Thị Tám"))])  # the same witness twice
    db.session.rollback()
    with pytest.raises(services.PiggyBankError):
        bulk.open_many([(pigs[0], _kw(500_000, "split", to_fund=100_000, kept=300_000))])  # does not add up
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PiggyBankOpening)
                             .where(PiggyBankOpening.piggy_bank_id == pigs[0].id)) == 0


def test_create_donors_bulk_checks_like_create_donor_and_audits_each(world):
    ids = donor_services.create_donors_bulk(world.commune, [
        {"name": "  Nguyễn   Văn Ấn ", "kind": "person", "phone": "+84 912 345 678"},
        {"name": "", "kind": "anonymous"}])
    db.session.commit()
    first, second = (db.session.get(donor_services.Donor, i) for i in ids)
    assert (first.name, first.search_key, first.phone_key) == ("Nguyễn Văn Ấn", "nguyen van an", "0912345678")
    assert second.name == "Nhà hảo tâm ẩn danh"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == "donor", AuditEntry.object_id.in_(ids))) == 2
    with pytest.raises(donor_services.DonorError):
        donor_services.create_donors_bulk(world.commune, [{"name": "Ok"}, {"name": "", "kind": "person"}])
