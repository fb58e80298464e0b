"""flask seed-demo and flask create-admin."""
from sqlalchemy import func, select

from app.extensions import db
from app.units.models import Unit
from app.users.models import User


def test_seed_demo_prints_logins_that_work_and_runs_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if line.startswith("  ")]
    logins = {parts[0]: parts[1] for parts in lines}
    assert {"quantri", "thuquy", "nhaplieu", "kiemtra"} <= set(logins)
    units = db.session.scalar(select(func.count()).select_from(Unit))
    assert units >= 7
    client = app.test_client()
    resp = client.post("/dang-nhap", data={"username": "thuquy", "password": logins["thuquy"]})
    assert resp.status_code == 303
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "không nạp" in again.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == units


def test_create_admin_asks_for_password_and_refuses_weak_one(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-admin", "--username", "chutich", "--full-name", "Lê Văn Chủ",
                               "--unit", "Hội Khuyến học xã Mới"], input="12345678\n12345678\n")
    assert weak.exit_code != 0 and "phổ biến" in weak.output
    ok = runner.invoke(args=["create-admin", "--username", "chutich", "--full-name", "Lê Văn Chủ",
                             "--unit", "Hội Khuyến học xã Mới"], input="Ban-thuong-vu-2026\nBan-thuong-vu-2026\n")
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User).where(User.username == "chutich"))
    assert user.role == "admin" and user.unit.name == "Hội Khuyến học xã Mới"
    assert not user.must_change_password


def test_no_user_exists_before_someone_creates_one(app):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
