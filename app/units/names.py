"""Units' names by period (issue 20 D): a rename keeps the old name for the days before it.

Rule: unit.name is always the current name. A unit that was renamed has UnitName rows, one per name,
each valid from `valid_from` (NULL: since ever) until the day before `valid_until` (NULL: still).
A unit never renamed has no rows and reads unit.name everywhere, so only renamed units cost a row.
Reports of a period read the names valid on the period's last day (names_on).
"""
from datetime import date

from sqlalchemy import or_, select

from app.audit.services import record
from app.extensions import db
from app.vn.dates import short_date

from .models import Unit, UnitName


def names_on(day: date, unit_ids=None) -> dict[int, str]:
    """{unit id: the name it bore on `day`} for the renamed units (only those differ from unit.name)."""
    stmt = select(UnitName.unit_id, UnitName.name).where(
        or_(UnitName.valid_from.is_(None), UnitName.valid_from <= day),
        or_(UnitName.valid_until.is_(None), UnitName.valid_until > day))
    if unit_ids is not None:
        stmt = stmt.where(UnitName.unit_id.in_(list(unit_ids)))
    return dict(db.session.execute(stmt).all())


def name_on(unit: Unit, day: date) -> str:
    return names_on(day, [unit.id]).get(unit.id, unit.name)


def history(unit: Unit) -> list[UnitName]:
    """The unit's names, oldest first (empty for a unit never renamed)."""
    return list(db.session.scalars(select(UnitName).where(UnitName.unit_id == unit.id)
                                   .order_by(UnitName.valid_from.is_not(None), UnitName.valid_from)))


def record_rename(unit: Unit, new_name: str, effective_on: date) -> None:
    """Close the current name on `effective_on` and open `new_name` from then (the caller sets
    unit.name and checks the name). The first rename also writes the name borne until then."""
    current = db.session.scalar(select(UnitName).where(UnitName.unit_id == unit.id,
                                                       UnitName.valid_until.is_(None)))
    if current is None:
        current = UnitName(unit_id=unit.id, name=unit.name, valid_from=None)
        db.session.add(current)
    elif current.valid_from is not None and current.valid_from >= effective_on:
        # A second rename on or before the day the current name began: the current name never held.
        from .services import UnitError

        raise UnitError(f"Ngày hiệu lực phải sau {short_date(current.valid_from)}, ngày tên hiện tại bắt đầu.",
                        "effective_on")
    current.valid_until = effective_on
    new = UnitName(unit_id=unit.id, name=new_name, valid_from=effective_on)
    db.session.add(new)
    db.session.flush()
    record("rename", new, after=new.audit_dict(), unit_id=unit.id)
