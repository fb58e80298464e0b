"""Piggy banks (heo đất khuyến học): the pigs, their cycles (tái đàn) and their openings (mổ heo).

A pig belongs to a unit (the branch that issued it), so the scope check works as for every
other record. Each cycle (first issue, then every re-issue) is one `piggy_bank_cycle` row, and
each count is one `piggy_bank_opening` row; the pig row holds only the current state, so the
history page reads the two small tables and never has to reconstruct anything.

Money: only an opening's `to_fund` part enters the fund (one ledger entry, a phiếu thu). The
`kept` part stays with the family for the children's schooling and is recorded for reports only.
Seed money (tiền mồi) is informational: it is the small sum put into a new pig to start it and is
already inside the counted amount at the opening, so it is never posted on its own.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

HOLDER_TYPES = {
    "household": "Hộ gia đình",
    "pupil": "Học sinh",
    "class": "Lớp học",
    "school": "Trường học",
    "branch": "Chi hội",
    "agency": "Cơ quan",
    "religious": "Cơ sở tôn giáo",
}
ACTIVE, OPENED, RETIRED = "active", "opened", "retired"
STATUS_LABELS = {ACTIVE: "Đang nuôi", OPENED: "Đã mổ", RETIRED: "Ngừng"}
TO_FUND, KEPT, SPLIT = "fund", "kept", "split"
DISPOSITIONS = {
    TO_FUND: "Nộp toàn bộ vào quỹ",
    KEPT: "Gia đình giữ lại cho con đi học",
    SPLIT: "Chia: một phần nộp quỹ, một phần gia đình giữ",
}


class PiggyBank(db.Model):
    __tablename__ = "piggy_bank"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    holder_type: Mapped[str] = mapped_column(String(12))
    holder_name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(240), index=True)  # folded code + holder name
    name_key: Mapped[str] = mapped_column(String(255))  # Vietnamese order of the holder name
    issued_on: Mapped[date] = mapped_column(Date)  # start of the current cycle
    seed_money: Mapped[int] = mapped_column(BigInteger, default=0)  # of the current cycle
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    cycle: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    campaign = relationship("Campaign")

    __table_args__ = (
        UniqueConstraint("unit_id", "code", name="uq_piggy_bank_unit_code"),
        CheckConstraint("seed_money >= 0", name="seed_money_not_negative"),
        CheckConstraint("status IN ('active', 'opened', 'retired')", name="status_valid"),
        Index("ix_piggy_bank_unit_status_code", "unit_id", "status", "code"),
    )

    @property
    def holder_type_label(self) -> str:
        return HOLDER_TYPES.get(self.holder_type, self.holder_type)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def audit_dict(self) -> dict:
        return {"code": self.code, "holder_type": self.holder_type, "holder_name": self.holder_name,
                "unit_id": self.unit_id, "campaign_id": self.campaign_id,
                "issued_on": self.issued_on.isoformat(), "seed_money": self.seed_money,
                "status": self.status, "cycle": self.cycle}

    def __repr__(self) -> str:
        return f"<PiggyBank {self.id} {self.code}>"


class PiggyBankCycle(db.Model):
    """One issue of a pig: the first one and every tái đàn."""

    __tablename__ = "piggy_bank_cycle"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    piggy_bank_id: Mapped[int] = mapped_column(ForeignKey("piggy_bank.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    cycle: Mapped[int]
    issued_on: Mapped[date] = mapped_column(Date)
    seed_money: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()

    __table_args__ = (UniqueConstraint("piggy_bank_id", "cycle", name="uq_piggy_bank_cycle"),)


class PiggyBankOpening(db.Model):
    """One count (mổ heo) in front of two witnesses; voided, never deleted."""

    __tablename__ = "piggy_bank_opening"
    __counted__ = "rows"  # reports count these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    piggy_bank_id: Mapped[int] = mapped_column(ForeignKey("piggy_bank.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the pig's unit, copied for scope
    holder_type: Mapped[str] = mapped_column(String(12))  # copied: reports group without a join
    cycle: Mapped[int]
    opened_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # counted
    to_fund: Mapped[int] = mapped_column(BigInteger)
    kept: Mapped[int] = mapped_column(BigInteger)
    disposition: Mapped[str] = mapped_column(String(5))
    witness1: Mapped[str] = mapped_column(String(120))
    witness2: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(300), default="")
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    voided: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    piggy_bank: Mapped[PiggyBank] = relationship()
    unit: Mapped[Unit] = relationship()
    ledger_entry = relationship("LedgerEntry")

    __table_args__ = (
        CheckConstraint("amount >= 0 AND to_fund >= 0 AND kept >= 0", name="amounts_not_negative"),
        CheckConstraint("to_fund + kept = amount", name="parts_add_up"),
        # One standing count per pig and cycle, even if two volunteers submit at once.
        Index("uq_piggy_bank_opening_live", "piggy_bank_id", "cycle", unique=True,
              sqlite_where=text("voided = 0"), postgresql_where=text("NOT voided")),
        Index("ix_piggy_bank_opening_unit_date", "unit_id", "opened_on"),
    )

    @property
    def disposition_label(self) -> str:
        return DISPOSITIONS.get(self.disposition, self.disposition)

    def audit_dict(self) -> dict:
        return {"piggy_bank_id": self.piggy_bank_id, "cycle": self.cycle, "date": self.opened_on.isoformat(),
                "amount": self.amount, "to_fund": self.to_fund, "kept": self.kept,
                "disposition": self.disposition, "witnesses": [self.witness1, self.witness2],
                "ledger_entry_id": self.ledger_entry_id, "voided": self.voided, "void_reason": self.void_reason}
