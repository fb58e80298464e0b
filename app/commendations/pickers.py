"""Picking an existing pupil or donor for a line added by hand: search, and the values it prefills.

A picked line keeps the record's id (Honoree.pupil_id / donor_id): the "already commended
this year" warning then finds the same person on other decisions even when the name was
typed differently there.
"""
from dataclasses import dataclass

from flask import abort, url_for

from app.core.authz import get_or_404
from app.donations.donor_services import donors_in_scope
from app.donations.models import Donor
from app.extensions import db
from app.pupils.models import Pupil
from app.pupils.queries import pupil_query
from app.vn.text import fold

from .models import Decision
from .services import pupil_place

KINDS = {"hoc-sinh": "Học sinh (sổ học sinh)", "nha-hao-tam": "Nhà hảo tâm (sổ nhà hảo tâm)",
         "hoi-vien": "Hội viên (sổ hội viên)"}
LIMIT = 20


@dataclass
class Picked:
    """A record a line is (or will be) linked to, with what it prefills."""

    kind: str  # "hoc-sinh" | "nha-hao-tam" | "hoi-vien"
    id: int
    name: str
    detail: str
    url: str
    values: dict


def _pupil(p) -> Picked:
    place = pupil_place(p)
    detail = " · ".join(x for x in (p.birth_text, place, p.village if p.village != place else "") if x)
    return Picked("hoc-sinh", p.id, p.full_name, detail, url_for("pupils.detail", pupil_id=p.id),
                  {"name": p.full_name, "kind": "pupil", "collective": False, "birth_text": p.birth_text,
                   "place": place[:200]})


def _donor(donor) -> Picked:
    detail = " · ".join(x for x in (donor.kind_label, donor.address, donor.phone) if x)
    return Picked("nha-hao-tam", donor.id, donor.name, detail,
                  url_for("donations.donor_detail", donor_id=donor.id),
                  {"name": donor.name, "kind": "donor", "collective": donor.kind != "person",
                   "place": donor.address[:200]})


def _member(m) -> Picked:
    """A member picked for a volunteer's line (issue 19): name, birth year and place from the register."""
    from app.members.links import member_place

    detail = " · ".join(x for x in (f"số thẻ {m.number}", str(m.birth_year or ""), member_place(m), m.unit.name) if x)
    return Picked("hoi-vien", m.id, m.full_name, detail, url_for("members.detail", member_id=m.id),
                  {"name": m.full_name, "kind": "volunteer", "collective": False,
                   "birth_text": str(m.birth_year or ""), "place": member_place(m)})


def search(d: Decision, kind: str, q: str) -> list[Picked]:
    """Standing pupils or donors of the decision's unit and below whose name contains `q`
    (without diacritics, any case), in Vietnamese name order; nothing for under two letters."""
    if len(fold(q).replace(" ", "")) < 2:
        return []
    if kind == "nha-hao-tam":
        return [_donor(x) for x in db.session.scalars(donors_in_scope(d.unit, q).limit(LIMIT))]
    if kind == "hoi-vien":
        from app.members.links import member_search

        return [_member(x) for x in member_search(d.unit, q, LIMIT)]
    return [_pupil(x) for x in db.session.scalars(pupil_query(d.unit, q=q).limit(LIMIT))]


def _record(d: Decision, model, ident):
    """The record by id if the user may see it and it belongs to the decision's unit or below, else 404."""
    rec = get_or_404(model, ident)
    if not rec.unit.path.startswith(d.unit.path):
        abort(404)
    return rec


def from_args(d: Decision, args) -> Picked | None:
    """The record named by ?hoc_sinh=, ?nha_hao_tam= or ?hoi_vien= (the "Chọn" buttons), or None."""
    if args.get("hoc_sinh"):
        return _pupil(_record(d, Pupil, args["hoc_sinh"]))
    if args.get("nha_hao_tam"):
        return _donor(_record(d, Donor, args["nha_hao_tam"]))
    if args.get("hoi_vien"):
        from app.members.models import Member

        return _member(_record(d, Member, args["hoi_vien"]))
    return None


def linked(d: Decision, pupil_id: int | None, donor_id: int | None, member_id: int | None = None) -> Picked | None:
    """What a line is linked to, shown above its form. The ids may come back from a posted form,
    so a record outside the decision's unit is never described (the service refuses it anyway)."""
    from app.members.models import Member

    for model, ident, make in ((Pupil, pupil_id, _pupil), (Donor, donor_id, _donor), (Member, member_id, _member)):
        rec = db.session.get(model, ident) if ident else None
        if rec is not None and rec.unit.path.startswith(d.unit.path):
            return make(rec)
    return None


def fill(form, picked: Picked) -> None:
    """Prefill the honoree form from the picked record and set the link."""
    for key, value in picked.values.items():
        form[key].data = value
    form.pupil_id.data = picked.id if picked.kind == "hoc-sinh" else ""
    form.donor_id.data = picked.id if picked.kind == "nha-hao-tam" else ""
    form.member_id.data = picked.id if picked.kind == "hoi-vien" else ""
