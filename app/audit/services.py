"""Writing and reading the audit log.

Services call `record()` inside the same transaction as the change itself, so
a change and its log entry are committed together or not at all.
"""
from flask import g, has_request_context, request
from sqlalchemy import insert, or_, select, true

from app.core.actor import actor as current_actor
from app.core.authz import covers_all_units, scope_unit_ids
from app.core.clock import utcnow
from app.extensions import db
from app.vn.text import fold

from .labels import register_labels  # noqa: F401  (domains call it as app.audit.services.register_labels)
from .models import AuditEntry
from .refusals import log, refusal_log



def record(action: str, obj=None, *, before=None, after=None, unit_id=None,
           object_type=None, user=None, username=None) -> AuditEntry:
    """Add an audit entry to the current session (the caller commits)."""
    actor = user or current_actor()
    if unit_id is None and obj is not None:
        unit_id = getattr(obj, "unit_id", None) or (obj.id if obj.__tablename__ == "unit" else None)
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        username=username if username is not None else (actor.username if actor else ""),
        unit_id=unit_id,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=getattr(obj, "id", None),
        action=action,
        before=before,
        after=after,
        request_id=getattr(g, "request_id", "") if has_request_context() else "",
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


def record_many(action: str, object_type: str, items: list[tuple]) -> None:
    """Bulk form of record(): items are (object_id, unit_id, after) or (object_id, unit_id, after, before)
    rows, inserted in one statement.

    Used by bulk imports, which must leave exactly the trail that one-by-one entry leaves.
    """
    if not items:
        return
    actor = current_actor()
    common = {
        "user_id": actor.id if actor else None,
        "username": actor.username if actor else "",
        "object_type": object_type,
        "action": action,
        "request_id": getattr(g, "request_id", "") if has_request_context() else "",
        "ip": (request.remote_addr or "")[:45] if has_request_context() else "",
    }
    now = utcnow()
    db.session.execute(insert(AuditEntry), [
        {**common, "at": now, "object_id": item[0], "unit_id": item[1], "after": item[2],
         "before": item[3] if len(item) > 3 else None}
        for item in items])


def record_refusal(code: int, method: str, path: str) -> None:
    """Note a refused request without ever failing or slowing the refusal (app.audit.refusals).

    The request's own work is abandoned. Anonymous refusals go to the Python logger only; a
    signed-in user's are audited, one row per user and path a minute, written without waiting for
    the write lock (queued when it is busy).
    """
    try:
        db.session.rollback()
        actor = current_actor()
        refusals = refusal_log()
        if actor is None:
            refusals.anonymous(code, method, path, request.remote_addr or "")
            return
        refusals.user(actor, code, method, path)
        refusals.flush()
    except Exception:  # a refusal record is bookkeeping: the refusal itself must still be answered
        log.exception("could not note a refused request (%s %s: %s)", method, path[:300], code)


def scoped_query(user, *, action: str = "", username: str = "", object_type: str = ""):
    """Entries about the user's unit and below; root users also see entries with no unit."""
    cond = AuditEntry.unit_id.in_(scope_unit_ids(user.unit))
    if covers_all_units(user.unit):  # the whole log: walk it newest first, no per-unit merge
        cond = true()
    elif user.unit.parent_id is None:
        cond = or_(cond, AuditEntry.unit_id.is_(None))
    stmt = select(AuditEntry).where(cond)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if username:
        stmt = stmt.where(AuditEntry.username.contains(fold(username).replace(" ", ""), autoescape=True))
    return stmt.order_by(AuditEntry.id.desc())

