"""Counting what a volunteer does: taps, typed fields and how long each page took to arrive.

Every action of the tap bench goes through a Meter, so nothing is done that is not counted. A tap is a
click (a link, a button, a menu entry, a checkbox); a typed field is a fill, a choice in a <select> or
a file picked. A page load is timed from the tap that asked for it to the browser's `load` event.
Locators come only from what a user sees: roles with their accessible names, labels, visible text.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Task:
    name: str
    taps: int = 0
    typed: int = 0
    slowest_ms: float = 0.0
    slowest_page: str = ""
    dead_ends: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class DeadEnd(Exception):
    """A step that cannot be done through the visible labels (recorded, never worked around with a URL)."""


class Meter:
    def __init__(self, page):
        self.page = page
        self.tasks: list[Task] = []
        self.current: Task | None = None

    @contextmanager
    def task(self, name: str):
        self.current = Task(name)
        self.tasks.append(self.current)
        try:
            yield self.current
        except DeadEnd as err:
            self.current.dead_ends.append(str(err))
        finally:
            self.current = None

    @contextmanager
    def aside(self, name: str):
        """Count a few actions on another task (logging in again), then come back to the current one."""
        back = self.current
        found = [t for t in self.tasks if t.name == name]
        self.current = found[0] if found else Task(name)
        if not found:
            self.tasks.insert(0, self.current)
        try:
            yield
        finally:
            self.current = back

    def _page_loaded(self, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        if self.current and ms > self.current.slowest_ms:
            self.current.slowest_ms, self.current.slowest_page = ms, self.page.url

    def start(self, url: str) -> None:
        """The only address ever typed: the start page."""
        t = time.perf_counter()
        self.page.goto(url, wait_until="load")
        self._page_loaded(t)

    def tap(self, locator, *, navigates: bool = True, timeout: float = 120_000) -> None:
        """Click what the user sees; a tap that loads a page is timed until that page's load event."""
        self._count("taps")
        if not navigates:
            locator.click()
            return
        t = time.perf_counter()
        with self.page.expect_navigation(wait_until="load", timeout=timeout):
            # a form that writes 183 rows may hold the click until the server answers: same patience
            locator.click(timeout=timeout)
        self._page_loaded(t)

    def open_file(self, locator, timeout: float = 180_000) -> str:
        """A tap whose answer is a file: a download, or a PDF shown inline (issue 14 F). Returns its type."""
        self._count("taps")
        got: list = []
        pdf: list = []
        self.page.once("download", lambda d: got.append(d))

        def on_response(resp):
            if resp.request.resource_type == "document" and "pdf" in resp.headers.get("content-type", ""):
                pdf.append(resp)

        self.page.on("response", on_response)
        t = time.perf_counter()
        try:
            locator.click(no_wait_after=True)
            deadline = time.monotonic() + timeout / 1000
            while not got and not pdf:
                if time.monotonic() > deadline:
                    raise TimeoutError("no file came back")
                self.page.wait_for_timeout(50)
            if got:
                got[0].path()  # the whole file has arrived
            else:
                pdf[0].finished()
        finally:
            self.page.remove_listener("response", on_response)
        self._page_loaded(t)
        if pdf:  # the viewer replaced the page: come back, as a user does with the back button
            self.page.go_back(wait_until="load")
        return "download" if got else "inline"

    def type(self, locator, value: str) -> None:
        self._count("typed")
        locator.fill(value)

    def choose(self, locator, label: str) -> None:
        """Pick an option of a <select> by its visible text."""
        self._count("typed")
        locator.select_option(label=label)

    def tick(self, locator) -> None:
        self._count("taps")
        locator.check()

    def upload(self, locator, path) -> None:
        self._count("typed")
        locator.set_input_files(str(path))

    def note(self, text: str) -> None:
        if self.current:
            self.current.notes.append(text)

    def _count(self, what: str) -> None:
        if self.current is None:
            raise RuntimeError("every action belongs to a task")
        setattr(self.current, what, getattr(self.current, what) + 1)
