"""Reading the register: the filtered member list in Vietnamese order, and "on the roll in year Y"."""
from datetime import date

import re

from sqlalchemy import and_, or_, select

from app.core.authz import scope_filter, scope_unit_ids
from app.core.paging import Page, count_of
from app.extensions import db
from app.reports import cache
from app.units.models import Unit
from app.vn.text import fold

from .models import ACTIVE, DECEASED, LEFT, MEMBER_STATUSES, Member
from .services import phone_key

MIN_YEAR, MAX_YEAR = 1900, 2200


def on_roll(year: int):
    """The SQL condition "a member on 31/12 of `year`": joined by then and not ended by then.

    The counts and the list's ?nam= both use it, so a figure and the list behind it agree."""
    end = date(year, 12, 31)
    return and_(Member.joined_on <= end, or_(Member.ended_on.is_(None), Member.ended_on > end))


def _in_year(column, year: int):
    return column.between(date(year, 1, 1), date(year, 12, 31))


def member_query(root: Unit, *, q: str = "", status: str = ACTIVE, village: str = "", occupation: str = "",
                 joined_in: int | None = None, ended_in: int | None = None, on_roll_in: int | None = None,
                 unit_ids=None):
    """Members of `root` and its subtree, in Vietnamese name order (tên, tên đệm, họ).

    `q` is searched without diacritics on the folded name ("nguyen van an" finds "Nguyễn Văn An");
    digits alone are a member number (up to 8 digits) or a whole phone number ("0912 345 678").
    `status`: "active", "left", "deceased" or "" (all); with `on_roll_in` the status is not applied.
    `unit_ids`: further narrow to these units (a chosen unit's subtree).
    """
    stmt = select(Member).where(scope_filter(Member.unit_id, root))
    if unit_ids is not None:
        stmt = stmt.where(Member.unit_id.in_(unit_ids))
    text = (q or "").strip()
    # Digits alone are a member number (at most 8) or a whole phone number, each found through its
    # index (a number through (unit_id, number) for every unit of the scope), never by a scan.
    if re.fullmatch(r"[0-9]{1,8}", text):
        stmt = stmt.where(Member.unit_id.in_(scope_unit_ids(root)), Member.number == int(text))
    elif re.fullmatch(r"\+?[0-9 .]+", text) and len(phone_key(text)) >= 9:
        stmt = stmt.where(Member.phone_key == phone_key(text))
    elif key := fold(text):
        stmt = stmt.where(Member.search_key.contains(key, autoescape=True))
    if on_roll_in is not None:
        stmt = stmt.where(on_roll(on_roll_in))
    elif status in MEMBER_STATUSES:
        stmt = stmt.where(Member.status == status)
    if village and village.strip():
        stmt = stmt.where(Member.village_key.contains(fold(village), autoescape=True))
    if occupation:
        stmt = stmt.where(Member.occupation == occupation)
    if joined_in is not None:
        stmt = stmt.where(_in_year(Member.joined_on, joined_in))
    if ended_in is not None:
        stmt = stmt.where(_in_year(Member.ended_on, ended_in))
    # name_key then id: exactly the order of ix_member_list, which a province's list walks and stops.
    return stmt.order_by(Member.name_key, Member.id)


def member_count(root: Unit, **filters) -> int:
    """How many members member_query(root, **filters) holds, kept in the reports cache: counting a
    province's 300,000 members read the whole index on every page. The entry is keyed on root's data
    version (app.reports.cache), which every member written under root bumps (Member is counted)."""
    # q and village are searched folded: their folded text is the key; the other filters compare
    # exactly (?nghe=Veteran finds nobody, ?nghe=veteran a twelfth of the province), so as typed.
    key = tuple(sorted((k, fold(v) if k in ("q", "village") else repr(v)) for k, v in filters.items()))
    return cache.cached("members.count", root.id, key,
                        lambda: count_of(member_query(root, **filters).with_only_columns(Member.id)))


def member_page(root: Unit, page: int = 1, per_page: int = 50, **filters) -> Page:
    """One page of member_query(): the page's ids (from ix_member_list), the count (cached), then
    only those rows."""
    stmt = member_query(root, **filters)
    ids = list(db.session.scalars(stmt.with_only_columns(Member.id).limit(per_page).offset((page - 1) * per_page)))
    total = member_count(root, **filters)
    rows = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))} if ids else {}
    return Page([rows[i] for i in ids if i in rows], page, per_page, total)


# The list's ?trang_thai= words and the statuses they mean.
STATUS_ARGS = {"dang": ACTIVE, "ra": LEFT, "mat": DECEASED, "tat-ca": ""}
STATUS_ARG_LABELS = {"dang": "Đang sinh hoạt", "ra": "Đã ra khỏi hội", "mat": "Đã từ trần", "tat-ca": "Tất cả"}


def year_arg(value) -> int | None:
    """A year typed into a URL (?nam=2025), or None when it is not a sensible year."""
    value = (value or "").strip()
    if value.isdigit() and len(value) == 4 and MIN_YEAR <= int(value) <= MAX_YEAR:
        return int(value)
    return None


__all__ = ["member_query", "member_page", "member_count", "on_roll", "STATUS_ARGS", "STATUS_ARG_LABELS", "year_arg"]
