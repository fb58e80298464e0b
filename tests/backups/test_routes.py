"""The backups page and download: only an admin whose scope is the whole database; downloads audited."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.backups import services
from app.extensions import db
from tests.backups.helpers import DAY
from tests.conftest import login
from tests.factories import make_unit, make_user
from tests.factories_donations import make_campaign, make_donation


@pytest.fixture
def backup(world):
    make_donation(make_campaign(world.commune), 300_000, day=DAY)
    return services.make_backup("manual")


def test_whole_database_admin_sees_the_list_and_the_link_in_the_menu(client, world, backup):
    login(client, world.province_admin)
    page = client.get("/sao-luu/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert backup.name in html and "Tải bản sao lưu mới nhất" in html and "(mới nhất)" in html
    assert 'href="/sao-luu/"' in html  # the menu link
    fragment = client.get("/sao-luu/", htmx=True).get_data(as_text=True)
    assert backup.name in fragment and "<html" not in fragment


def test_download_gives_the_latest_backup_byte_for_byte_and_is_audited(client, world, backup):
    older_name = backup.name
    newer = services.make_backup("manual")
    login(client, world.province_admin)
    resp = client.get("/sao-luu/tai-ve")
    assert resp.status_code == 200
    assert resp.data == newer.path.read_bytes()
    assert f'filename={newer.name}' in resp.headers["Content-Disposition"]
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert older_name != newer.name
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "download")).one()
    assert entry.user_id == world.province_admin.id and entry.object_type == "backup"
    assert entry.after["file"] == newer.name and entry.after["sha256"] == newer.sha256


def test_pre_restore_copies_are_listed_but_never_offered_as_the_latest(client, world, backup):
    services.make_backup("pre-restore")
    login(client, world.province_admin)
    resp = client.get("/sao-luu/tai-ve")
    assert resp.data == backup.path.read_bytes()


def test_without_any_backup_the_page_says_so_and_download_is_404(client, world):
    login(client, world.province_admin)
    html = client.get("/sao-luu/").get_data(as_text=True)
    assert "Chưa có bản sao lưu nào" in html and "Tải bản sao lưu mới nhất" not in html
    assert client.get("/sao-luu/tai-ve").status_code == 404


def test_commune_users_are_refused_the_whole_databases_backup(app, world, backup):
    for role in ("admin", "treasurer", "clerk", "viewer"):
        client = app.test_client()
        login(client, world.users[role])
        assert client.get("/sao-luu/").status_code == 403, role
        assert client.get("/sao-luu/tai-ve").status_code == 403, role
        home = client.get("/")
        assert home.status_code == 200 and world.commune.name in home.get_data(as_text=True), role  # the dashboard
        assert 'href="/sao-luu/"' not in home.get_data(as_text=True), role
    assert not db.session.scalars(select(AuditEntry).where(AuditEntry.action == "download")).all()
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert sum(1 for e in refused if e.after["path"].startswith("/sao-luu")) == 8  # refusals are logged


def test_root_admin_is_refused_when_another_root_unit_exists(client, world, backup):
    make_unit(None, "Hội Khuyến học tỉnh Bên Cạnh", "province")
    login(client, world.province_admin)
    assert client.get("/sao-luu/tai-ve").status_code == 403


def test_province_non_admin_is_refused(client, world, backup):
    treasurer = make_user(world.province, "treasurer", username="thuquy_tinh")
    login(client, treasurer)
    assert client.get("/sao-luu/tai-ve").status_code == 403
