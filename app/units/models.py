"""Units: the association's tree (province → commune → branches, any depth)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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

    parent: Mapped["Unit | None"] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")

    __table_args__ = (Index("ix_unit_parent_name", "parent_id", "search_key"),)

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    def is_under(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)

    def audit_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "parent_id": self.parent_id, "active": self.active}

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"
