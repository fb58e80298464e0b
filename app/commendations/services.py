"""Commendation decisions and their honorees, while the decision is a draft.

Contract: services never commit (the view does); every change is audited in the same
transaction; every change to an issued decision raises CommendationError (a new or an
amending decision is the only way to change what was signed).
"""
import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Mapping

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.audit.services import record
from app.core import books
from app.core.refusal import Refusal
from app.donations.models import Donor
from app.extensions import db
from app.funds.models import Fund
from app.pupils.models import Pupil
from app.scholarships.award_goods import check_goods
from app.units.models import Unit
from app.vn.names import name_sort_key
from app.vn.text import clean, fold

from .assessments import name_parts
from .models import (AWARD_FORMS, COLLECTIVE_KINDS, GROUPINGS, HONOREE_KINDS, ISSUED, PAYMENT_MODES,
                     CommendationCounter, Decision, Honoree)

DEFAULT_BASES = (
    "Căn cứ Điều lệ Hội Khuyến học Việt Nam;\n"
    "Căn cứ Luật Thi đua, khen thưởng năm 2022;\n"
    "Căn cứ Quy chế khen thưởng của Hội Khuyến học;"
)
DEFAULT_SIGNER_TITLE = "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"
FROZEN_MESSAGE = ("Quyết định đã ban hành nên không sửa được. "
                  "Hãy lập quyết định mới hoặc quyết định sửa đổi, bổ sung.")


class CommendationError(Refusal):
    """A refused change, with a Vietnamese message and the form field it concerns."""



# ---- counters ----------------------------------------------------------------------------------

