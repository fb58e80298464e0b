"""After a membership's end (app.members.services.end_membership): undoing an end recorded by
mistake, and a return after leaving.

Each row of the register is one spell of membership (joined_on .. ended_on), and the organisation
counts read the spells as they are (app.members.queries.on_roll). So:
- an end recorded by mistake is undone on its row (`reopen`): the end never happened;
- a real return after leaving is a NEW row (`rejoin`) with a new number from the chosen unit's
  series, naming the row it follows (`rejoined_from_id`); the old row keeps its dates, so the years
  of the earlier spell and the years away stay as they were counted and printed.

Services never commit (see app.members.services).
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.extensions import db

from .models import ACTIVE, DECEASED, LEFT, Member
from .services import (MemberError, _allocate, _check_donor, _text, check_fields, current_fields,
                       likely_duplicates)

MAX_SPELLS = 50  # a bound on walking a person's rows (the dates already make a loop impossible)


# ---- one person's rows -------------------------------------------------------------------------

def successor(member: Member) -> Member | None:
    """The row of the member's return after this spell, if any."""
    return db.session.scalar(select(Member).where(Member.rejoined_from_id == member.id))


def spell_ids(member: Member) -> list[int]:
    """The ids of the person's rows, earliest first: the rows this one follows, itself, its returns."""
    back, row = [], member
    while row.rejoined_from_id and len(back) < MAX_SPELLS:
        row = db.session.get(Member, row.rejoined_from_id)
        back.append(row.id)
    ahead, row = [], member
    while len(ahead) < MAX_SPELLS and (row := successor(row)) is not None:
        ahead.append(row.id)
    return back[::-1] + [member.id] + ahead


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# ---- undoing a mistaken end --------------------------------------------------------------------

def reopen_refusal(member: Member) -> str:
    """Why this row's end cannot be undone ("" when it can)."""
    if member.status == ACTIVE:
        return "Hội viên này đang sinh hoạt: không có gì để hủy."
    later = successor(member)
    if later is not None:
        return (f"Người này đã vào hội lại (số thẻ {later.number}, {later.unit.name}): lần ra khỏi hội "
                "này là thật, không hủy được.")
    return ""


def reopen(member: Member, *, reason: str) -> Member:
    """The member's end (left or deceased) was recorded by mistake: the row is active again, its end
    cleared, joined_on and number unchanged. The reason is required; the mistaken end stays in the
    audit log (its before)."""
    refusal = reopen_refusal(member)
    if refusal:
        raise MemberError(refusal, "reason")
    reason = _text(reason, 300, "reason", "lý do hủy", required=True)
    before = member.audit_dict()
    member.status, member.ended_on, member.end_reason = ACTIVE, None, ""
    db.session.flush()
    record("reopen", member, before=before, after={**member.audit_dict(), "reason": reason})
    return member


# ---- a return after leaving --------------------------------------------------------------------

def rejoin_refusal(member: Member) -> str:
    """Why this row cannot be followed by a return ("" when it can)."""
    if member.status == DECEASED:
        return ("Hội viên đã từ trần không thể vào hội lại. Nếu việc ghi từ trần là nhầm, hãy dùng "
                "“Hủy ghi nhận ra khỏi hội”.")
    if member.status != LEFT:
        return "Hội viên này đang sinh hoạt."
    later = successor(member)
    if later is not None:
        return f"Người này đã vào hội lại: số thẻ {later.number}, {later.unit.name}."
    return ""


def return_duplicates(member: Member, unit) -> list[Member]:
    """Rows of `unit` that are probably this person, the person's own rows left out (a returning
    member is not their own duplicate): someone already typed in again by hand is shown first."""
    return likely_duplicates(unit, {"ho": member.ho, "dem": member.dem, "ten": member.ten,
                                    "birth_year": member.birth_year}, exclude_id=spell_ids(member))


def rejoin(member: Member, *, joined_on, unit=None) -> Member:
    """The member who left comes back on `joined_on` (after the end): a new row in `unit` (default:
    the old row's) with the unit's next number, the person's fields and donor link copied, naming
    the old row. The old row keeps its status and dates. A second return from one row is refused
    (and the unique key stops two racing ones)."""
    unit = unit or member.unit
    refusal = rejoin_refusal(member)
    if refusal:
        raise MemberError(refusal, "joined_on")
    if not unit.active:
        raise MemberError("Chi hội, ban này đã ngừng hoạt động.", "unit_id")
    if not isinstance(joined_on, date):
        raise MemberError("Vui lòng nhập ngày vào hội lại.", "joined_on")
    if member.ended_on and joined_on <= member.ended_on:
        raise MemberError(f"Ngày vào hội lại phải sau ngày ra khỏi hội ({_d(member.ended_on)}).", "joined_on")
    values = check_fields(**{**current_fields(member), "joined_on": joined_on, "note": ""})
    donor = member.donor if member.donor_id else None
    try:
        _check_donor(unit, donor)
    except MemberError:
        donor = None  # a donor of another commune (or merged away) is not carried into this unit
    (values["number"],) = _allocate(unit.id, [None])
    new = Member(unit=unit, status=ACTIVE, donor_id=donor.id if donor else None, rejoined_from_id=member.id,
                 **values)
    try:
        with db.session.begin_nested():
            db.session.add(new)
            db.session.flush()
    except IntegrityError:  # a simultaneous return from the same row won (PostgreSQL)
        raise MemberError("Người này vừa được ghi vào hội lại.", "joined_on") from None
    record("rejoin", new, after={**new.audit_dict(), "rejoined_from_id": member.id,
                                 "rejoined_from_number": member.number})
    return new
