"""Links builds its URLs without url_for's rule matching (app.reports.links._url): every method must
still give exactly what url_for gives, Vietnamese text, spaces and missing values included."""
import inspect

from flask import url_for

from app.reports import links as links_mod
from app.reports.links import Links
from app.reports.periods import calendar_year

ARGS = {"collector": "Chi hội Ấp Tân Lộc & Đông", "method": "tien", "status": "hoat-dong", "level": "thcs",
        "circumstance": "khong", "unit_id": 12, "year": 2026, "which": "joined", "kind": "commune",
        "step": "de-nghi", "fmt": "pdf", "fund_id": 3, "campaign_id": 4, "round_id": 5, "decision_id": 6,
        "month": 2}


def _calls(lk: Links):
    """(method name, call) for every public method of Links, with sample arguments (each optional one
    both given and left out)."""
    for name, fn in inspect.getmembers(lk, inspect.ismethod) + [
            (n, getattr(Links, n)) for n, v in vars(Links).items() if isinstance(v, staticmethod)]:
        if name.startswith("_"):
            continue
        params = inspect.signature(fn).parameters
        required = {p: ARGS[p] for p, v in params.items() if v.default is inspect.Parameter.empty}
        if name == "donations_month":
            required = {"year": 2026, "month": 2}
        yield name, lambda fn=fn, a=required: fn(**a)
        full = {p: ARGS[p] for p in params if p in ARGS}
        if name == "donations_month":
            full = required
        yield name + " (all)", lambda fn=fn, a=full: fn(**a)


def test_every_link_matches_url_for(app, monkeypatch):
    """Each method once with the fast path and once with url_for itself standing in for it."""
    lk = Links(calendar_year(2026))
    with app.test_request_context("/", base_url="http://example.test/khuyen-hoc"):
        fast = {name: call() for name, call in _calls(lk)}
        monkeypatch.setattr(links_mod, "_url", lambda endpoint, **q: url_for(endpoint, **q))
        slow = {name: call() for name, call in _calls(lk)}
    assert len(fast) > 40
    assert fast == slow
    # what the comparison covers: an encoded Vietnamese name, the script root and a dropped None
    assert any("%E1%BA%A4p" in u for u in fast.values()) and all(u.startswith("/khuyen-hoc/") for u in fast.values())
    assert fast["population"] == "/khuyen-hoc/hoi-vien/dan-so"


def test_bases_follow_the_script_root(app):
    """The path is kept per script root (app.core.nav.link): another mount point gets its own."""
    lk = Links(calendar_year(2026))
    with app.test_request_context("/", base_url="http://a.test/x"):
        first = lk.funds()
    with app.test_request_context("/", base_url="http://a.test/y"):
        assert lk.funds() == "/y" + first[len("/x"):]
    assert first.startswith("/x/")
