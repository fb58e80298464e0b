"""The role sweep, done once (issue 16, part 8): every route × nobody, every role and users holding
several roles × a record of the user's own unit and of another commune, against tests/authz.

One walk per route asserts what the matrix and the authorisation proof used to check twice:
refused roles get 403, another commune's records 404, nobody is sent to the login page, permitted
roles are not refused (GET answers as the table says), a refusal through htmx is the same answer
without a whole page, and every HTML answer carries the security headers. The proofs in
tests/proofs keep what only they check (other communes' ids swapped into forms and query values,
bad input, injection, working controls) and walk every role again only at full size (`make prove`).
"""
import pytest
from flask import url_for

from tests.authz import ALL, merged_table
from tests.conftest import login
from tests.proofs.reading import header_problems, is_html

TABLE = merged_table()
# Users holding several roles (issue 14 B): each pair that occurs in a small association, and one
# pair of the two roles that only read or enter data. A pair gets what either of its roles gets.
COMBOS = (("admin", "treasurer"), ("treasurer", "clerk"), ("clerk", "viewer"))


def _endpoints(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"})


def test_every_route_has_an_entry_in_the_table(app):
    missing = set(_endpoints(app)) - set(TABLE)
    stale = set(TABLE) - set(_endpoints(app))
    assert not missing, f"routes without an authorisation entry: {sorted(missing)}"
    assert not stale, f"table entries for routes that no longer exist: {sorted(stale)}"


def _methods(app, endpoint):
    methods = set()
    for r in app.url_map.iter_rules(endpoint):
        methods |= r.methods & {"GET", "POST"}
    return sorted(methods)  # GET before POST: a permitted POST may change what a GET would show


def _url(app, endpoint, rule, world, own):
    args = rule.args(world, own) if rule.args else {}
    query = rule.query(world, own) if rule.query else {}
    with app.test_request_context():
        return url_for(endpoint, **args, **query)


def _request(client, method, url, htmx=False):
    return client.get(url, htmx=htmx) if method == "GET" else client.post(url, data={}, htmx=htmx)


def _expect(rule, method, own, allowed):
    """(expected, check of the status code) for a signed-in user."""
    if not own:
        return "404", lambda code: code == 404
    if not allowed:
        return "403", lambda code: code == 403
    if method == "GET":
        return f"one of {rule.ok_get}", lambda code: code in rule.ok_get
    return "allowed (not 403/404/5xx)", lambda code: code not in (403, 404) and code < 500


class _Walk:
    def __init__(self):
        self.failures = []

    def answer(self, who, method, url, resp, expected, ok):
        if not ok(resp.status_code):
            self.failures.append(f"{who} {method} {url}: {resp.status_code}, expected {expected}")
        if is_html(resp) and (problems := header_problems(resp)):
            self.failures.append(f"{who} {method} {url} ({resp.status_code}): missing headers {problems}")

    def htmx(self, endpoint, who, url, client, plain):
        """The same GET through htmx: the same answer; a refusal is a fragment (never a whole page),
        a page says it varies by HX-Request (a long list's print offer excepted)."""
        resp = client.get(url, htmx=True)
        code = resp.status_code
        if code != plain.status_code:
            self.failures.append(f"{who} GET {url} htmx: {code}, plain {plain.status_code}")
        if code in (403, 404) and "<html" in resp.get_data(as_text=True):
            self.failures.append(f"{who} GET {url} htmx: a whole page for a refusal")
        if code == 200 and "Vary" not in resp.headers and not endpoint.endswith("print_list"):
            self.failures.append(f"{who} GET {url} htmx: 200 without Vary")


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_answers_everyone_as_the_table_says(app, world, endpoint):
    from tests.factories import make_user

    rule = TABLE[endpoint]
    methods = _methods(app, endpoint)
    walk = _Walk()

    anon = app.test_client()
    url = _url(app, endpoint, rule, world, True)
    for method in methods:
        if rule.public:
            # A signed API route (bank_hook.notify) refuses an unsigned request with 401.
            codes = rule.extra.get("public_status", (200, 422))
            expected, ok = f"one of {codes}", lambda code, c=codes: code in c
        else:
            expected, ok = "to the login page", None
        resp = _request(anon, method, url)
        to_login = resp.status_code == 302 and "/dang-nhap" in resp.headers.get("Location", "")
        walk.answer("anonymous", method, url, resp, expected, ok or (lambda code, t=to_login: t))
    if rule.public:
        assert not walk.failures, "\n".join(walk.failures)
        return

    users = [((role,), world.users[role]) for role in sorted(ALL)]
    users += [(combo, make_user(world.commune, roles=list(combo), username="_".join(combo) + "_multi"))
              for combo in COMBOS]
    for roles, user in users:
        who = "+".join(roles)
        client = app.test_client()
        login(client, user)
        allowed = any(role in rule.roles for role in roles)
        # One role alone tries the other commune's record too (first: refused, it changes nothing);
        # a pair only its own, with the union of its roles.
        names_record = bool(rule.args or rule.query)
        for own in ((False, True) if names_record and len(roles) == 1 else (True,)):
            url = _url(app, endpoint, rule, world, own)
            for method in methods:
                expected, ok = _expect(rule, method, own, allowed)
                resp = _request(client, method, url)
                walk.answer(f"{who} {'own' if own else 'other'}", method, url, resp, expected, ok)
                # Through htmx, as one role sees it: the viewer, on the other commune's record if any.
                if roles == ("viewer",) and method == "GET" and own != names_record:
                    walk.htmx(endpoint, who, url, client, resp)
    assert not walk.failures, "\n".join(walk.failures)
