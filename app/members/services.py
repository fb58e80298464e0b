"""The rules of the member register: check a member's fields, number, create, edit, end membership,
link to a donor. Undoing a mistaken end and a return after leaving are in app.members.status.

Services never commit; the caller commits (or rolls back on MemberError). Numbers come from the
unit's MemberCounter, which only ever moves forward: a member who leaves keeps the number, and no
one else is given it.
"""
import re
from datetime import date

from sqlalchemy import case, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.services import record, record_many
from app.core import clock
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.core.rls import cross_units
from app.extensions import db
from app.units.models import Unit
from app.vn.names import join_name, name_sort_key, same_name, split_name
from app.vn.text import clean, fold

from .models import ACTIVE, DECEASED, GENDERS, LEFT, OCCUPATIONS, Member, MemberCounter

MAX_NUMBER = 99_999_999  # a member number is at most 8 digits (printed on cards)
ENDED = {LEFT, DECEASED}


class MemberError(Refusal):
    """A refused change to the register, with a Vietnamese message and the form field it concerns."""


def _text(value, limit: int, field: str, label: str, required: bool = False) -> str:
    value = clean(value if isinstance(value, str) else ("" if value is None else str(value))) or ""
    if required and not value:
        raise MemberError(f"Vui lòng nhập {label}.", field)
    if len(value) > limit:
        raise MemberError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return value


def phone_key(phone) -> str:
    """Digits only, "+84" written as a leading 0 (the donors' rule, so the two registers match)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits[:20]


def _choice(value, choices: dict, field: str, message: str) -> str:
    """A key of `choices`; its Vietnamese label (any case, with or without diacritics) is read too,
    since an imported sheet says "Nữ" or "Cựu chiến binh", not the stored key."""
    value = clean(value if isinstance(value, str) else ("" if value is None else str(value))) or ""
    if value in choices:
        return value
    folded = fold(value)
    for key, label in choices.items():
        if folded and folded == fold(label):
            return key
    raise MemberError(message, field)


def _birth_year(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MemberError("Năm sinh không hợp lệ.", "birth_year")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if not value.isdigit():
            raise MemberError("Năm sinh phải là 4 chữ số, ví dụ 1958.", "birth_year")
        value = int(value)
    if not isinstance(value, int):
        raise MemberError("Năm sinh không hợp lệ.", "birth_year")
    if not 1900 <= value <= clock.today().year:
        raise MemberError(f"Năm sinh phải từ 1900 đến {clock.today().year}.", "birth_year")
    return value


def check_fields(*, name, birth_year=None, gender="", address="", village="", phone="", occupation="",
                 joined_on=None, note="") -> dict:
    """Clean and check one member's fields, writing nothing (the import preview calls it per row).

    Returns the values of Member's columns: ho/dem/ten split the Vietnamese way and the keys
    (name_key, search_key, village_key, phone_key). A missing `joined_on` is today.
    """
    full = _text(name, 220, "name", "họ và tên", required=True)
    ho, dem, ten = split_name(full)
    if len(ho) > 60 or len(dem) > 100 or len(ten) > 60:
        raise MemberError("Họ và tên dài quá mức cho phép.", "name")
    year = _birth_year(birth_year)
    gender = _choice(gender, GENDERS, "gender", "Giới tính không hợp lệ.")
    occupation = _choice(occupation, OCCUPATIONS, "occupation", "Nhóm nghề nghiệp không hợp lệ.")
    address = _text(address, 300, "address", "địa chỉ")
    village = _text(village, 120, "village", "thôn/tổ dân phố")
    phone = _text(phone, 30, "phone", "số điện thoại")
    digits = phone_key(phone)
    if phone and not 8 <= len(digits) <= 15:
        raise MemberError("Số điện thoại không hợp lệ (8 đến 15 chữ số).", "phone")
    if joined_on is None or joined_on == "":
        joined_on = clock.today()
    if not isinstance(joined_on, date):
        raise MemberError("Ngày vào hội không hợp lệ.", "joined_on")
    if joined_on > clock.today():
        raise MemberError("Ngày vào hội không được sau hôm nay.", "joined_on")
    if year is not None and joined_on.year < year:
        raise MemberError("Ngày vào hội không được trước năm sinh.", "joined_on")
    note = _text(note, 500, "note", "ghi chú")
    full = join_name(ho, dem, ten)
    return {"ho": ho, "dem": dem, "ten": ten, "name_key": name_sort_key(ho, dem, ten),
            "search_key": fold(full)[:220], "birth_year": year, "gender": gender, "address": address,
            "village": village, "village_key": fold(village)[:120], "phone": phone, "phone_key": digits,
            "occupation": occupation, "joined_on": joined_on, "note": note}


# ---- numbering ---------------------------------------------------------------------------------

def _lock_counter(unit_id: int) -> int:
    """The unit's next free number, its counter row locked until commit.

    A no-op UPDATE ... RETURNING takes the row lock on PostgreSQL and the write lock on SQLite,
    so two writers never read the same counter (never MAX(number) + 1)."""
    dialect = db.session.get_bind().dialect.name
    ins = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(ins(MemberCounter).values(unit_id=unit_id, next_number=1).on_conflict_do_nothing())
    return db.session.execute(
        update(MemberCounter).where(MemberCounter.unit_id == unit_id)
        .values(next_number=MemberCounter.next_number).returning(MemberCounter.next_number)
        .execution_options(synchronize_session=False)).scalar_one()


def _check_number(value, field: str = "number") -> int:
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise MemberError("Số thẻ hội viên phải là số nguyên dương.", field)
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_NUMBER:
        raise MemberError("Số thẻ hội viên phải là số nguyên dương.", field)
    return value


def _allocate(unit_id: int, wanted: list) -> list[int]:
    """Numbers for new members of one unit, in order: each given number (checked free, once) kept,
    each None the next unused number from the counter; the counter ends past all of them."""
    given = [_check_number(n) for n in wanted if n is not None]
    if len(set(given)) != len(given):
        dup = next(n for n in given if given.count(n) > 1)
        raise MemberError(f"Số thẻ {dup} bị trùng.", "number")
    counter = _lock_counter(unit_id)
    if given:
        taken = set(db.session.scalars(select(Member.number).where(
            Member.unit_id == unit_id, Member.number.in_(given))))
        if taken:
            raise MemberError(f"Số thẻ {min(taken)} đã có hội viên khác trong đơn vị.", "number")
    used, out, nxt = set(given), [], counter
    for n in wanted:
        if n is not None:
            out.append(_check_number(n))
            continue
        while nxt in used:
            nxt += 1
        out.append(nxt)
        used.add(nxt)
        nxt += 1
    new_next = max([counter] + [n + 1 for n in out])
    if new_next > MAX_NUMBER + 1:
        raise MemberError("Đơn vị đã dùng hết dãy số thẻ.", "number")
    if new_next != counter:
        db.session.execute(update(MemberCounter).where(MemberCounter.unit_id == unit_id)
                           .values(next_number=case((MemberCounter.next_number > new_next,
                                                     MemberCounter.next_number), else_=new_next))
                           .execution_options(synchronize_session=False))
    return out


def next_number(unit: Unit) -> int:
    """The number the unit's next member will get (a hint for the form; nothing is reserved)."""
    return db.session.scalar(select(MemberCounter.next_number).where(MemberCounter.unit_id == unit.id)) or 1


