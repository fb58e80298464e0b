"""Members built through the register's services (app.members.services), with sensible defaults."""
import itertools
from datetime import date

from app.extensions import db
from app.members import services

_seq = itertools.count(1)
_GIVEN = ["An", "Bình", "Châu", "Dũng", "Đào", "Giang", "Hà", "Hưng", "Khánh", "Lan", "Minh", "Ngọc"]
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"]
_MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Thanh"]


def member_name(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    return f"Nguyễn Văn {_GIVEN[n % len(_GIVEN)]}"


def make_member(unit, name: str | None = None, *, commit: bool = True, **kw):
    """A member of `unit` through create_member (`kw`: any check_fields field, number=, donor=).

    Defaults: born 1960, joined 1 March 2020, active. End one with end_member()."""
    kw.setdefault("birth_year", 1960)
    kw.setdefault("joined_on", date(2020, 3, 1))
    member = services.create_member(unit, name=name or member_name(), **kw)
    if commit:
        db.session.commit()
    return member


def end_member(member, *, status: str = "left", ended_on: date = date(2024, 6, 1),
               reason: str = "Chuyển nơi ở", commit: bool = True):
    """The member left (or, status="deceased", died) on `ended_on`."""
    services.end_membership(member, status=status, ended_on=ended_on, reason=reason)
    if commit:
        db.session.commit()
    return member


def make_members(unit, count: int, *, joined_on: date = date(2020, 3, 1), commit: bool = True) -> list[int]:
    """`count` members of `unit` in one bulk insert (bulk_create_members); their ids."""
    rows = [services.check_fields(name=f"{_FAMILY[i % 7]} {_MIDDLE[i // 7 % 5]} {_GIVEN[i % len(_GIVEN)]}",
                                  birth_year=1950 + i % 50, joined_on=joined_on)
            for i in range(count)]
    ids = services.bulk_create_members(unit, rows)
    if commit:
        db.session.commit()
    return ids
