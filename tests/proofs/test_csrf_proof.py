"""Proof: every state-changing route refuses a request without a valid CSRF token (400, in
Vietnamese) and writes nothing.

Each route gets a submission that works (its control is sent last and must succeed), then the same
submission four ways without a valid token, plain and through htmx: no token at all, a made-up
token, a token from another signed-in session, and a made-up token in the X-CSRFToken header.
The database is dumped (every row of every table) before and after: the only rows a refused
request may leave are the audit log's "refused" entries. At the reduced size of `make test` each
route gets "no token" and one other way in turn, one plain and one through htmx (the token is
checked before any view runs, so every way still meets every kind of route); `make prove` sends all
eight. tests/core/test_security.py checks the
same with an empty form; this proof sends forms that would otherwise be accepted.
"""
from tests.proofs import support as S
from tests.proofs.catalog import Catalog, ordered
from tests.proofs.report import full_size, report
from tests.proofs.world import proof_world

MESSAGE = "Phiên làm việc đã hết hạn"


def test_every_state_changing_route_refuses_a_request_without_a_valid_token(app):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    stranger = S.client_for(app, world.users["viewer"])  # another session; its token is valid only there
    refused, controls, writes = S.Tally(), S.Tally(), S.Tally()
    routes = ordered(S.endpoints(app, "POST"))
    for n, endpoint in enumerate(routes):
        sub = catalog.submission(endpoint)
        client = catalog.client(sub.user)
        variants = {
            "no token": ({"csrf_token": None}, {}),
            "made-up token": ({"csrf_token": "IjEyMyI.gia-mao.x"}, {}),
            "another session's token": ({"csrf_token": stranger.csrf_token()}, {}),
            "made-up header": ({"csrf_token": None}, {"X-CSRFToken": "gia-mao"}),
        }
        if full_size():
            tries = [(name, htmx) for name in variants for htmx in (False, True)]
        else:
            other = list(variants)[1 + n % 3]
            tries = [("no token", n % 2 == 1), (other, n % 2 == 0)]
        before = S.dump()
        for name, htmx in tries:
            overrides, headers = variants[name]
            resp = sub.post(client, overrides, csrf=False, htmx=htmx, headers=headers)
            body = resp.get_data(as_text=True)
            refused.check(resp.status_code == 400 and MESSAGE in body and (not htmx or "<html" not in body),
                          f"{endpoint} {name}{' htmx' if htmx else ''}: {resp.status_code}")
        after = S.dump()
        writes.check(not (changed := S.diff(before, after)), f"{endpoint}: wrote {changed}")
        # The same submission with its token goes through: the refusals above were the token's doing.
        resp = sub.post(client)
        changed = S.diff(after, S.dump())
        controls.check(sub.worked(resp, changed), f"{endpoint}: control {resp.status_code} {changed}")

    passed = not (refused.failed or writes.failed or controls.failed)
    report(f"CSRF: requests without a valid token refused ({S.db_label()})",
           f"{len(routes)} state-changing routes, {refused.checks - refused.failed}/{refused.checks} forged "
           f"requests refused with 400, {writes.failed} wrote anything; {controls.checks - controls.failed}/"
           f"{controls.checks} controls with the token accepted",
           passed, "100% refused, 0 writes, every control accepted")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not refused.failed, refused.summary()
    assert not writes.failed, writes.summary()
    assert not controls.failed, controls.summary()
