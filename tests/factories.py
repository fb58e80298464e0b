"""Test data built through the same services the app uses, with sensible defaults."""
import itertools

from app.extensions import db
from app.units.services import create_unit
from app.users.services import create_user

PASSWORD = "Khuyen-hoc-2026"
_seq = itertools.count(1)

GIVEN = ["An", "Bình", "Châu", "Dũng", "Đào", "Giang", "Hà", "Hưng", "Khánh", "Lan", "Minh", "Ngọc",
         "Phúc", "Quỳnh", "Sơn", "Tâm", "Thảo", "Uyên", "Vy", "Yến"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ"]


def person_name(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return f"{FAMILY[n % len(FAMILY)]} Thị {GIVEN[n % len(GIVEN)]}"


def make_unit(parent=None, name: str | None = None, kind: str | None = None, commit: bool = True):
    n = next(_seq)
    if kind is None:
        kind = "province" if parent is None else ("commune" if parent.parent is None else "village")
    unit = create_unit(parent, name or f"Đơn vị thử {n}", kind)
    if commit:
        db.session.commit()
    return unit


def make_user(unit, role: str = "clerk", username: str | None = None, password: str = PASSWORD,
              full_name: str | None = None, must_change_password: bool = False, commit: bool = True,
              roles=None):
    """A user with one role (`role`) or several (`roles=["admin", "treasurer"]`)."""
    n = next(_seq)
    roles = list(roles or [role])
    user = create_user(username=username or f"{'_'.join(roles)}{n}", full_name=full_name or person_name(n),
                       unit=unit, roles=roles, password=password, must_change_password=must_change_password)
    if commit:
        db.session.commit()
    return user


class World:
    """A province with two communes, each with branches, and one user per role in commune A."""

    def __init__(self):
        self.province = make_unit(None, "Hội Khuyến học tỉnh Thử Nghiệm", "province")
        self.commune = make_unit(self.province, "Hội Khuyến học xã Tân Phú", "commune")
        self.other_commune = make_unit(self.province, "Hội Khuyến học xã Hòa An", "commune")
        self.branch = make_unit(self.commune, "Chi hội ấp Tân Lộc", "village")
        self.other_branch = make_unit(self.other_commune, "Chi hội ấp Mỹ Hòa", "village")
        self.users = {role: make_user(self.commune, role, username=f"{role}_a")
                      for role in ("admin", "treasurer", "clerk", "viewer")}
        self.branch_user = make_user(self.branch, "clerk", username="clerk_branch")
        self.other_user = make_user(self.other_commune, "clerk", username="clerk_other")
        self.province_admin = make_user(self.province, "admin", username="admin_tinh")


def make_world() -> World:
    return World()
