"""The rules for accounts: creation, role and unit changes, passwords, deactivation."""
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.passwords import password_problem
from app.core.authz import ROLE_LABELS
from app.core.clock import utcnow
from app.core.refusal import Refusal
from app.extensions import db
from app.units.models import Unit
from app.vn.names import name_sort_key, split_name
from app.vn.text import clean, fold

from .models import User, UserRole, ordered_roles


class UserError(Refusal):
    """A refused change; the message is shown beside its field."""


def _set_name(user: User, full_name: str) -> None:
    user.full_name = clean(full_name)
    ho, dem, ten = split_name(user.full_name)
    user.name_key = name_sort_key(ho, dem, ten)
    user.search_key = fold(user.full_name)


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem, "password")


def _roles(role: str | None, roles) -> list[str]:
    """The roles asked for (`role` alone is the one-role form), checked and in ROLE_LABELS' order."""
    asked = list(roles or ()) or ([role] if role else [])
    if not asked:
        raise UserError("Vui lòng chọn ít nhất một vai trò.", "roles")
    if any(r not in ROLE_LABELS for r in asked):
        raise UserError("Vai trò không hợp lệ.", "roles")
    return ordered_roles(asked)


def create_user(*, username: str, full_name: str, unit: Unit, password: str, role: str | None = None,
                roles=None, phone: str = "", must_change_password: bool = True) -> User:
    username = (username or "").strip().lower()
    roles = _roles(role, roles)
    if not unit.active:
        raise UserError("Đơn vị này đã ngừng hoạt động.", "unit_id")
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise UserError("Tên đăng nhập đã có người dùng.", "username")
    _check_password(password, username)
    user = User(username=username, unit=unit, roles=roles, phone=clean(phone or ""),
                must_change_password=must_change_password)
    _set_name(user, full_name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record("create", user, after=user.audit_dict())
    return user


def update_user(user: User, *, actor: User, full_name: str, unit: Unit, role: str | None = None, roles=None,
                phone: str = "") -> User:
    roles = _roles(role, roles)
    if user.id == actor.id and (roles != user.roles or unit.id != user.unit_id):
        raise UserError("Bạn không thể tự đổi vai trò hoặc đơn vị của chính mình.", "roles")
    if not unit.active and unit.id != user.unit_id:
        raise UserError("Đơn vị này đã ngừng hoạt động.", "unit_id")
    before = user.audit_dict()
    _set_name(user, full_name)
    user.phone = clean(phone or "")
    if roles != user.roles or unit.id != user.unit_id:
        user.session_version += 1  # new rights: sign in again
    user.roles, user.unit = roles, unit
    record("update", user, before=before, after=user.audit_dict())
    return user


def reset_password(user: User, password: str) -> User:
    """An admin sets a one-time password; the user must choose their own at next login."""
    _check_password(password, user.username)
    user.set_password(password)
    user.must_change_password = True
    user.session_version += 1
    record("reset_password", user)
    return user


def change_own_password(user: User, current: str, new: str) -> User:
    if not user.check_password(current):
        raise UserError("Mật khẩu hiện tại không đúng.", "current")
    if current == new:
        raise UserError("Mật khẩu mới phải khác mật khẩu hiện tại.", "password")
    _check_password(new, user.username)
    user.set_password(new)
    user.must_change_password = False
    user.session_version += 1  # every other session of this user ends
    record("change_password", user)
    return user


def set_active(user: User, active: bool, actor: User) -> User:
    if user.id == actor.id:
        raise UserError("Bạn không thể tự khóa tài khoản của mình.")
    if user.active == active:
        return user
    before = user.audit_dict()
    user.active = active
    user.session_version += 1
    record("activate" if active else "deactivate", user, before=before, after=user.audit_dict())
    return user


def note_login(user: User) -> None:
    user.last_login_at = utcnow()
    record("login", user, user=user)


def note_failed_login(username: str, user: User | None) -> None:
    # Never the password: only who was tried.
    record("login_failed", user, object_type="user_account", username=(username or "")[:60],
           unit_id=user.unit_id if user else None, user=None)


def users_in_scope(root: Unit, *, q: str = "", role: str = "", include_inactive: bool = False):
    stmt = select(User).join(User.unit).where(Unit.path.startswith(root.path))
    if q.strip():
        stmt = stmt.where(User.search_key.contains(fold(q), autoescape=True))  # "%", "_" are no wildcards
    if role:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return stmt.order_by(User.name_key, User.id)
