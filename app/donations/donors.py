"""Donors (nhà hảo tâm): people, households, businesses, organisations, or anonymous.

A merged donor is never deleted: `merged_into_id` points at the kept donor, its
donations move there, and the audit log keeps what was merged.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit

PERSON, HOUSEHOLD, BUSINESS, ORGANISATION, ANONYMOUS = "person", "household", "business", "organisation", "anonymous"
DONOR_KINDS = {
    PERSON: "Cá nhân",
    HOUSEHOLD: "Hộ gia đình",
    BUSINESS: "Doanh nghiệp",
    ORGANISATION: "Tổ chức",
    ANONYMOUS: "Ẩn danh",
}
ANONYMOUS_NAME = "Nhà hảo tâm ẩn danh"


def kept_anonymous(donor_kind: str, gift_anonymous: bool) -> bool:
    """True when a gift is listed publicly as ANONYMOUS_NAME: the donor is anonymous, or asked for
    this gift to be (Donation.anonymous). The disclosure report and the honour roll both ask this."""
    return bool(gift_anonymous) or donor_kind == ANONYMOUS


class Donor(db.Model):
    __tablename__ = "donor"
    __counted__ = "names"  # searched by name in cached list totals (app.reports.cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(20), default=PERSON)
    name: Mapped[str] = mapped_column(String(200))  # NFC
    search_key: Mapped[str] = mapped_column(String(200))  # fold(name)
    name_key: Mapped[str] = mapped_column(String(255))  # Vietnamese sort order
    address: Mapped[str] = mapped_column(String(300), default="")
    address_key: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    phone_key: Mapped[str] = mapped_column(String(20), default="")  # digits only
    note: Mapped[str] = mapped_column(String(500), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("donor.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")
    merged_into: Mapped["Donor | None"] = relationship(remote_side="Donor.id")

    __table_args__ = (
        Index("ix_donor_unit_search", "unit_id", "search_key"),
        Index("ix_donor_unit_name_key", "unit_id", "name_key"),
        Index("ix_donor_phone_key", "phone_key"),
        Index("ix_donor_name", "name_key", "id", "merged_into_id", "search_key"),  # migration 0011: whole-tree list
    )

    @property
    def kind_label(self) -> str:
        return DONOR_KINDS.get(self.kind, self.kind)

    def audit_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "unit_id": self.unit_id, "address": self.address,
                "phone": self.phone, "note": self.note, "merged_into_id": self.merged_into_id}

    def __repr__(self) -> str:
        return f"<Donor {self.id} {self.name!r}>"
