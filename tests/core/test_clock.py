"""One clock for the app (app/core/clock.py): dates people see are Vietnam's, not the server's UTC.

Between 00:00 and 07:00 Vietnam time the server's date.today() is yesterday: a decision made at
06:30 on 7 December defaulted to 6 December (issue 16, finding 5)."""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.core import clock

APP = Path(__file__).resolve().parents[2] / "app"
TESTS = APP.parent / "tests"
# The server's local clock: a date or a naive moment in whatever zone the machine runs.
SERVER_CLOCK = re.compile(r"\bdate\.today\(\)|\bdatetime\.(?:today|utcnow)\(\)|\bdatetime\.now\(\)")


def test_nothing_in_the_app_reads_the_servers_local_clock():
    """Nor do the tests: "tomorrow" by the server's date is today in Vietnam after 17:00 UTC."""
    files = [*APP.rglob("*.py"), *TESTS.rglob("*.py")]
    found = [f"{p.relative_to(APP.parent)}:{n}: {line.strip()}"
             for p in sorted(files) if p.name not in ("clock.py", "test_clock.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if SERVER_CLOCK.search(line)]
    assert found == []
    # positive control: the pattern sees each shape it must refuse
    for call in ("date.today()", "datetime.now()", "datetime.utcnow()", "datetime.today()"):
        assert SERVER_CLOCK.search(f"x = {call}")
    assert not SERVER_CLOCK.search("datetime.now(timezone.utc)")


class _At(datetime):
    """datetime whose now() is a fixed UTC moment (06:30 on 7 December in Vietnam)."""

    moment = datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc)

    @classmethod
    def now(cls, tz=None):
        return cls.moment.astimezone(tz) if tz else cls.moment.replace(tzinfo=None)


@pytest.fixture
def early_morning(monkeypatch):
    monkeypatch.setattr(clock, "datetime", _At)


def test_today_is_vietnams_date_before_seven_in_the_morning(app, early_morning):
    assert str(clock.today()) == "2026-12-07"
    assert clock.utcnow() == datetime(2026, 12, 6, 23, 30)


def test_a_new_decision_defaults_to_vietnams_date(as_user, world, early_morning):
    body = as_user(world.users["admin"]).get("/khen-thuong/quyet-dinh/moi").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="decision_date"[^>]*>', body).group(0)
    assert 'value="2026-12-07"' in field


def test_one_utcnow():
    """`utcnow` is app.core.clock's: not copied per module, not imported from a domain's models."""
    copies = re.compile(r"datetime\.now\(timezone\.utc\)\.replace\(tzinfo=None\)|from app\.units\.models import .*\butcnow\b")
    files = [*APP.rglob("*.py"), *TESTS.rglob("*.py")]
    found = [f"{p.relative_to(APP.parent)}:{n}" for p in sorted(files) if p.name not in ("clock.py", "test_clock.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if copies.search(line)]
    assert found == []
    assert copies.search("from app.units.models import Unit, utcnow")  # positive control


def test_one_actor():
    """Who acts is app.core.actor's to say: no module keeps its own copy of the current-user check."""
    copy = re.compile(r'getattr\(current_user, "is_authenticated", False\)')
    found = [str(p.relative_to(APP.parent)) for p in sorted(APP.rglob("*.py"))
             if p.name != "actor.py" and copy.search(p.read_text(encoding="utf-8"))]
    assert found == []
    assert copy.search((APP / "core" / "actor.py").read_text(encoding="utf-8"))  # positive control


def test_one_today():
    """"Today in Vietnam" is app.core.clock.today, not forwarded through funds or books."""
    found = [str(p.relative_to(APP.parent)) for p in sorted(APP.rglob("*.py"))
             if p.name != "clock.py" and re.search(r"^\s*def today\(", p.read_text(encoding="utf-8"), re.M)]
    assert found == []
    assert re.search(r"^def today\(", (APP / "core" / "clock.py").read_text(encoding="utf-8"), re.M)  # control
