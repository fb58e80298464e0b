"""The demo decisions and the seed-criteria command."""
from sqlalchemy import func, select

from app.commendations.models import Assessment, CriteriaSet, Decision, Honoree
from app.extensions import db
from app.funds.models import LedgerEntry


def test_seed_criteria_command_adds_the_shipped_sets_once(app):
    runner = app.test_cli_runner()
    assert "Đã thêm 2 bộ tiêu chí" in runner.invoke(args=["seed-criteria"]).output
    assert "đã có sẵn" in runner.invoke(args=["seed-criteria"]).output
    assert db.session.scalar(select(func.count()).select_from(CriteriaSet)) == 2


def test_demo_has_the_round_donor_and_family_decisions_issued(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    decisions = {d.number: d for d in db.session.scalars(select(Decision))}
    assert set(decisions) == {"05/QĐ-HKH", "41/QĐ-HKH", "45/QĐ-HKH"}
    assert all(d.status == "issued" for d in decisions.values())
    numbers = sorted(db.session.scalars(select(Honoree.register_number)))
    assert numbers == list(range(1, len(numbers) + 1))
    passed = db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.passed.is_(True)))
    family = decisions["45/QĐ-HKH"]
    assert len(family.honorees) == passed > 0
    [payment] = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source == "prize"))
    assert payment.amount == 200_000 * passed and payment.basis == "QĐ 45/QĐ-HKH"
