"""Donor rules: find or create, duplicate suggestions, merge (history kept).

Services never commit; the caller commits.
"""
import re

from sqlalchemy import insert, or_, select, update

from app.audit.services import record, record_many
from app.core.authz import scope_filter
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.names import name_sort_key, same_name, split_name
from app.vn.text import clean, fold

from .donors import ANONYMOUS, ANONYMOUS_NAME, DONOR_KINDS, Donor
from .models import Donation


class DonorError(Refusal):
    """A refused change; the message is shown beside its field."""


def phone_key(phone) -> str:
    """Digits only, "+84" written as a leading 0, so "0912 345 678" matches "+84912345678"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits[:20]


def _name_key(name: str, kind: str) -> str:
    if kind in ("person", "household"):
        return name_sort_key(*split_name(name))
    return name_sort_key("", "", name)


def _clean_fields(name, kind, address, phone, note) -> dict:
    if kind not in DONOR_KINDS:
        raise DonorError("Loại người đóng góp không hợp lệ.", "donor_kind")
    name = clean(name or "")
    if kind == ANONYMOUS and not name:
        name = ANONYMOUS_NAME
    if not name:
        raise DonorError("Vui lòng nhập họ tên người đóng góp.", "donor_name")
    address, phone, note = clean(address or ""), clean(phone or ""), clean(note or "")
    for value, limit, field, label in ((name, 200, "donor_name", "Họ tên"), (address, 300, "address", "Địa chỉ"),
                                       (phone, 30, "phone", "Số điện thoại"), (note, 500, "note", "Ghi chú")):
        if len(value) > limit:
            raise DonorError(f"{label} dài quá {limit} ký tự.", field)
    return dict(kind=kind, name=name, search_key=fold(name)[:200], name_key=_name_key(name, kind),
                address=address, address_key=fold(address)[:300], phone=phone, phone_key=phone_key(phone),
                note=note)


def create_donor(unit: Unit, name: str, kind: str = "person", address: str = "", phone: str = "",
                 note: str = "") -> Donor:
    donor = Donor(unit=unit, **_clean_fields(name, kind, address, phone, note))
    db.session.add(donor)
    db.session.flush()
    record("create", donor, after=donor.audit_dict())
    return donor


def create_donors_bulk(unit: Unit, rows: list[dict]) -> list[int]:
    """Many new donors of `unit` at once (imports, seeding): the checks of create_donor, one INSERT,
    one audit entry per donor. rows: dicts with name, kind, address, phone, note.

    Returns the new ids in the order of `rows`. All or nothing: the first bad row raises DonorError.
    """
    now = utcnow()
    values = [dict(_clean_fields(r.get("name"), r.get("kind", "person"), r.get("address", ""), r.get("phone", ""),
                                 r.get("note", "")), unit_id=unit.id, created_at=now) for r in rows]
    if not values:
        return []
    ids = list(db.session.scalars(insert(Donor).returning(Donor.id, sort_by_parameter_order=True), values))
    record_many("create", "donor", [
        (i, unit.id, {"name": v["name"], "kind": v["kind"], "unit_id": unit.id, "address": v["address"],
                      "phone": v["phone"], "note": v["note"], "merged_into_id": None})
        for i, v in zip(ids, values)])
    return ids


# _clean_fields names its fields after the quick-entry form (a gift's donor); a donor's own are shorter.
_OWN_FIELDS = {"donor_name": "name", "donor_kind": "kind"}


def update_donor(donor: Donor, *, name: str, kind: str, address: str = "", phone: str = "",
                 note: str = "") -> Donor:
    """Correct a donor's details; a refusal names the donor's own fields (name, kind), not the gift form's."""
    before = donor.audit_dict()
    try:
        fields = _clean_fields(name, kind, address, phone, note)
    except DonorError as err:
        raise err.at(_OWN_FIELDS.get(err.field, err.field)) from None
    for key, value in fields.items():
        setattr(donor, key, value)
    db.session.flush()
    record("update", donor, before=before, after=donor.audit_dict())
    return donor


def find_or_create_donor(unit: Unit, name: str, kind: str = "person", address: str = "",
                         phone: str = "") -> Donor:
    """The unit's donor with the same name (with its diacritics: app.vn.names.same_name) and the
    same phone (or address), else a new one.

    Two people with one name in one village are common, so a bare name never matches; nor do
    Ân and Ẩn, whose folded names are equal (the folded key only narrows the query).
    """
    fields = _clean_fields(name, kind, address, phone, "")
    stmt = select(Donor).where(Donor.unit_id == unit.id, Donor.search_key == fields["search_key"],
                               Donor.merged_into_id.is_(None), Donor.kind == kind)
    if fields["phone_key"]:
        stmt = stmt.where(Donor.phone_key == fields["phone_key"])
    else:
        stmt = stmt.where(Donor.phone_key == "", Donor.address_key == fields["address_key"])
    found = next((d for d in db.session.scalars(stmt.order_by(Donor.id).limit(20))
                  if same_name(d.name, fields["name"])), None)
    return found or create_donor(unit, name, kind, address, phone)


def resolve(donor: Donor) -> Donor:
    """Follow merges to the donor that is kept."""
    seen = set()
    while donor.merged_into_id and donor.id not in seen:
        seen.add(donor.id)
        donor = donor.merged_into
    return donor


def donors_in_scope(root: Unit, q: str = ""):
    """A select of standing (not merged) donors of `root` and below, in Vietnamese name order."""
    stmt = select(Donor).where(scope_filter(Donor.unit_id, root), Donor.merged_into_id.is_(None))
    if q:
        key = fold(q)
        digits = phone_key(q)
        conds = [Donor.search_key.contains(key, autoescape=True)]
        if len(digits) >= 4:
            conds.append(Donor.phone_key.contains(digits, autoescape=True))
        stmt = stmt.where(or_(*conds))
    return stmt.order_by(Donor.name_key, Donor.id)


def suggest(root: Unit, name: str, phone: str = "", address: str = "", limit: int = 5) -> list[Donor]:
    """Likely duplicates while typing: folded name contains the typed text; same phone or address first."""
    key = fold(name)
    if len(key) < 2:
        return []
    stmt = donors_in_scope(root).where(Donor.search_key.contains(key, autoescape=True)).limit(50)
    found = list(db.session.scalars(stmt))
    pk, ak = phone_key(phone), fold(address)

    def rank(d: Donor):
        return (not (pk and d.phone_key == pk), not (ak and d.address_key == ak),
                d.search_key != key, d.name_key)

    return sorted(found, key=rank)[:limit]


def merge_donors(keep: Donor, merged: Donor) -> int:
    """Move every donation of `merged` to `keep`; `merged` stays, marked merged_into. Returns the count."""
    if keep.id == merged.id:
        raise DonorError("Không thể gộp một người với chính họ.", "keep_id")
    if keep.merged_into_id or merged.merged_into_id:
        raise DonorError("Người này đã được gộp trước đó.", "keep_id")
    ids = list(db.session.scalars(select(Donation.id).where(Donation.donor_id == merged.id)))
    before = merged.audit_dict()
    db.session.execute(update(Donation).where(Donation.donor_id == merged.id).values(donor_id=keep.id)
                       .execution_options(synchronize_session="fetch"))
    merged.merged_into_id = keep.id
    db.session.flush()
    record("merge", merged, before=before,
           after={**merged.audit_dict(), "kept_donor": keep.name, "moved_donation_ids": ids})
    return len(ids)
