"""Every route × every role (and users holding several roles) × own unit / other unit / no login,
against tests/authz."""
import pytest
from flask import url_for

from tests.authz import ALL, merged_table
from tests.conftest import login

TABLE = merged_table()


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
    return methods


def _url(app, endpoint, rule, world, own):
    args = rule.args(world, own) if rule.args else {}
    query = rule.query(world, own) if rule.query else {}
    with app.test_request_context():
        return url_for(endpoint, **args, **query)


def _request(client, method, url, **kw):
    return client.get(url, **kw) if method == "GET" else client.post(url, data={}, **kw)


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_answers_each_role_and_unit_as_the_table_says(app, world, endpoint):
    rule = TABLE[endpoint]
    methods = _methods(app, endpoint)
    failures = []

    # No login.
    anon = app.test_client()
    for method in methods:
        resp = _request(anon, method, _url(app, endpoint, rule, world, True))
        if rule.public:
            ok = resp.status_code in (200, 422)
        else:
            ok = resp.status_code == 302 and "/dang-nhap" in resp.headers.get("Location", "")
        if not ok:
            failures.append(f"anonymous {method}: {resp.status_code}")
    if rule.public:
        assert not failures, failures
        return

    for role in sorted(ALL):
        for own in ((True, False) if (rule.args or rule.query) else (True,)):
            client = app.test_client()
            login(client, world.users[role])
            url = _url(app, endpoint, rule, world, own)
            for method in sorted(methods):
                resp = _request(client, method, url)
                code = resp.status_code
                if not own:
                    expected = "404"
                    ok = code == 404
                elif role not in rule.roles:
                    expected = "403"
                    ok = code == 403
                elif method == "GET":
                    expected = f"one of {rule.ok_get}"
                    ok = code in rule.ok_get
                else:
                    expected = "allowed (not 403/404/5xx)"
                    ok = code not in (403, 404) and code < 500
                if not ok:
                    failures.append(f"{role} {'own' if own else 'other'} {method} {url}: {code}, expected {expected}")
    assert not failures, "\n".join(failures)


# Users holding several roles (issue 14 B): each pair that occurs in a small association, and one
# pair of the two roles that only read or enter data. A pair gets what either of its roles gets.
COMBOS = (("admin", "treasurer"), ("treasurer", "clerk"), ("clerk", "viewer"))


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_route_answers_users_with_several_roles_as_the_union_of_their_roles(app, world, endpoint):
    from tests.factories import make_user

    rule = TABLE[endpoint]
    if rule.public:
        return
    methods = _methods(app, endpoint)
    failures = []
    for combo in COMBOS:
        user = make_user(world.commune, roles=list(combo), username="_".join(combo) + "_multi")
        client = app.test_client()
        login(client, user)
        url = _url(app, endpoint, rule, world, True)
        allowed = any(role in rule.roles for role in combo)
        for method in sorted(methods):
            code = _request(client, method, url).status_code
            if not allowed:
                ok, expected = code == 403, "403"
            elif method == "GET":
                ok, expected = code in rule.ok_get, f"one of {rule.ok_get}"
            else:
                ok, expected = code not in (403, 404) and code < 500, "allowed (not 403/404/5xx)"
            if not ok:
                failures.append(f"{'+'.join(combo)} {method} {url}: {code}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_htmx_request_gets_same_answer_and_never_a_full_page_when_refused(app, world, endpoint):
    rule = TABLE[endpoint]
    if rule.public or "GET" not in _methods(app, endpoint):
        return
    client = app.test_client()
    login(client, world.users["viewer"])
    url = _url(app, endpoint, rule, world, False if (rule.args or rule.query) else True)
    plain = client.get(url)
    htmx = client.get(url, htmx=True)
    assert plain.status_code == htmx.status_code
    assert "Vary" in htmx.headers or htmx.status_code != 200 or endpoint.endswith("print_list")
    if htmx.status_code in (403, 404):
        assert "<html" not in htmx.get_data(as_text=True)
