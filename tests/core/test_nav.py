"""The main menu (app/core/nav.py, templates/base.html): its links are built once per app and script
root, so they must still follow the root the app is mounted under, and match what url_for gives."""
import re

from flask import url_for

from app.core import nav
from app.core.authz import can
from tests.conftest import login


def _menu(html: str) -> list[tuple[str, str, bool]]:
    block = html.split('<div class="menu-links">', 1)[1].split("</div>", 1)[0]
    return [(href, label, bool(current))
            for href, current, label in re.findall(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', block)]


def test_the_menu_is_what_the_user_may_open_with_the_current_entry_marked(app, world, client):
    viewer = world.users["viewer"]
    login(client, viewer)
    html = client.get("/hoc-sinh/").get_data(as_text=True)
    entries = _menu(html)
    with app.test_request_context("/"):
        expected = [url_for(endpoint) for endpoint, _, shown in nav.MENU if endpoint in app.view_functions
                    and (shown is None or shown != nav.BACKUPS and can(viewer, shown))]
    assert [href for href, _, _ in entries] == expected
    assert "Người dùng" not in [label for _, label, _ in entries]
    assert [label for _, label, current in entries if current] == ["Học sinh"]
    assert f"Menu ({len(entries)} mục): <strong>Học sinh</strong>" in html


def test_an_admin_of_the_only_top_unit_sees_users_log_and_backups(app, world, client):
    login(client, world.province_admin)
    labels = [label for _, label, _ in _menu(client.get("/").get_data(as_text=True))]
    assert labels[-3:] == ["Người dùng", "Nhật ký", "Sao lưu"]
    assert labels[0] == "Trang chủ"


def test_links_follow_the_script_root_the_app_is_mounted_under(app, world, client):
    """The same process serving under two roots (say a proxy's /skh and a direct port) gives each
    its own links: the cache is keyed by the root, not filled once by whichever came first."""
    login(client, world.users["viewer"])
    plain = client.get("/").get_data(as_text=True)
    mounted = client.get("/", environ_overrides={"SCRIPT_NAME": "/skh"}).get_data(as_text=True)
    assert _menu(plain)[0][0] == "/" and _menu(mounted)[0][0] == "/skh/"
    assert all(href.startswith("/skh/") for href, _, _ in _menu(mounted))
    assert 'href="/skh/static/css/app.css?v=' in mounted and 'href="/static/css/app.css?v=' in plain
    assert not any(href.startswith("/skh") for href, _, _ in _menu(client.get("/").get_data(as_text=True)))
