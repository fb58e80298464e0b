"""A clock the login throttle and the session lifetime read (both ask their module's `now()`)."""
import pytest

from app.auth import sessions, throttle


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(throttle, "now", c)
    monkeypatch.setattr(sessions, "now", c)
    return c
