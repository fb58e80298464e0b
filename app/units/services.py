"""The rules for the unit tree: create, rename, move, deactivate."""
from sqlalchemy import func, select, update

from app.audit.services import record
from app.core.refusal import Refusal
from app.extensions import db
from app.users.models import User
from app.vn.names import word_key
from app.vn.text import clean, fold

from .models import UNIT_KINDS, Unit


class UnitError(Refusal):
    """A refused change, with a Vietnamese message for the user and the field it concerns."""



def _set_path(unit: Unit) -> None:
    parent = unit.parent
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0


def _check_name(parent: Unit | None, name: str, exclude_id: int | None = None) -> str:
    name = clean(name)
    if not name:
        raise UnitError("Vui lòng nhập tên đơn vị.", "name")
    same_parent = Unit.parent_id.is_(None) if parent is None else Unit.parent_id == parent.id
    stmt = select(func.count()).select_from(Unit).where(same_parent, Unit.search_key == fold(name))
    if exclude_id:
        stmt = stmt.where(Unit.id != exclude_id)
    if db.session.scalar(stmt):
        raise UnitError("Đã có đơn vị cùng tên trong cùng đơn vị cấp trên.", "name")
    return name


def create_unit(parent: Unit | None, name: str, kind: str, address: str = "") -> Unit:
    if kind not in UNIT_KINDS:
        raise UnitError("Loại đơn vị không hợp lệ.", "kind")
    if parent is not None and not parent.active:
        raise UnitError("Đơn vị cấp trên đã ngừng hoạt động.", "parent_id")
    name = _check_name(parent, name)
    unit = Unit(parent=parent, name=name, search_key=fold(name), kind=kind, address=clean(address or ""))
    db.session.add(unit)
    db.session.flush()  # the id is part of the path
    _set_path(unit)
    record("create", unit, after=unit.audit_dict())
    return unit


def update_unit(unit: Unit, name: str, kind: str, address: str = "") -> Unit:
    if kind not in UNIT_KINDS:
        raise UnitError("Loại đơn vị không hợp lệ.", "kind")
    before = unit.audit_dict()
    unit.name = _check_name(unit.parent, name, exclude_id=unit.id)
    unit.search_key = fold(unit.name)
    unit.kind = kind
    unit.address = clean(address or "")
    record("update", unit, before=before, after=unit.audit_dict())
    return unit


def move_unit(unit: Unit, new_parent: Unit) -> Unit:
    """Re-hang a unit (and its whole subtree) under another parent; history stays with it."""
    if new_parent.id == unit.id or new_parent.is_under(unit):
        raise UnitError("Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.", "parent_id")
    if not new_parent.active:
        raise UnitError("Đơn vị cấp trên mới đã ngừng hoạt động.", "parent_id")
    _check_name(new_parent, unit.name, exclude_id=unit.id)
    before = unit.audit_dict()
    old_path, old_depth = unit.path, unit.depth
    unit.parent = new_parent
    _set_path(unit)
    shift = unit.depth - old_depth
    # Rewrite the subtree's paths in one statement: children keep their ids, only the prefix moves.
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_path), Unit.id != unit.id)
        .values(path=func.replace(Unit.path, old_path, unit.path), depth=Unit.depth + shift)
        .execution_options(synchronize_session=False)
    )
    record("move", unit, before=before, after=unit.audit_dict())
    db.session.flush()
    db.session.expire_all()
    return unit


def set_active(unit: Unit, active: bool) -> Unit:
    if unit.active == active:
        return unit
    if not active:
        has_active_child = db.session.scalar(
            select(func.count()).select_from(Unit).where(Unit.parent_id == unit.id, Unit.active.is_(True)))
        if has_active_child:
            raise UnitError("Còn đơn vị cấp dưới đang hoạt động. Hãy ngừng hoạt động các đơn vị đó trước.")
    elif unit.parent is not None and not unit.parent.active:
        raise UnitError("Đơn vị cấp trên đang ngừng hoạt động.")
    before = unit.audit_dict()
    unit.active = active
    record("activate" if active else "deactivate", unit, before=before, after=unit.audit_dict())
    return unit


def subtree(root: Unit, include_inactive: bool = True, levels: int | None = None) -> list[Unit]:
    """The unit and everything under it (``levels`` below it at most), in tree order (parents
    before children, names in order)."""
    stmt = select(Unit).where(Unit.path.startswith(root.path))
    if not include_inactive:
        stmt = stmt.where(Unit.active.is_(True))
    if levels is not None:
        stmt = stmt.where(Unit.depth <= root.depth + levels)
    units = list(db.session.scalars(stmt))
    by_parent: dict[int | None, list[Unit]] = {}
    for u in units:
        by_parent.setdefault(u.parent_id, []).append(u)
    for kids in by_parent.values():
        kids.sort(key=lambda u: word_key(u.name))
    ordered: list[Unit] = []

    def walk(u: Unit):
        ordered.append(u)
        for child in by_parent.get(u.id, []):
            walk(child)

    walk(root)
    return ordered


def active_user_counts() -> dict[int, int]:
    """Active accounts per unit id (the unit list's column)."""
    return dict(db.session.execute(
        select(User.unit_id, func.count()).where(User.active.is_(True)).group_by(User.unit_id)).all())


def users_of(unit: Unit) -> list:
    """The unit's own accounts (not those below it), in Vietnamese name order."""
    return db.session.scalars(select(User).where(User.unit_id == unit.id).order_by(User.name_key)).all()


def scope_choices(root: Unit, active_only: bool = True, levels: int | None = None) -> list[tuple[int, str]]:
    """(id, indented name) for select boxes: the tree under `root` (``levels`` deep at most)."""
    return [(u.id, "\u2003" * (u.depth - root.depth) + u.name)
            for u in subtree(root, include_inactive=not active_only, levels=levels)]
