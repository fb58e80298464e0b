"""Reading pupils: the searchable, filterable list, and sponsorships (đỡ đầu)."""
from datetime import date

from sqlalchemy import select

from app.audit.services import record
from app.core import books
from app.core.authz import scope_filter
from app.core.paging import Page, count_of, paginate_ids
from app.extensions import db
from app.reports import cache
from app.units.models import Unit
from app.vn.names import word_key
from app.vn.text import clean, fold

from .models import CIRCUMSTANCES, PERIODS, SPONSOR_KINDS, Pupil, Sponsorship
from .services import PupilError


def pupil_query(root: Unit, *, q: str = "", school_id: int | None = None, grade: int | None = None,
                village: str = "", circumstance: str = ""):
    """Pupils under `root` (merged duplicates left out), in Vietnamese name order.

    The name is searched on the stored folded key, so "nguyen thi dao" finds "Nguyễn Thị Đào";
    a query of one word that is the start of the key uses the index as a prefix match.
    """
    stmt = select(Pupil).where(Pupil.merged_into_id.is_(None), scope_filter(Pupil.unit_id, root))
    key = fold(q)
    if key:
        stmt = stmt.where(Pupil.search_key.contains(key, autoescape=True))
    if school_id:
        stmt = stmt.where(Pupil.school_id == school_id)
    if grade:
        stmt = stmt.where(Pupil.grade == grade)
    if village.strip():
        stmt = stmt.where(Pupil.village_key.contains(fold(village), autoescape=True))
    if circumstance in CIRCUMSTANCES:
        stmt = stmt.where(getattr(Pupil, circumstance).is_(True))
    return stmt.order_by(Pupil.name_key, Pupil.id)


# Filters compared as typed (exact); the others are searched folded, so their folded text is the key.
_FOLDED = ("q", "village")


def filters_key(filters: dict) -> tuple:
    """A cache key part for list filters: what the query really compares, so that two spellings that
    find the same rows share an entry and two that do not never do."""
    return tuple(sorted((k, fold(v) if k in _FOLDED else repr(v)) for k, v in filters.items()))


def pupil_count(root: Unit, **filters) -> int:
    """How many pupils pupil_query(root, **filters) holds, kept in the reports cache: a province's
    search counted its 30,000 pupils' folded names on every keystroke. The entry is keyed on root's
    data version (app.reports.cache), which every pupil written under root bumps (Pupil is counted)."""
    return cache.cached("pupils.count", root.id, filters_key(filters),
                        lambda: count_of(pupil_query(root, **filters).with_only_columns(Pupil.id)))


def pupil_page(root: Unit, page: int = 1, per_page: int = 50, **filters) -> Page:
    """One page of pupil_query(): the page's ids from the covering index, the count (cached), then
    only those rows."""
    return paginate_ids(pupil_query(root, **filters), Pupil, page, per_page, total=pupil_count(root, **filters))


def villages(root: Unit) -> list[str]:
    rows = db.session.scalars(select(Pupil.village).distinct().join(Pupil.unit)
                              .where(Unit.path.startswith(root.path), Pupil.village != "")).all()

    return sorted(set(rows), key=word_key)


# ---- sponsorships ------------------------------------------------------------------------------

def sponsorship_values(sponsor_name: str, sponsor_kind: str, start_date: date, end_date: date | None,
                       amount: int, period: str, note: str = "") -> dict:
    """Checked values of a sponsorship (shared by adding and correcting one)."""
    sponsor_name = clean(sponsor_name or "")
    if not sponsor_name:
        raise PupilError("Vui lòng nhập tên người đỡ đầu.", "sponsor_name")
    if len(sponsor_name) > 200:
        raise PupilError("Tên người đỡ đầu dài quá 200 ký tự.", "sponsor_name")
    if sponsor_kind not in SPONSOR_KINDS:
        raise PupilError("Vui lòng chọn loại người đỡ đầu.", "sponsor_kind")
    if period not in PERIODS:
        raise PupilError("Vui lòng chọn kỳ hỗ trợ.", "period")
    if end_date and end_date < start_date:
        raise PupilError("Ngày kết thúc phải sau ngày bắt đầu.", "end_date")
    books.check_amount(amount, "amount", allow_zero=True, error=PupilError)  # at most MAX_AMOUNT
    return {"sponsor_name": sponsor_name, "sponsor_kind": sponsor_kind, "start_date": start_date,
            "end_date": end_date, "amount": amount, "period": period, "note": clean(note or "")[:300]}


def add_sponsorship(pupil: Pupil, sponsor_name: str, sponsor_kind: str, start_date: date,
                    end_date: date | None, amount: int, period: str, note: str = "") -> Sponsorship:
    """Đỡ đầu: who supports the pupil, from when to when, how much per month or per year."""
    values = sponsorship_values(sponsor_name, sponsor_kind, start_date, end_date, amount, period, note)
    item = Sponsorship(unit_id=pupil.unit_id, pupil=pupil, **values)
    db.session.add(item)
    db.session.flush()
    record("create", item, after=item.audit_dict())
    return item


def sponsorships_of(pupil: Pupil) -> list[Sponsorship]:
    return list(db.session.scalars(select(Sponsorship).where(Sponsorship.pupil_id == pupil.id)
                                   .order_by(Sponsorship.start_date.desc())))


def sponsored_pupil_ids(root: Unit, day: date) -> dict[int, list[str]]:
    """{pupil id: [sponsor names]} for sponsorships under `root` running on `day`."""
    rows = db.session.execute(
        select(Sponsorship.pupil_id, Sponsorship.sponsor_name).join(Sponsorship.unit)
        .where(Unit.path.startswith(root.path), Sponsorship.start_date <= day,
               (Sponsorship.end_date.is_(None)) | (Sponsorship.end_date >= day))).all()
    out: dict[int, list[str]] = {}
    for pid, name in rows:
        out.setdefault(pid, []).append(name)
    return out
