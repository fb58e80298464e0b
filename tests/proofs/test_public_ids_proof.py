"""Proof: no public route answers 500, whatever ids and page numbers a stranger types
(issue 15, finding 5: /cong-khai/99999999999999999999 answered 500).

The public routes are found, not listed: every rule of the URL map is requested anonymously, and
those that do not send the visitor to the login page are public (today the login page, the
disclosure pages and the bank feed's signed webhook; a public route added later is walked without a change here). Each int-like path
argument is then replaced, one at a time and all at once, by boundary values (0, -1, 2^63 - 1,
2^63, 20 digits, text, a decimal, Arabic-Indic and fullwidth digits...), the others keeping the
ids of a published disclosure so the value reaches the view; query arguments (page=, trang=,
nam=, don_vi=...; three of them at the reduced size) get the same values on the real page. At
full size, each request goes plainly and as htmx.
"""
import re
from urllib.parse import quote, urlencode

from tests.proofs import support as S
from tests.proofs.report import full_size, report, size

ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
BOUNDARY = ["0", "-1", "00", "1.5", "1e3", "abc", "", " 1", "١٢", "１２", str(2**31), str(2**63 - 1),
            str(2**63), str(2**64), "9" * 20, "-" + "9" * 20]
QUERY_ARGS = ("page", "trang", "nam", "year", "don_vi", "id", "q", "per_page", "sort")
YEAR = 2025


def _url(rule, values: dict) -> str:
    return ARG.sub(lambda m: quote(str(values[m.group(2)]), safe=""), rule.rule)


def _int_like(rule) -> list[str]:
    """Path arguments that carry a number: int converters, and names such as unit_id or year."""
    return [m.group(2) for m in ARG.finditer(rule.rule)
            if m.group(1) == "int" or m.group(2).endswith("id") or m.group(2) in ("year", "page")]


def _plain_values(rule, real: dict) -> dict:
    """Values the rule matches: the real ids, 1 for other numbers, an allowed word for any(...)."""
    values = {}
    for name in rule.arguments:
        items = getattr(rule._converters.get(name), "items", None)
        values[name] = real.get(name, sorted(items)[0] if items else 1)
    return values


def _methods(rule) -> list[str]:
    return [m for m in ("GET", "POST") if m in rule.methods]


def _public_rules(app, real: dict) -> list:
    """Rules an anonymous visitor is not sent to log in from."""
    anonymous = app.test_client()
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = _methods(rule)
        # One request per rule: login_required guards the whole view, whatever the method.
        resp = anonymous.open(_url(rule, _plain_values(rule, real)), method=methods[0])
        if "/dang-nhap" not in (resp.headers.get("Location") or "") or rule.endpoint == "auth.login":
            found += [(rule, method) for method in methods]
    return found


def _publish(app, world) -> dict:
    """A published year of the commune: its ids are the real values beside each boundary one."""
    admin = S.client_for(app, world.users["admin"])
    resp = admin.post(f"/cong-khai/quan-ly/{world.commune.id}/{YEAR}/cong-bo")
    assert resp.status_code == 303, resp.status_code
    real = {"unit_id": world.commune.id, "year": YEAR}
    assert app.test_client().get(f"/cong-khai/{world.commune.id}/{YEAR}").status_code == 200
    return real


def _requests(rules, real: dict) -> list[tuple[str, str]]:
    out = []
    for rule, method in rules:
        names = _int_like(rule)
        base = _plain_values(rule, real)
        for value in BOUNDARY:
            for name in names:
                out.append((method, _url(rule, {**base, name: value})))
            if len(names) > 1:
                out.append((method, _url(rule, {**base, **{name: value for name in names}})))
            for arg in size(QUERY_ARGS[:3], QUERY_ARGS):
                out.append((method, _url(rule, base) + "?" + urlencode({arg: value})))
    return out


def test_every_public_route_survives_boundary_ids(app, world):
    S.keep_loaded()
    real = _publish(app, world)
    rules = _public_rules(app, real)
    endpoints = sorted({rule.endpoint for rule, _ in rules})
    errors = S.catch_500s(app)
    requests = _requests(rules, real)
    client = app.test_client()
    statuses, wrong, sent = {}, S.Tally(), 0
    for method, target in requests:
        for htmx in (False, True) if full_size() else (False,):
            resp = client.open(target, method=method, htmx=htmx)
            sent += 1
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            wrong.check(resp.status_code < 500 or resp.status_code == 503 and target.endswith(".pdf"),
                        f"{method} {target}{' htmx' if htmx else ''}: {resp.status_code}")

    # The bank feed's webhook is public too (no login; signed by HMAC, tests/proofs/support.CSRF_EXEMPT).
    found_public = {"auth.login", "disclosure.public_index", "disclosure.public", "disclosure.public_pdf",
                    *S.CSRF_EXEMPT}
    passed = not wrong.failed and not errors and found_public <= set(endpoints)
    shown = ", ".join(f"{n}×{s}" for s, n in sorted(statuses.items()))
    report(f"Public boundary ids ({S.db_label()})",
           f"{sent:,} requests to {len(endpoints)} public routes, {wrong.failed} answered 500 ({shown}; "
           f"{len(BOUNDARY)} boundary values in each id and in {len(size(QUERY_ARGS[:3], QUERY_ARGS))} "
           "query arguments)",
           passed, "0 answered 500")
    assert found_public <= set(endpoints), endpoints  # the walk found the public pages
    assert not errors, errors[:10]
    assert not wrong.failed, wrong.summary()
