"""Who may do what, and where: the single check every view goes through.

Roles give actions; units give scope. A user acts on their own unit and every
unit below it. Anything outside that scope is answered 404, not 403, so a
stranger cannot even learn that a record exists.
"""
from flask import abort, g, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import func, select, true

from app.extensions import db

# Core names no domain: the unit tree is read through its table (app.units.models owns the model),
# looked up when asked, after every domain's models are loaded.
UNIT_TABLE = "unit"


def _unit_table():
    return db.metadata.tables[UNIT_TABLE]

ROLE_LABELS = {
    "admin": "Quản trị",
    "treasurer": "Thủ quỹ / kế toán",
    "clerk": "Cán bộ nhập liệu",
    "viewer": "Ban kiểm tra (chỉ xem)",
}

# Action -> roles allowed. Later domains add their actions here.
PERMISSIONS: dict[str, set[str]] = {
    "view": {"admin", "treasurer", "clerk", "viewer"},
    "audit.view": {"admin", "viewer"},
    "unit.manage": {"admin"},
    "unit.merge": {"admin"},  # merge or rename units: an admin of the unit above them (app.units.merging)
    "user.manage": {"admin"},
    "data.write": {"admin", "treasurer", "clerk"},
    "money.write": {"treasurer"},  # payments out, transfers, voiding ledger entries
    "campaign.manage": {"admin", "treasurer"},
    "donation.write": {"treasurer", "clerk"},
    "donation.void": {"treasurer"},
    "goods.write": {"treasurer"},  # hand goods out of stock (xuất hiện vật) and void such hand-outs
    "piggybank.write": {"treasurer", "clerk"},
    "pupil.write": {"admin", "treasurer", "clerk"},
    "scholarship.manage": {"admin", "treasurer"},  # rounds, categories, budgets
    "nomination.write": {"admin", "treasurer", "clerk"},
    "nomination.decide": {"admin"},  # the standing committee's approval, entered by an admin
    "scholarship.pay": {"treasurer"},
    "commendation.write": {"admin", "treasurer", "clerk"},  # drafts, honorees, assessments
    "commendation.issue": {"admin"},  # freeze a decision: register numbers, prize payments
    "commendation.pay": {"treasurer"},  # reverse a prize payment (hoàn chi) and pay it again
    "criteria.manage": {"admin"},
    "disclosure.publish": {"admin"},  # put a year's report on the public page, or take it off
    "backup.download": {"admin"},  # and only an admin whose scope is the whole database (app.backups.access)
    "books.close": {"admin", "treasurer"},  # close a month or a year of the books (khóa sổ)
    "books.reopen": {"admin"},  # reopen a closed period, with a reason
    "bank.manage": {"admin", "treasurer"},  # a unit's bank accounts and their live-feed key
    "bank.import": {"treasurer"},  # statements in, bank lines confirmed into gifts or linked to the book
    "member.write": {"admin", "treasurer", "clerk"},  # the register of members, its imports and cards
    "dues.manage": {"admin", "treasurer"},  # whether and how much dues a unit collects, into which fund
    "dues.collect": {"treasurer", "clerk"},  # a batch of dues from a chi hội's paper list (one phiếu thu)
    "dues.void": {"treasurer"},  # void a batch (reverses its phiếu thu) or a passing-up transfer
    "dues.remit": {"treasurer"},  # pass the unit's share of dues up to the unit above (a fund transfer)
}


# The roles as people, for sentences such as "Thủ quỹ / kế toán hoặc cán bộ nhập liệu ghi nhận quyên góp."
ROLE_PEOPLE = {
    "admin": "quản trị viên",
    "treasurer": "thủ quỹ / kế toán",
    "clerk": "cán bộ nhập liệu",
    "viewer": "ban kiểm tra",
}


def roles_can(roles, action: str) -> bool:
    """True when any of the roles has the action: a user holding several roles gets each one's rights."""
    allowed = PERMISSIONS.get(action, set())
    return any(r in allowed for r in roles)


def user_roles(user) -> list[str]:
    return list(getattr(user, "roles", None) or ())


def roles_for(action: str) -> list[str]:
    """The roles that have the action, in ROLE_LABELS' order."""
    allowed = PERMISSIONS.get(action, set())
    return [r for r in ROLE_LABELS if r in allowed]


def who_can(action: str) -> str:
    """ "Thủ quỹ / kế toán hoặc cán bộ nhập liệu": the people who may take the action, as a sentence's subject."""
    people = [ROLE_PEOPLE[r] for r in roles_for(action)]
    if not people:
        return ""
    text = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " hoặc " + people[-1]
    return text[0].upper() + text[1:]


def in_scope(user, unit) -> bool:
    """True when `unit` is the user's unit or lies below it."""
    if unit is None or user.unit is None:
        return False
    return unit.path.startswith(user.unit.path)


def scope_unit_ids(root):
    """A subquery of the ids of `root` and every unit below it.

    Filter lists with `Model.unit_id.in_(scope_unit_ids(root))` rather than a join on
    Unit.path: the database then walks the (unit_id, ...) index of each unit instead
    of scanning the whole table (15x faster on 200,000 donations).
    """
    unit = _unit_table()
    return select(unit.c.id).where(unit.c.path.startswith(root.path)).scalar_subquery()


def covers_all_units(root) -> bool:
    """True when `root` is the only top unit, so its scope is every unit in the database."""
    if root.parent_id is not None:
        return False
    # Asked by several parts of one page (the reports' facts, the panels): one count per request.
    # A request that adds a top unit writes before it reads any scope, so the answer cannot go stale.
    if has_app_context() and "top_units" in g:
        return g.top_units == 1
    unit = _unit_table()
    count = db.session.scalar(select(func.count()).select_from(unit).where(unit.c.parent_id.is_(None)))
    if has_app_context():
        g.top_units = count
    return count == 1


def scope_filter(unit_id_column, root):
    """`unit_id_column IN scope_unit_ids(root)`, or no condition at all when root's scope is the whole
    database: a province-wide list then walks its sort index (newest first) and stops after one page,
    instead of gathering every row of every unit and sorting them (10x on 200,000 donations)."""
    return true() if covers_all_units(root) else unit_id_column.in_(scope_unit_ids(root))


def unit_of(obj):
    """The unit an object belongs to: itself for a unit, else its `unit`."""
    if obj is None or getattr(obj, "__tablename__", None) == UNIT_TABLE:
        return obj
    return getattr(obj, "unit", None)


def can(user, action: str, obj=None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.active:
        return False
    if not roles_can(user_roles(user), action):
        return False
    return obj is None or in_scope(user, unit_of(obj))


def authorize(action: str, obj=None, user=None):
    """Abort with 404 when obj is out of scope, 403 when the role lacks the action."""
    user = user or current_user
    if obj is not None and not in_scope(user, unit_of(obj)):
        abort(404)
    if not roles_can(user_roles(user), action):
        if has_request_context():
            g.refused_action = action  # the 403 page says who may (app.core.errors)
        abort(403)
    return obj


# Ids are INTEGER columns, 32-bit on PostgreSQL: a larger number typed into a URL or a form names
# no record, and sent to the database it would fail (PostgreSQL: "integer out of range" past
# 2^31 - 1; SQLite cannot bind past 2^63 - 1) instead of simply finding nothing.
MAX_ID = 2**31 - 1


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def get_or_404(model, ident, action: str = "view"):
    """Load a record by id and check the action on it in one step."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not is_id(ident):
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return authorize(action, obj)
