"""Every GET route naming a record by `<int:...>` answers 404 (never 500) for ids the database
cannot hold or that name nothing: 0, 2^63 and a 20-digit number, anonymous and as an admin.

Before the bounded int converter (app.core.converters), /cong-khai/99999999999999999999 reached the
database and failed to bind (500). Text in a string argument is tried too. The walk covers the
whole URL map, so a route added later is checked without a new test.
"""
import re

from tests.authz import merged_table
from tests.conftest import login

ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
BOUNDARY_IDS = (0, 2**63, 10**20)


def _url(rule, int_value, text="khong-co"):
    def fill(m):
        return str(int_value) if m.group(1) == "int" else text
    return ARG.sub(fill, rule.rule)


def _status(client, url):
    try:
        return client.get(url).status_code
    except Exception as err:  # TESTING propagates a view's exception: that is the 500
        return f"500 ({type(err).__name__})"


def _int_routes(app):
    return [r for r in app.url_map.iter_rules()
            if "GET" in r.methods and r.endpoint != "static"
            and any(m.group(1) == "int" for m in ARG.finditer(r.rule))]


def test_boundary_ids_answer_404_on_every_route(app, world):
    rules = _int_routes(app)
    assert len(rules) >= 30, [r.rule for r in rules]  # the walk reaches the app's record pages
    assert any(r.rule.startswith("/cong-khai/") for r in rules)
    anonymous, admin = app.test_client(), app.test_client()
    login(admin, world.users["admin"])
    wrong = []
    for rule in rules:
        for value in BOUNDARY_IDS:
            url = _url(rule, value)
            for who, client in (("anonymous", anonymous), ("admin", admin)):
                status = _status(client, url)
                # 404, or a redirect: anonymous to the login page, and a rule with defaults (month
                # 0 of a closing page) to its canonical URL, which is then a 404 itself.
                if status not in (302, 303, 308, 404):
                    wrong.append(f"{who} {url}: {status}")
    assert not wrong, wrong


def test_the_public_page_with_a_20_digit_id_is_a_404(client):
    assert client.get("/cong-khai/99999999999999999999").status_code == 404
    assert client.get("/cong-khai/9223372036854775808").status_code == 404


def test_real_ids_still_reach_their_pages(app, world):
    """Positive control: the same routes with a record of the admin's own commune are served, so
    the 404s above come from the bound, not from a walk that matches nothing."""
    table = merged_table()
    admin = app.test_client()
    login(admin, world.users["admin"])
    served, wrong = 0, []
    for rule in _int_routes(app):
        entry = table.get(rule.endpoint)
        if entry is None or entry.args is None or not ("admin" in entry.roles or entry.public):
            continue
        args = entry.args(world, True)
        query = entry.query(world, True) if entry.query else {}
        with app.test_request_context():
            from flask import url_for
            url = url_for(rule.endpoint, **args, **query)
        status = _status(admin, url)
        if status in (200, 302, 303):
            served += 1
        elif status != 404:
            wrong.append(f"{url}: {status}")
    assert not wrong, wrong
    assert served >= 20, served
