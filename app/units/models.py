"""Units: the association's tree (province → commune → branches, any depth)."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db


UNIT_KINDS = {
    "province": "Hội Khuyến học tỉnh/thành phố",
    "commune": "Hội Khuyến học xã/phường/đặc khu",
    "village": "Chi hội thôn/ấp/bản/tổ dân phố",
    "school": "Chi hội / ban khuyến học trường học",
    "agency": "Chi hội cơ quan, đơn vị",
    "clan": "Chi hội dòng họ",
    "religious": "Chi hội cơ sở tôn giáo",
    "district": "Cấp huyện (cũ, chỉ để lưu lịch sử)",
    "other": "Khác",
}


class Unit(db.Model):
    __tablename__ = "unit"
    __counted__ = "tree"  # every report reads the tree: any change bumps the global version (app.reports.cache)
    __owner__ = "itself"  # app.core.owners: a unit is scoped by itself (app.core.authz.unit_of)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Materialised path "/1/4/9/": "everything under X" is one indexed prefix match
    # on both SQLite and PostgreSQL, however deep the tree.
    path: Mapped[str] = mapped_column(String(500), index=True, default="")
    depth: Mapped[int] = mapped_column(default=0)
    address: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Issue 20 D: a unit merged away stays (inactive, its history kept) and names where it went and when.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    merged_on: Mapped[date | None] = mapped_column(Date)

    parent: Mapped["Unit | None"] = relationship(remote_side="Unit.id", back_populates="children",
                                                 foreign_keys=[parent_id])
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", foreign_keys=[parent_id])
    merged_into: Mapped["Unit | None"] = relationship(remote_side="Unit.id", foreign_keys=[merged_into_id])

    __table_args__ = (Index("ix_unit_parent_name", "parent_id", "search_key"),)

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    def is_under(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)

    def audit_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "parent_id": self.parent_id, "active": self.active,
                "merged_into_id": self.merged_into_id,
                "merged_on": self.merged_on.isoformat() if self.merged_on else None}

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"


# ---- issue 20 D: names by period and merges -------------------------------------------------------

class UnitName(db.Model):
    """One name a unit bore and when (valid_until exclusive; NULL ends: since ever / still). Written by
    a rename (app.units.names): reports of a period read the name valid at its end."""

    __tablename__ = "unit_name"
    __counted__ = "tree"  # a report's unit names change with it: the global version (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship()

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "name": self.name,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_until": self.valid_until.isoformat() if self.valid_until else None}


MERGE_DRAFT, MERGE_CONFIRMED, MERGE_CANCELLED = "draft", "confirmed", "cancelled"
MERGE_STATUS_LABELS = {MERGE_DRAFT: "Dự thảo", MERGE_CONFIRMED: "Đã sáp nhập", MERGE_CANCELLED: "Đã hủy"}
CONTINUE, RESTART = "continue", "restart"
NUMBERING_LABELS = {CONTINUE: "Tiếp tục", RESTART: "Bắt đầu lại"}


class UnitMerge(db.Model):
    """A merge of units under `unit` (the unit above them): a draft until confirmed or cancelled.
    `target_id` is an existing unit, or NULL until confirm creates the new one named `new_name`."""

    __tablename__ = "unit_merge"
    __not_counted__ = "a plan; its confirm writes the tree and the ledger, which are counted"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the unit above the sources
    target_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    new_name: Mapped[str] = mapped_column(String(200), default="")
    new_kind: Mapped[str] = mapped_column(String(20), default="")
    effective_on: Mapped[date] = mapped_column(Date)
    numbering: Mapped[dict] = mapped_column(JSON, default=dict)  # series -> "continue" | "restart"
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default=MERGE_DRAFT)
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    result: Mapped[dict | None] = mapped_column(JSON)  # what confirm did (transfers, moved counts)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    target: Mapped[Unit | None] = relationship(foreign_keys=[target_id])
    sources: Mapped[list["UnitMergeSource"]] = relationship(back_populates="merge", cascade="all, delete-orphan",
                                                            order_by="UnitMergeSource.id")

    @property
    def source_units(self) -> list[Unit]:
        return [s.source for s in self.sources]

    @property
    def status_label(self) -> str:
        return MERGE_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_draft(self) -> bool:
        return self.status == MERGE_DRAFT

    @property
    def target_name(self) -> str:
        return self.target.name if self.target is not None else self.new_name

    def audit_dict(self) -> dict:
        return {"unit_id": self.unit_id, "sources": [s.source_id for s in self.sources],
                "target_id": self.target_id, "new_name": self.new_name, "new_kind": self.new_kind,
                "effective_on": self.effective_on.isoformat(), "numbering": self.numbering,
                "status": self.status, "reason": self.reason, "cancel_reason": self.cancel_reason}


class UnitMergeSource(db.Model):
    """One unit merged away by a merge."""

    __tablename__ = "unit_merge_source"
    __owner__ = "merge"  # app.core.owners: changed only with its merge
    __not_counted__ = "part of a merge's plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("unit_merge.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))

    merge: Mapped[UnitMerge] = relationship(back_populates="sources")
    source: Mapped[Unit] = relationship()

    __table_args__ = (UniqueConstraint("merge_id", "source_id", name="uq_unit_merge_source"),)
