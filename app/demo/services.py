"""The demo association: a province, two communes, branches and one user per role.

Each later domain adds its own demo data in `app/<domain>/demo.py` with a
`seed(units: dict)` function; they run in the order of app.DOMAINS.
"""
import importlib
import secrets
import string

from sqlalchemy import select

from app import DOMAINS
from app.extensions import db
from app.units.services import create_unit
from app.users.models import User
from app.users.services import create_user

DEMO_USERS = [
    # username, full name, unit key, role (several joined by "+")
    ("quantri", "Trần Thị Thu Hà", "province", "admin"),
    ("thuquy", "Nguyễn Văn Đức", "lai_vung", "treasurer"),
    ("nhaplieu", "Lê Thị Ánh Tuyết", "lai_vung", "clerk"),
    ("kiemtra", "Phạm Quốc Hưng", "lai_vung", "viewer"),
    ("quantrixa", "Huỳnh Minh Tâm", "lai_vung", "admin"),
    # A small commune: its chair also keeps the books (issue 14 B).
    ("chutichph", "Võ Thị Kim Loan", "phong_hoa", "admin+treasurer"),
]



def _password() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def seed() -> list[tuple[str, str, str, str]]:
    province = create_unit(None, "Hội Khuyến học tỉnh Đồng Tháp", "province", "Phường Cao Lãnh, tỉnh Đồng Tháp")
    lai_vung = create_unit(province, "Hội Khuyến học xã Lai Vung", "commune", "Xã Lai Vung, tỉnh Đồng Tháp")
    phong_hoa = create_unit(province, "Hội Khuyến học xã Phong Hòa", "commune", "Xã Phong Hòa, tỉnh Đồng Tháp")
    units = {
        "province": province,
        "lai_vung": lai_vung,
        "phong_hoa": phong_hoa,
        "tan_loc": create_unit(lai_vung, "Chi hội Khuyến học ấp Tân Lộc", "village"),
        "hoa_binh": create_unit(lai_vung, "Chi hội Khuyến học ấp Hòa Bình", "village"),
        "thcs_lai_vung": create_unit(lai_vung, "Ban Khuyến học Trường THCS Lai Vung", "school"),
        "dong_ho_nguyen": create_unit(phong_hoa, "Chi hội Khuyến học dòng họ Nguyễn Văn", "clan"),
    }
    logins = []
    for username, full_name, unit_key, role in DEMO_USERS:
        password = _password()
        create_user(username=username, full_name=full_name, unit=units[unit_key], roles=role.split("+"),
                    password=password, must_change_password=False)
        logins.append((username, password, role, units[unit_key].name))

    for name in DOMAINS:
        try:
            module = importlib.import_module(f"app.{name}.demo")
        except ModuleNotFoundError as err:
            if err.name != f"app.{name}.demo":
                raise
            continue
        module.seed(units)
    return logins


def reset_demo_passwords() -> list[tuple[str, str, str, str]]:
    logins = []
    for username, *_ in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            continue
        password = _password()
        user.set_password(password)
        user.session_version += 1
        logins.append((username, password, "+".join(user.roles), user.unit.name))
    return logins
