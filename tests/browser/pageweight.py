"""A live server and first-load page weight, shared by the browser tests and scripts/measure_pages.py.

The volunteers this app serves open it on cheap phones over slow mobile data, so what counts is
the first load with an empty cache: the HTML plus every stylesheet and script it pulls in, as
the network carries them (gzip). Both the test suite and the measuring script use this one
function, so the figures in a report are the figures the tests enforce.
"""
from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# What a first load costs: the document and the code and styles it needs to be usable.
COUNTED_TYPES = {"document", "stylesheet", "script"}
GZIP_LEVEL = 6


def launch(playwright):
    """Debian's Chromium, headless; never a downloaded browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)


class LiveServer:
    """The app served by werkzeug on a free port of 127.0.0.1, in a daemon thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.netloc = urlsplit(self.url).netloc
        self._thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


@dataclass
class PageWeight:
    page: str
    html_bytes: int
    first_load_gzip: int
    requests: int
    foreign: list[str] = field(default_factory=list)
    files: list[tuple[str, int, int]] = field(default_factory=list)  # (url, raw bytes, gzip bytes)


def is_local(url: str, netloc: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.netloc == netloc


def measure(browser, base_url: str, path: str, storage_state=None, label: str | None = None) -> PageWeight:
    """Load base_url+path in a fresh context (JavaScript on, empty cache) and weigh it."""
    netloc = urlsplit(base_url).netloc
    context = browser.new_context(java_script_enabled=True, storage_state=storage_state)
    try:
        page = context.new_page()
        requests: list[str] = []
        responses = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("response", lambda r: responses.append(r))
        main = page.goto(base_url + path, wait_until="load")
        if main is None or main.status != 200 or urlsplit(page.url).path != urlsplit(path).path:
            raise AssertionError(f"{path} did not load as itself: {main and main.status} at {page.url}")
        html_bytes = len(main.body())
        files = []
        for resp in responses:
            if resp.request.resource_type not in COUNTED_TYPES or 300 <= resp.status < 400:
                continue
            body = resp.body()
            files.append((resp.url, len(body), len(gzip.compress(body, GZIP_LEVEL))))
        return PageWeight(
            page=label or path, html_bytes=html_bytes, first_load_gzip=sum(f[2] for f in files),
            requests=len(requests), foreign=[u for u in requests if not is_local(u, netloc)], files=files)
    finally:
        context.close()


def login_state(browser, base_url: str, username: str, password: str) -> dict:
    """Log in through the real form and return the context's cookies for a fresh, cache-less context."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/dang-nhap")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(lambda url: "/dang-nhap" not in url)
        return context.storage_state()
    finally:
        context.close()