# ---- the register ------------------------------------------------------------------------------

def _check_donor(unit: Unit, donor) -> None:
    if donor is None:
        return
    if getattr(donor, "merged_into_id", None):
        raise MemberError("Nhà hảo tâm này đã được gộp vào hồ sơ khác.", "donor")
    if not donor.unit.path.startswith(commune_path(unit)):
        raise MemberError("Nhà hảo tâm không thuộc xã/phường của hội viên.", "donor")


def create_member(unit: Unit, *, number=None, donor=None, **fields) -> Member:
    """A new member of `unit`; number None takes the unit's next (duplicates are the caller's
    question: see likely_duplicates)."""
    values = check_fields(**fields)
    _check_donor(unit, donor)
    (values["number"],) = _allocate(unit.id, [number])
    member = Member(unit=unit, status=ACTIVE, donor_id=donor.id if donor else None, **values)
    db.session.add(member)
    db.session.flush()
    record("create", member, after=member.audit_dict())
    return member


_COLUMNS = ("ho", "dem", "ten", "name_key", "search_key", "birth_year", "gender", "address", "village",
            "village_key", "phone", "phone_key", "occupation", "joined_on", "note")


def bulk_create_members(unit: Unit, rows: list[dict]) -> list[int]:
    """Many new members of `unit` (imports, the bench seed): rows as check_fields() returns them,
    each with an optional "number". One counter update, one INSERT, one audit insert; ids in the
    order of `rows`."""
    if not rows:
        return []
    numbers = _allocate(unit.id, [row.get("number") for row in rows])
    now = utcnow()
    values = [{**{k: row.get(k, "" if k not in ("birth_year", "joined_on") else None) for k in _COLUMNS},
               "unit_id": unit.id, "number": n, "status": ACTIVE, "ended_on": None, "end_reason": "",
               "donor_id": None, "created_at": now}
              for row, n in zip(rows, numbers)]
    for v in values:
        if not v["ten"] or not v["name_key"] or v["joined_on"] is None:
            raise MemberError("Dòng dữ liệu hội viên chưa được kiểm tra (check_fields).", "name")
    # Rows come back in any order: matched by number, unique in the unit.
    by_number = {}
    for start in range(0, len(values), 500):
        for mid, num in db.session.execute(insert(Member).returning(Member.id, Member.number),
                                           values[start:start + 500]):
            by_number[num] = mid
    ids = [by_number[n] for n in numbers]
    record_many("create", "member", [
        (mid, unit.id, {"unit_id": unit.id, "number": v["number"], "name": join_name(v["ho"], v["dem"], v["ten"]),
                        "birth_year": v["birth_year"], "gender": v["gender"], "address": v["address"],
                        "village": v["village"], "phone": v["phone"], "occupation": v["occupation"],
                        "joined_on": v["joined_on"].isoformat(), "status": ACTIVE, "ended_on": None,
                        "end_reason": "", "note": v["note"], "donor_id": None})
        for mid, v in zip(ids, values)])
    return ids


