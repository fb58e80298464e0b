"""Real-browser fixtures: one Chromium per session, one live server per module, guarded contexts per test.

Every context a test opens is watched: a request to any host other than the live server, a
Content Security Policy violation reported on the console, an uncaught script error, or a
dialog nobody expected (an injected alert) fails the test at teardown. Flows run twice, with
JavaScript on ("js", htmx does the work) and off ("nojs", plain forms and links).
"""
from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pageweight import CHROMIUM, LiveServer, is_local, launch
from tests.conftest import BASE_CONFIG, _truncate_all

_seq = itertools.count(1)


def unique(prefix: str = "") -> str:
    """A short tag that keeps names and usernames apart inside one module's database."""
    return f"{prefix}{os.getpid() % 1000}{next(_seq)}"


def chromium_session():
    """One Chromium for the whole run: the `chromium` fixture lives in tests/conftest.py so that
    every directory shares it (a second sync_playwright() while one runs is refused)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


class Live(LiveServer):
    def run(self, fn, *args, **kwargs):
        """Call fn inside the server app's context in write mode and commit; fn returns plain data."""
        from app.core.db import write_mode
        from app.extensions import db

        with self.app.app_context(), write_mode():
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            finally:
                db.session.remove()


def start_live(database, tmp_path_factory, **overrides) -> Live:
    """A fresh database (SQLite copy or truncated PostgreSQL) and the app serving it, CSRF on."""
    from app import create_app

    if database["kind"] == "postgresql":
        # One server at a time per test process: the module owns the process's database meanwhile.
        _truncate_all(database["url"])
        url = database["url"]
    else:
        target = tmp_path_factory.mktemp("live") / "live.db"
        shutil.copy(database["template"], target)
        url = f"sqlite:///{target}"
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
              "RATELIMIT_ENABLED": False, **overrides}
    return Live(create_app(config))


def stop_live(server: Live) -> None:
    from app.extensions import db

    server.stop()
    with server.app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live(database, tmp_path_factory):
    server = start_live(database, tmp_path_factory)
    yield server
    stop_live(server)


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request) -> bool:
    return request.param


class Browse:
    """Opens guarded contexts on the live server and remembers what every page did."""

    def __init__(self, browser, live: Live, js: bool):
        self.browser, self.live, self.js = browser, live, js
        self.base = live.url
        self.contexts = []
        self.requests: list[tuple[str, str, bool]] = []  # (method, url, sent by htmx)
        self.csp_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[tuple[str, str]] = []
        self.unexpected_dialogs: list[tuple[str, str]] = []
        self.expected_confirms: list[str] = []

    def context(self, js: bool | None = None, **kwargs):
        ctx = self.browser.new_context(java_script_enabled=self.js if js is None else js, **kwargs)
        ctx.set_default_timeout(10_000)
        ctx.on("request", lambda r: self.requests.append(
            (r.method, r.url, r.headers.get("hx-request") == "true")))
        ctx.on("page", self._watch)
        self.contexts.append(ctx)
        return ctx

    def page(self, js: bool | None = None, **kwargs):
        return self.context(js, **kwargs).new_page()

    def _watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("dialog", self._on_dialog)

    def _on_console(self, msg):
        if msg.type == "error" and "Content Security Policy" in msg.text:
            self.csp_errors.append(msg.text)

    def _on_dialog(self, dialog):
        seen = (dialog.type, dialog.message)
        self.dialogs.append(seen)
        if dialog.type == "confirm" and any(e in dialog.message for e in self.expected_confirms):
            dialog.accept()
        else:
            self.unexpected_dialogs.append(seen)
            dialog.dismiss()

    def expect_confirm(self, text: str) -> None:
        """The next hx-confirm dialog containing `text` is accepted, like a user pressing OK."""
        self.expected_confirms.append(text)

    def confirmed(self, text: str) -> bool:
        return any(t == "confirm" and text in m for t, m in self.dialogs)

    def assert_mode(self) -> None:
        """JS on: the forms really went through htmx; JS off: nothing did."""
        htmx_posts = [u for m, u, hx in self.requests if m == "POST" and hx]
        if self.js:
            assert htmx_posts, "JavaScript was on but no POST went through htmx"
        else:
            assert not [u for _m, u, hx in self.requests if hx], "htmx requests with JavaScript off"

    def check(self) -> None:
        foreign = [u for _m, u, _hx in self.requests if not is_local(u, self.live.netloc)]
        assert not foreign, f"requests to other hosts: {foreign}"
        assert not self.csp_errors, f"CSP violations: {self.csp_errors}"
        assert not self.page_errors, f"script errors: {self.page_errors}"
        assert not self.unexpected_dialogs, f"unexpected dialogs (injected script?): {self.unexpected_dialogs}"

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


@pytest.fixture
def browse(chromium, live, js):
    b = Browse(chromium, live, js)
    yield b
    b.close()
    b.check()


# Page helpers shared by the flows ---------------------------------------------------------------

def login(page, base: str, username: str, password: str) -> None:
    """Fill and send the login form (the caller checks where it lands)."""
    page.goto(base + "/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def login_ok(page, base: str, username: str, password: str) -> None:
    login(page, base, username, password)
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def logout(page) -> None:
    page.click("header .who button:has-text('Đăng xuất')")
    page.wait_for_url("**/dang-nhap")


def settled(page) -> None:
    """JS on: wait until htmx has finished swapping and settling. A swapped-in form only gets its
    htmx handlers in the settle step, so a test typing into it before then races htmx."""
    page.wait_for_function(
        "() => !window.htmx || !document.querySelector("
        "'.htmx-added, .htmx-settling, .htmx-swapping, .htmx-request')")


def path_of(page) -> str:
    return urlsplit(page.url).path


# Data ------------------------------------------------------------------------------------------

def make_commune(tag: str, branches=("Chi hội ấp Tân Lộc", "Chi hội ấp Mỹ Hòa"), admin_name: str | None = None):
    """A province, one commune with branches and the commune's admin; ids and names only.

    Call through live.run(). The tag keeps root names and usernames unique in the module's database.
    """
    from tests.factories import make_unit, make_user

    province = make_unit(None, f"Hội Khuyến học tỉnh Thử Nghiệm {tag}", "province")
    commune = make_unit(province, f"Hội Khuyến học xã Tân Phú {tag}", "commune")
    out = {"province": province.id, "commune": commune.id, "commune_name": commune.name, "branches": {}}
    for name in branches:
        out["branches"][name] = make_unit(commune, name, "village").id
    admin = make_user(commune, "admin", username=f"qt{tag}", full_name=admin_name or "Hoàng Minh Tâm")
    out["admin"] = admin.username
    return out
