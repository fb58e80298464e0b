"""Reading pupils: the searchable, filterable list, and sponsorships (đỡ đầu)."""
from datetime import date

from sqlalchemy import func, select

from app.audit.services import record
from app.extensions import db
from app.units.models import Unit
from app.vn.text import clean, fold

from .models import CIRCUMSTANCES, PERIODS, SPONSOR_KINDS, Pupil, Sponsorship
from .services import PupilError


def pupil_query(root: Unit, *, q: str = "", school_id: int | None = None, grade: int | None = None,
                village: str = "", circumstance: str = ""):
    """Pupils under `root` (merged duplicates left out), in Vietnamese name order.

    The name is searched on the stored folded key, so "nguyen thi dao" finds "Nguyễn Thị Đào";
    a query of one word that is the start of the key uses the index as a prefix match.
    """
    stmt = select(Pupil).where(Pupil.merged_into_id.is_(None))
    if root.parent_id is not None:  # the root unit sees everything: no join needed
        stmt = stmt.where(Pupil.unit_id.in_(select(Unit.id).where(Unit.path.startswith(root.path))))
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


class Page:
    """What the pager macro needs, for a list fetched as ids first (see pupil_page)."""

    def __init__(self, items, page, per_page, total):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, -(-total // per_page))
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


def pupil_page(root: Unit, page: int = 1, per_page: int = 50, **filters) -> Page:
    """One page of pupil_query(): ids and count from the covering index, then only those rows."""
    stmt = pupil_query(root, **filters)
    # One pass over the index gives both the page and the total (window count over the matches).
    found = db.session.execute(stmt.with_only_columns(Pupil.id, func.count().over())
                               .limit(per_page).offset((page - 1) * per_page)).all()
    ids = [row[0] for row in found]
    if found:
        total = found[0][1]
    else:
        total = db.session.scalar(select(func.count()).select_from(
            stmt.with_only_columns(Pupil.id).order_by(None).subquery()))
    rows = {p.id: p for p in db.session.scalars(select(Pupil).where(Pupil.id.in_(ids)))} if ids else {}
    return Page([rows[i] for i in ids], page, per_page, total)


def villages(root: Unit) -> list[str]:
    rows = db.session.scalars(select(Pupil.village).distinct().join(Pupil.unit)
                              .where(Unit.path.startswith(root.path), Pupil.village != "")).all()
    from app.vn.names import word_key

    return sorted(set(rows), key=word_key)


# ---- sponsorships ------------------------------------------------------------------------------

def add_sponsorship(pupil: Pupil, sponsor_name: str, sponsor_kind: str, start_date: date,
                    end_date: date | None, amount: int, period: str, note: str = "") -> Sponsorship:
    """Đỡ đầu: who supports the pupil, from when to when, how much per month or per year."""
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
    if not isinstance(amount, int) or amount < 0:
        raise PupilError("Số tiền không hợp lệ.", "amount")
    item = Sponsorship(unit_id=pupil.unit_id, pupil=pupil, sponsor_name=sponsor_name, sponsor_kind=sponsor_kind,
                       start_date=start_date, end_date=end_date, amount=amount, period=period,
                       note=clean(note or "")[:300])
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