def _bump(unit_id: int, kind: str, year: int) -> int:
    """Take the next number of a counter inside the write transaction (UPDATE ... RETURNING locks it)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(CommendationCounter).values(unit_id=unit_id, kind=kind, year=year, next_number=1)
                       .on_conflict_do_nothing())
    return db.session.execute(
        update(CommendationCounter)
        .where(CommendationCounter.unit_id == unit_id, CommendationCounter.kind == kind,
               CommendationCounter.year == year)
        .values(next_number=CommendationCounter.next_number + 1)
        .returning(CommendationCounter.next_number)
        .execution_options(synchronize_session=False)).scalar_one() - 1


def next_register_number(unit_id: int) -> int:
    """Số sổ vàng: one sequence per unit for ever (year 0), never reused."""
    return _bump(unit_id, "register", 0)


def suggest_number(unit: Unit, year: int, suffix: str = "QĐ-HKH") -> str:
    """The next free "n/QĐ-HKH" of the unit and year, without taking it.

    n follows the highest number the unit used that year, typed ones included (a clerk who typed
    41 and 45 by hand is offered 46, not the counter's 4): numbers of a year run on, never back.
    """
    current = db.session.scalar(select(CommendationCounter.next_number).where(
        CommendationCounter.unit_id == unit.id, CommendationCounter.kind == "decision",
        CommendationCounter.year == year)) or 1
    used = db.session.scalars(select(Decision.number).where(Decision.unit_id == unit.id, Decision.year == year))
    current = max([current] + [n + 1 for n in map(_leading_number, used) if n is not None])
    while True:
        number = f"{current}/{suffix}"
        if not _number_taken(unit.id, number):
            return number
        current += 1


def _leading_number(number: str) -> int | None:
    """41 of "41/QĐ-HKH" (or of "41-QĐ/HKH"); None when the number does not start with one.

    Runs of five digits, or of four from 1900 up, read as years ("2026/QĐ"), not as sequence numbers."""
    match = re.match(r"\s*(\d{1,4})(?!\d)", number or "")
    return int(match.group(1)) if match and int(match.group(1)) < 1900 else None


def _number_taken(unit_id: int, number: str, exclude_id: int | None = None) -> bool:
    stmt = select(func.count()).select_from(Decision).where(Decision.unit_id == unit_id, Decision.number == number)
    if exclude_id:
        stmt = stmt.where(Decision.id != exclude_id)
    return bool(db.session.scalar(stmt))


# ---- decisions ---------------------------------------------------------------------------------

class _FromValues:
    """`of(values, **given)`: the dataclass from a mapping (a form's `.data`), its own fields only.

    The one mapping from what a page posts to what the service takes: a field added to the
    dataclass and the form under the same name travels without another line in any view."""

    @classmethod
    def of(cls, values: Mapping, **given):
        names = {f.name for f in fields(cls)}
        return cls(**{**{k: v for k, v in values.items() if k in names}, **given})


@dataclass
class DecisionData(_FromValues):
    number: str
    decision_date: date
    title: str
    place: str = ""
    list_title: str = ""
    bases: str = DEFAULT_BASES
    proposal: str = ""
    executors: str = ""
    recipients: str = ""
    signer_title: str = DEFAULT_SIGNER_TITLE
    signer_name: str = ""
    award_form: str = "giay_khen"
    default_amount: int = 0
    fund: Fund | None = None
    payment_mode: str = "each"
    school_year: str = ""
    group_by: str = ""
    default_goods_item: str = ""  # a prize in goods for each line by default (AWARD-GOODS)
    default_goods_unit: str = ""
    default_goods_quantity: object = None


def _lines(text: str, limit: int) -> str:
    lines = [clean(x) for x in (text or "").splitlines()]
    return "\n".join(x for x in lines if x)[:limit]


def _apply(d: Decision, data: DecisionData) -> None:
    number = clean(data.number or "")
    if not number:
        raise CommendationError("Vui lòng nhập số quyết định.", "number")
    if len(number) > 40:
        raise CommendationError("Số quyết định dài quá 40 ký tự.", "number")
    if _number_taken(d.unit_id, number, exclude_id=d.id):
        raise CommendationError(f"Đơn vị đã có quyết định số {number}.", "number")
    if not isinstance(data.decision_date, date):
        raise CommendationError("Vui lòng nhập ngày quyết định.", "decision_date")
    # Prizes are paid on the decision's date: it lies in the books' window (app.core.books).
    books.check_entry_date(data.decision_date, "decision_date", error=CommendationError)
    title = clean(data.title or "")
    if not title:
        raise CommendationError("Vui lòng nhập trích yếu (Về việc khen thưởng ...).", "title")
    if data.award_form not in AWARD_FORMS:
        raise CommendationError("Hình thức khen thưởng không hợp lệ.", "award_form")
    if data.payment_mode not in PAYMENT_MODES:
        raise CommendationError("Cách chi tiền thưởng không hợp lệ.", "payment_mode")
    if data.group_by not in GROUPINGS:
        raise CommendationError("Cách nhóm danh sách không hợp lệ.", "group_by")
    books.check_amount(data.default_amount, "default_amount", allow_zero=True, label="Mức thưởng",
                       error=CommendationError)
    goods = check_goods(data.default_goods_item, data.default_goods_unit, data.default_goods_quantity,
                        CommendationError, "default_goods")
    d.default_goods_item, d.default_goods_unit, d.default_goods_quantity = goods
    if data.fund is not None and not data.fund.unit.path.startswith(d.unit.path if d.unit else ""):
        raise CommendationError("Quỹ chi thưởng phải thuộc đơn vị ra quyết định.", "fund_id")
    d.number, d.decision_date, d.year, d.title = number, data.decision_date, data.decision_date.year, title[:300]
    d.place = clean(data.place or "")[:100]
    d.list_title = clean(data.list_title or "")[:300]
    d.bases = _lines(data.bases, 4000)
    d.proposal = clean(data.proposal or "")[:300]
    d.executors = clean(data.executors or "")[:500]
    d.recipients = _lines(data.recipients, 2000)
    d.signer_title = _lines(data.signer_title, 120)
    d.signer_name = clean(data.signer_name or "")[:120]
    d.award_form, d.default_amount, d.fund = data.award_form, data.default_amount, data.fund
    d.payment_mode, d.group_by = data.payment_mode, data.group_by
    d.school_year = clean(data.school_year or "")[:9]


def create_decision(unit: Unit, data: DecisionData, amends: Decision | None = None) -> Decision:
    """A draft decision; the number's counter advances so the next suggestion moves on."""
    d = Decision(unit=unit, unit_id=unit.id, amends=amends)
    _apply(d, data)
    db.session.add(d)
    db.session.flush()
    _bump(unit.id, "decision", d.year)
    record("create", d, after=d.audit_dict())
    return d


def check_draft(d: Decision) -> None:
    if d.status == ISSUED:
        raise CommendationError(FROZEN_MESSAGE)


def update_decision(d: Decision, data: DecisionData) -> Decision:
    check_draft(d)
    before = d.audit_dict()
    _apply(d, data)
    record("update", d, before=before, after=d.audit_dict())
    return d


def amending_draft(old: Decision) -> Decision:
    """A new draft that amends an issued decision, with its header copied.

    The list is not copied: an amending decision lists only what it adds or corrects, and the
    honours of the old decision keep their register numbers (a number is never given twice).
    """
    if old.status != ISSUED:
        raise CommendationError("Chỉ lập quyết định sửa đổi cho quyết định đã ban hành.")
    header = {f.name: getattr(old, f.name) for f in fields(DecisionData)}  # the model's names are the same
    data = DecisionData.of(header, number=suggest_number(old.unit, old.year),
                           title=f"Về việc sửa đổi, bổ sung Quyết định số {old.number}"[:300],
                           bases=old.bases + f"\nCăn cứ Quyết định số {old.number};")
    return create_decision(old.unit, data, amends=old)


# ---- honorees ----------------------------------------------------------------------------------

@dataclass
class HonoreeData(_FromValues):
    name: str
    kind: str = "pupil"
    collective: bool = False
    birth_text: str = ""
    place: str = ""
    achievement: str = ""
    amount: int = 0
    note: str = ""
    pupil_id: int | None = None
    donor_id: int | None = None
    member_id: int | None = None  # a volunteer who is a member (issue 19)
    assessment_id: int | None = None
    nomination_id: int | None = None
    goods_item: str = ""  # a prize in goods, handed out of the unit's stock at issue (AWARD-GOODS)
    goods_unit: str = ""
    goods_quantity: object = None

    def with_goods_of(self, d: "Decision") -> "HonoreeData":
        """This line with the decision's default prize in goods (the bulk paths and the import)."""
        self.goods_item, self.goods_unit = d.default_goods_item, d.default_goods_unit
        self.goods_quantity = d.default_goods_quantity
        return self


def _apply_honoree(h: Honoree, data: HonoreeData) -> None:
    if data.kind not in HONOREE_KINDS:
        raise CommendationError("Đối tượng khen thưởng không hợp lệ.", "kind")
    collective = data.collective or data.kind in COLLECTIVE_KINDS
    ho, dem, ten = name_parts(data.name, collective)
    if not ten:
        raise CommendationError("Vui lòng nhập họ và tên.", "name")
    if len(ho) > 60 or len(dem) > 100 or len(ten) > 200:
        raise CommendationError("Tên dài quá.", "name")
    achievement = clean(data.achievement or "")
    if len(achievement) > 300:
        raise CommendationError("Thành tích dài quá 300 ký tự.", "achievement")
    books.check_amount(data.amount, "amount", allow_zero=True, label="Số tiền thưởng", error=CommendationError)
    h.kind, h.collective, h.ho, h.dem, h.ten = data.kind, collective, ho, dem, ten
    h.name_key = name_sort_key(ho, dem, ten)
    h.search_key = fold(" ".join(p for p in (ho, dem, ten) if p))[:300]
    h.birth_text = clean(data.birth_text or "")[:10]
    h.place = clean(data.place or "")[:200]
    h.achievement, h.achievement_key = achievement, fold(achievement)[:300]
    h.amount, h.note = data.amount, clean(data.note or "")[:200]
    h.goods_item, h.goods_unit, h.goods_quantity = check_goods(data.goods_item, data.goods_unit,
                                                               data.goods_quantity, CommendationError)
    h.pupil_id, h.donor_id, h.member_id = data.pupil_id, data.donor_id, data.member_id
    h.assessment_id, h.nomination_id = data.assessment_id, data.nomination_id


def preview_honoree(data: HonoreeData) -> Honoree:
    """The line `data` would make, checked but not saved (an import's preview); CommendationError if refused."""
    h = Honoree()
    _apply_honoree(h, data)
    return h


def _check_links(d: Decision, h: Honoree, data: HonoreeData) -> None:
    """A newly linked pupil or donor must be a record of the decision's unit, a unit below it, or a
    unit above it (a province's donor who gave to a commune's drive).

    The link is what makes "already commended this year" work across decisions, so it must name
    the real person: the form only carries ids, and an id from another commune is refused.
    """
    from app.members.models import Member  # the member register is a later domain than this one

    for model, attr, label in ((Pupil, "pupil_id", "Học sinh"), (Donor, "donor_id", "Nhà hảo tâm"),
                               (Member, "member_id", "Hội viên")):
        new = getattr(data, attr)
        if new is None or new == getattr(h, attr):
            continue
        record_ = db.session.get(model, new) if isinstance(new, int) and not isinstance(new, bool) else None
        path = record_.unit.path if record_ is not None else None
        if path is None or not (path.startswith(d.unit.path) or d.unit.path.startswith(path)):
            raise CommendationError(f"{label} được chọn không thuộc đơn vị ra quyết định.", "name")


def pupil_place(p) -> str:
    """What the list prints for a pupil: "Lớp 6A1, Trường THCS Lai Vung", else the village."""
    place = ", ".join(x for x in (f"Lớp {p.class_text}" if p.class_text else "",
                                   p.school.name if p.school else "") if x)
    return place or p.village or ""


def add_honoree(d: Decision, data: HonoreeData, *, audit: bool = True) -> Honoree:
    check_draft(d)
    h = Honoree(unit_id=d.unit_id)
    _check_links(d, h, data)
    _apply_honoree(h, data)  # checked before it joins the decision: a refused line is never flushed
    h.decision = d
    db.session.add(h)
    db.session.flush()
    if audit:
        record("create", h, after=h.audit_dict())
    return h


def update_honoree(h: Honoree, data: HonoreeData) -> Honoree:
    check_draft(h.decision)
    _check_links(h.decision, h, data)
    before = h.audit_dict()
    _apply_honoree(h, data)
    record("update", h, before=before, after=h.audit_dict())
    return h


def remove_honoree(h: Honoree) -> None:
    check_draft(h.decision)
    record("delete", h, before=h.audit_dict())
    db.session.delete(h)
    db.session.flush()


def honorees(d: Decision) -> list[Honoree]:
    """The list in Vietnamese order (tên, đệm, họ), grouped by place when the decision asks."""
    rows = list(db.session.scalars(select(Honoree).where(Honoree.decision_id == d.id)
                                   .order_by(Honoree.name_key, Honoree.id)))
    if d.group_by == "place":
        from app.vn.names import word_key

        rows.sort(key=lambda h: word_key(h.place))  # stable: name order kept within a group
    return rows
