"""Read-only questions about decisions: warnings on a list, totals, the scoped list of decisions."""
from sqlalchemy import func, select

from app.extensions import db
from app.units.models import Unit

from .models import Decision, Honoree


def warnings_for(d: Decision, rows: list[Honoree]) -> dict[int, list[str]]:
    """{honoree id: [warning]}: already commended for the same achievement this year, near-duplicate names."""
    out: dict[int, list[str]] = {}
    by_name: dict[str, list[Honoree]] = {}
    for h in rows:
        by_name.setdefault(h.search_key, []).append(h)
    for same in by_name.values():
        if len(same) > 1:
            for h in same:
                out.setdefault(h.id, []).append(f"Trùng tên với {len(same) - 1} người khác trong danh sách.")
    keys = {h.search_key for h in rows}
    if not keys:
        return out
    earlier = db.session.execute(
        select(Honoree.search_key, Honoree.achievement_key, Honoree.pupil_id, Decision.number)
        .join(Honoree.decision)
        .where(Decision.unit_id == d.unit_id, Decision.year == d.year, Decision.id != d.id,
               Honoree.search_key.in_(keys))).all()
    for h in rows:
        for key, ach, pupil_id, number in earlier:
            same_person = key == h.search_key and (h.pupil_id is None or pupil_id in (None, h.pupil_id))
            if same_person and ach == h.achievement_key:
                out.setdefault(h.id, []).append(
                    f"Đã được khen cùng thành tích trong năm {d.year} (Quyết định số {number}).")
    return out


def totals(d: Decision) -> tuple[int, int]:
    """(number of honorees, total prize money)."""
    count, total = db.session.execute(select(func.count(Honoree.id), func.coalesce(func.sum(Honoree.amount), 0))
                                      .where(Honoree.decision_id == d.id)).one()
    return int(count), int(total)


def decisions_in_scope(root: Unit, q: str = "", status: str = ""):
    stmt = select(Decision).join(Decision.unit).where(Unit.path.startswith(root.path))
    if status:
        stmt = stmt.where(Decision.status == status)
    if q.strip():
        stmt = stmt.where(func.lower(Decision.number).contains(q.strip().lower()))
    return stmt.order_by(Decision.decision_date.desc(), Decision.id.desc())
