"""Pupil and school routes."""
from tests.authz import ALL, Rule
from tests.factories_scholarships import scholarship_world

WRITE = frozenset({"admin", "treasurer", "clerk"})


def _side(world, own):
    s = scholarship_world(world)
    return s.own if own else s.other


def pupil(world, own):
    return {"pupil_id": _side(world, own).pupil.id}


def pair(world, own):
    side = _side(world, own)
    return {"pupil_id": side.pupil.id, "other_id": side.pupil2.id}


def sponsorship(world, own):
    from sqlalchemy import select

    from app.extensions import db
    from app.pupils.models import Sponsorship

    pupil_id = _side(world, own).pupil.id
    return {"kind": "do-dau", "item_id": db.session.scalar(select(Sponsorship.id).where(Sponsorship.pupil_id == pupil_id))}


def fresh_achievement(world, own):
    """A new achievement per call: an allowed delete removes the one it was given."""
    from app.extensions import db
    from app.pupils import services

    item = services.add_achievement(_side(world, own).pupil, "2025-2026", "Học sinh giỏi cấp huyện")
    db.session.commit()
    return {"kind": "thanh-tich", "item_id": item.id}


def school(world, own):
    return {"school_id": _side(world, own).school.id}


TABLE = {
    "pupils.index": Rule(ALL),
    "pupils.export": Rule(ALL),
    "pupils.create": Rule(WRITE),
    "pupils.detail": Rule(ALL, args=pupil),
    "pupils.edit": Rule(WRITE, args=pupil),
    "pupils.add_result": Rule(WRITE, args=pupil),
    "pupils.add_achievement": Rule(WRITE, args=pupil),
    "pupils.add_sponsorship": Rule(WRITE, args=pupil),
    "pupils.edit_record": Rule(WRITE, args=sponsorship),
    "pupils.delete_record": Rule(WRITE, args=fresh_achievement),
    "pupils.duplicates": Rule(WRITE),
    # Pupil import on the pupil list (issue 14 D); the confirm is POST only.
    "pupils.import_template": Rule(WRITE),
    "pupils.import_upload": Rule(WRITE),
    "pupils.import_confirm": Rule(WRITE),
    "pupils.merge": Rule(WRITE, args=pair),
    "pupils.schools": Rule(ALL),
    "pupils.schools_export": Rule(ALL),
    "pupils.school_create": Rule(WRITE),
    "pupils.school_edit": Rule(WRITE, args=school),
    "pupils.import_template": Rule(WRITE),
    "pupils.import_upload": Rule(WRITE),
    "pupils.import_confirm": Rule(WRITE),
}
