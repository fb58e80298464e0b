"""Users: one person, one unit, one or more roles.

The roles live in `user_role` (one row per user and role), the only place they are stored:
a chair of a small commune may also keep its books. `User.role` remains as a read-only
"primary" role (the highest in ROLE_LABELS' order) for display and sorting; every check asks
`has_role()` or app.core.authz.can(), which grant when any role allows.
"""
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.authz import ROLE_LABELS
from app.core.clock import utcnow
from app.extensions import db
from app.units.models import Unit


def ordered_roles(roles) -> list[str]:
    """Known roles once each, in ROLE_LABELS' order (admin first); unknown names dropped."""
    wanted = set(roles or ())
    return [r for r in ROLE_LABELS if r in wanted]


class UserRole(db.Model):
    __tablename__ = "user_role"
    __owner__ = "user"  # app.core.owners: changed with its user, in the user's unit

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __not_counted__ = "accounts: no figure reads them"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(255), index=True)
    search_key: Mapped[str] = mapped_column(String(120), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Part of the login id: bumping it ends every session that user has open,
    # so a copied cookie stops working after logout, password change or deactivation.
    session_version: Mapped[int] = mapped_column(default=1)
    phone: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(lazy="joined")
    # Loaded with the user (one small query per list of users; the logged-in user joins them).
    role_rows: Mapped[list[UserRole]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                     passive_deletes=True)

    def __init__(self, *, roles=(), role: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.roles = list(roles) or ([role] if role else [])

    @property
    def roles(self) -> list[str]:
        return ordered_roles(r.role for r in self.role_rows)

    @roles.setter
    def roles(self, values) -> None:
        # Keep the rows that stay, so an unchanged role is not deleted and inserted again.
        wanted = set(values or ())
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=r) for r in ordered_roles(wanted - {r.role for r in self.role_rows})]

    @property
    def role(self) -> str:
        """The primary role, for display and sorting only: never decide a right with it."""
        roles = self.roles
        return roles[0] if roles else ""

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[r] for r in self.roles]

    def has_role(self, *names: str) -> bool:
        return any(r.role in names for r in self.role_rows)

    def set_password(self, password: str) -> None:
        # Werkzeug's default (scrypt) in production; the test suite may pick a cheaper method.
        method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
        self.password_hash = generate_password_hash(password, method=method or "scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def audit_dict(self) -> dict:
        return {
            "username": self.username, "full_name": self.full_name, "unit_id": self.unit_id,
            "roles": self.roles, "active": self.active,
        }