def current_fields(member: Member) -> dict:
    """The member's fields as check_fields() takes them (a form's starting values)."""
    return {"name": member.full_name, "birth_year": member.birth_year, "gender": member.gender,
            "address": member.address, "village": member.village, "phone": member.phone,
            "occupation": member.occupation, "joined_on": member.joined_on, "note": member.note}


def spells(member: Member) -> tuple[Member | None, Member | None]:
    """The spells a return links (the one it follows, the one that follows it), wherever they are:
    another chi hội's row is read crossing units (app/core/rls.py) so that the page can say "at a
    unit elsewhere, ended on ..." and an edit cannot overlap it; nothing else of that row is shown."""
    with cross_units("a return names the spell it follows or is followed by, in whichever unit"):
        return member.rejoined_from, member.rejoined_as


def update_member(member: Member, **fields) -> Member:
    """Change a member's fields (those not given stay as they are). The number never changes."""
    unknown = set(fields) - set(current_fields(member))
    if unknown:
        raise TypeError(f"update_member: unknown fields {sorted(unknown)}")
    values = check_fields(**{**current_fields(member), **fields})
    if member.ended_on and values["joined_on"] > member.ended_on:
        raise MemberError("Ngày vào hội không được sau ngày ra khỏi hội.", "joined_on")
    earlier = spells(member)[0]  # a return: its spell must not overlap the one it follows (counted twice)
    if earlier is not None and earlier.ended_on and values["joined_on"] <= earlier.ended_on:
        raise MemberError("Ngày vào hội lại phải sau ngày ra khỏi hội lần trước "
                          f"({earlier.ended_on.strftime('%d/%m/%Y')}).", "joined_on")
    before = member.audit_dict()
    for key, value in values.items():
        setattr(member, key, value)
    db.session.flush()
    record("update", member, before=before, after=member.audit_dict())
    return member


def end_membership(member: Member, *, status: str, ended_on, reason: str) -> Member:
    """The member left (status "left") or died ("deceased") on `ended_on`, for `reason`. The row and
    its number stay: last year's counts still count them."""
    if status not in ENDED:
        raise MemberError("Vui lòng chọn: ra khỏi hội hoặc từ trần.", "status")
    if member.status != ACTIVE:
        raise MemberError(f"Hội viên này không còn sinh hoạt ({member.status_label.lower()}).", "status")
    if not isinstance(ended_on, date):
        raise MemberError("Vui lòng nhập ngày.", "ended_on")
    if ended_on > clock.today():
        raise MemberError("Ngày không được sau hôm nay.", "ended_on")
    if ended_on < member.joined_on:
        raise MemberError("Ngày không được trước ngày vào hội "
                          f"({member.joined_on.strftime('%d/%m/%Y')}).", "ended_on")
    reason = _text(reason, 300, "reason", "lý do", required=True)
    before = member.audit_dict()
    member.status, member.ended_on, member.end_reason = status, ended_on, reason
    db.session.flush()
    record("end", member, before=before, after=member.audit_dict())
    return member


def link_donor(member: Member, donor) -> Member:
    """The member is also this donor (or, with None, no longer linked): one person, typed once."""
    _check_donor(member.unit, donor)
    before = member.audit_dict()
    member.donor_id = donor.id if donor is not None else None
    db.session.flush()
    record("link", member, before=before, after=member.audit_dict())
    return member


# ---- duplicates --------------------------------------------------------------------------------

def commune_path(unit: Unit) -> str:
    """The commune's subtree path of `unit` (the pupils' rule: the first two levels)."""
    parts = [p for p in unit.path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/" if len(parts) >= 2 else unit.path


def likely_duplicates(unit: Unit, values: dict, exclude_id=None) -> list[Member]:
    """Members of `unit` who are probably this person: the same name with its diacritics
    (app.vn.names.same_name: Ân is not Ẩn, but a name typed without any marks matches) and the same
    birth year when both are known. The folded search key only narrows the query, never decides.
    `exclude_id`: an id or a list of ids (a returning member's own rows, app.members.status.spell_ids)."""
    full = join_name(values.get("ho", ""), values.get("dem", ""), values.get("ten", "")) or values.get("name", "")
    key = fold(full)
    if not key:
        return []
    stmt = select(Member).where(Member.unit_id == unit.id, Member.search_key == key[:220])
    if exclude_id:
        stmt = stmt.where(Member.id.not_in(exclude_id if isinstance(exclude_id, (list, tuple, set)) else [exclude_id]))
    year = values.get("birth_year")
    return [m for m in db.session.scalars(stmt.order_by(Member.number).limit(50))
            if same_name(m.full_name, full, m.birth_year, year)][:10]


__all__ = ["MemberError", "check_fields", "create_member", "bulk_create_members", "update_member",
           "end_membership", "link_donor", "likely_duplicates", "next_number", "current_fields", "phone_key",
           "commune_path"]
