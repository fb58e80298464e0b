"""Members (hội viên) of a unit, their dues (hội phí), and each unit's population per year.

A member belongs to one unit: a chi hội or ban, or the commune itself. Names are stored split the
Vietnamese way (họ / tên đệm / tên) with `name_key` for Vietnamese order and `search_key` (folded)
for search without diacritics, as pupils are. A member is never deleted once numbered: a member who
leaves or dies keeps the row with `status`, `ended_on` and `end_reason`, so last year's counts stay.

Dues are a batch (a chi hội's paper list, one phiếu thu for the lot) of payments, one per member
and dues year; a member pays a year once (a partial unique index over the payments not voided).
Voiding a batch reverses its phiếu thu and voids its payments, with a reason. The share a unit
passes up to the unit above is a fund transfer recorded as a DuesRemittance.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit
from app.vn.names import join_name

ACTIVE, LEFT, DECEASED = "active", "left", "deceased"
MEMBER_STATUSES = {ACTIVE: "Đang sinh hoạt", LEFT: "Đã ra khỏi hội", DECEASED: "Đã từ trần"}
GENDERS = {"": "Chưa rõ", "male": "Nam", "female": "Nữ"}
# Occupation groups as the associations report them; the key is stored, never rename.
OCCUPATIONS = {
    "": "Chưa rõ",
    "retired_teacher": "Nhà giáo nghỉ hưu",
    "teacher": "Nhà giáo đang công tác",
    "veteran": "Cựu chiến binh",
    "retired_official": "Cán bộ hưu trí",
    "official": "Cán bộ, công chức, viên chức",
    "parent": "Phụ huynh học sinh",
    "farmer": "Nông dân",
    "worker": "Công nhân, người lao động",
    "business": "Doanh nhân, tiểu thương",
    "religious": "Chức sắc, chức việc tôn giáo",
    "student": "Học sinh, sinh viên",
    "other": "Khác",
}


class Member(db.Model):
    __tablename__ = "member"
    __counted__ = "rows"  # the organisation counts read these rows (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    number: Mapped[int]  # the unit's own series (MemberCounter), shown as "Số thẻ"
    ho: Mapped[str] = mapped_column(String(60), default="")
    dem: Mapped[str] = mapped_column(String(100), default="")
    ten: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(255))
    search_key: Mapped[str] = mapped_column(String(220))
    birth_year: Mapped[int | None]
    gender: Mapped[str] = mapped_column(String(6), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    village: Mapped[str] = mapped_column(String(120), default="")  # thôn / tổ dân phố
    village_key: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")  # digits only
    occupation: Mapped[str] = mapped_column(String(20), default="")
    joined_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    ended_on: Mapped[date | None] = mapped_column(Date)  # left or died on
    end_reason: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    # The same person as a donor or sponsor (gifts, sponsorships): linked, never typed twice.
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donor.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A return after leaving is a new row (one row, one spell: the counts of the years between stay
    # as printed) naming the row it follows; unique: a spell is followed by one return at most.
    rejoined_from_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), unique=True)

    unit: Mapped[Unit] = relationship(lazy="joined")
    donor = relationship("Donor", lazy="select")
    rejoined_from = relationship("Member", remote_side="Member.id", lazy="select",
                                 backref=backref("rejoined_as", uselist=False, lazy="select"))

    __table_args__ = (
        UniqueConstraint("unit_id", "number", name="uq_member_unit_number"),
        # The list: a unit's members by status in Vietnamese order, and the folded-name search.
        Index("ix_member_unit_status_name", "unit_id", "status", "name_key"),
        Index("ix_member_unit_search", "unit_id", "search_key"),
        Index("ix_member_unit_name", "unit_id", "name_key"),
        # The whole list in name order with its filters readable from the index (migration 0031): a
        # province's list stops after one page instead of sorting 300,000 rows.
        Index("ix_member_list", "name_key", "id", "status", "unit_id", "search_key", "occupation", "joined_on",
              "ended_on"),
        # Filtered by occupation (migration 0035): that occupation's members in name order, with the
        # year's membership test, from the index alone instead of walking the whole list for them.
        Index("ix_member_occupation_list", "occupation", "name_key", "id", "joined_on", "ended_on"),
        # The counts: joined and ended per year.
        Index("ix_member_unit_joined", "unit_id", "joined_on"),
        Index("ix_member_unit_ended", "unit_id", "ended_on"),
        Index("ix_member_phone_key", "phone_key"),
    )

    @property
    def full_name(self) -> str:
        return join_name(self.ho, self.dem, self.ten)

    @property
    def status_label(self) -> str:
        return MEMBER_STATUSES.get(self.status, self.status)

    @property
    def gender_label(self) -> str:
        return GENDERS.get(self.gender, self.gender)

    @property
    def occupation_label(self) -> str:
        return OCCUPATIONS.get(self.occupation, self.occupation)

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "number": self.number, "name": self.full_name,
                "birth_year": self.birth_year, "gender": self.gender, "address": self.address,
                "village": self.village, "phone": self.phone, "occupation": self.occupation,
                "joined_on": self.joined_on.isoformat() if self.joined_on else None, "status": self.status,
                "ended_on": self.ended_on.isoformat() if self.ended_on else None,
                "end_reason": self.end_reason, "note": self.note, "donor_id": self.donor_id}

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.full_name!r}>"


class MemberCounter(db.Model):
    """The next member number of a unit (numbers are never reused, even after a member leaves)."""

    __tablename__ = "member_counter"
    __not_counted__ = "member numbering"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    next_number: Mapped[int] = mapped_column(default=1)


class DuesSetting(db.Model):
    """Whether a unit collects dues, how much a member pays a year, into which of its funds, and
    how much of each payment it passes up to the unit above. No rule is built in: provinces differ."""

    __tablename__ = "dues_setting"
    __not_counted__ = "a unit's dues rules, not a figure"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # đồng per member per year
    # The operating fund dues are income of (never the unit's Quỹ khuyến học, its default fund).
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("fund.id"))
    share_up: Mapped[int] = mapped_column(BigInteger, default=0)  # đồng per paid member-year, to the parent
    lapsed_after: Mapped[int] = mapped_column(default=2)  # years unpaid before a member is listed as lapsed
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    fund = relationship("Fund", lazy="joined")

    def audit_dict(self) -> dict:
        return {"enabled": self.enabled, "amount": self.amount, "fund_id": self.fund_id,
                "share_up": self.share_up, "lapsed_after": self.lapsed_after}


class DuesBatch(db.Model):
    """One collection of dues for one year from a paper list: one phiếu thu for the whole batch."""

    __tablename__ = "dues_batch"
    __counted__ = "rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int]  # the dues year paid for
    collected_on: Mapped[date] = mapped_column(Date)
    collector: Mapped[str] = mapped_column(String(200), default="")  # who handed the money in
    count: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    ledger_entry = relationship("LedgerEntry", lazy="joined")
    payments: Mapped[list["DuesPayment"]] = relationship(back_populates="batch")

    @property
    def voided(self) -> bool:
        return self.voided_at is not None

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "year": self.year, "collected_on": self.collected_on.isoformat(),
                "collector": self.collector, "count": self.count, "total": self.total,
                "ledger_entry_id": self.ledger_entry_id, "voided": self.voided, "void_reason": self.void_reason}


class DuesPayment(db.Model):
    """A member's dues for one year, inside a batch."""

    __tablename__ = "dues_payment"
    __counted__ = "rows"
    __owner__ = "batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("dues_batch.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    year: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)
    voided: Mapped[bool] = mapped_column(default=False)

    batch: Mapped[DuesBatch] = relationship(back_populates="payments")
    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (
        # A member pays a year once: a second batch naming them for that year is refused.
        Index("uq_dues_payment_member_year", "member_id", "year", unique=True,
              sqlite_where=text("voided = 0"), postgresql_where=text("voided = false")),
        Index("ix_dues_payment_year_member", "year", "member_id"),
    )


class DuesRemittance(db.Model):
    """The share of dues a unit passed up to the unit above for a year: a transfer between funds."""

    __tablename__ = "dues_remittance"
    __counted__ = "rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the unit passing up
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int]
    amount: Mapped[int] = mapped_column(BigInteger)
    transfer_id: Mapped[str | None] = mapped_column(String(32), index=True)  # the two ledger legs
    remitted_on: Mapped[date] = mapped_column(Date)
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id], lazy="joined")

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "to_unit_id": self.to_unit_id, "year": self.year, "amount": self.amount,
                "transfer_id": self.transfer_id, "remitted_on": self.remitted_on.isoformat(),
                "voided": self.voided_at is not None, "void_reason": self.void_reason}


class UnitPopulation(db.Model):
    """A unit's population for a year, as the commune's statistics give it (for "chiếm 9,6 % dân số")."""

    __tablename__ = "unit_population"
    __counted__ = "rows"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    population: Mapped[int] = mapped_column(BigInteger)

    unit: Mapped[Unit] = relationship(lazy="joined")

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "year": self.year, "population": self.population}
