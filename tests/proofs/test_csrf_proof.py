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

The routes no browser calls (tests/proofs/support.CSRF_EXEMPT: the bank feed's webhook, signed by an
HMAC per account) are the only ones the app exempts from the token, checked against CSRFProtect's own
exemptions; each refuses a request without its signature, with a made-up one and with another
account's, plain, with a session cookie and a CSRF token, with its declared status and writes nothing;
its control, signed with the account's key, is accepted.
"""
import json
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
    routes = ordered(S.form_posts(app))
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

    exempt = _signed_routes(app, world, catalog, refused, writes, controls)
    passed = not (refused.failed or writes.failed or controls.failed)
    report(f"CSRF: requests without a valid token refused ({S.db_label()})",
           f"{len(routes)} state-changing routes and {exempt} signed API route(s), {refused.checks - refused.failed}/{refused.checks} forged "
           f"requests refused with 400, {writes.failed} wrote anything; {controls.checks - controls.failed}/"
           f"{controls.checks} controls with the token accepted",
           passed, "100% refused, 0 writes, every control accepted")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert not refused.failed, refused.summary()
    assert not writes.failed, writes.summary()
    assert not controls.failed, controls.summary()


def _keyed(app, account, user) -> str:
    """Make the account's feed key as its treasurer would (the key page's service, audited as them)."""
    from flask_login import login_user

    from app.banking import webhook
    from app.extensions import db

    with app.test_request_context():
        login_user(user)
        secret = webhook.make_secret(account)
        db.session.commit()
    return secret


def _signed_routes(app, world, catalog, refused, writes, controls) -> int:
    """The CSRF-exempt routes: exactly the declared ones; each refuses what is not signed, writes nothing."""
    from app.banking import webhook

    exempt = S.csrf_exempt_endpoints(app)
    refused.check(exempt == set(S.CSRF_EXEMPT),
                  f"routes exempt from the CSRF check {sorted(exempt)}, declared {sorted(S.CSRF_EXEMPT)}")
    assert set(S.CSRF_EXEMPT) == {"bank_hook.notify"}, "a new exempt route needs its own signed requests here"
    status = S.CSRF_EXEMPT["bank_hook.notify"][1]
    account, theirs = world.own.bank_account, world.other.bank_account
    secret = _keyed(app, account, world.users["treasurer"])
    other_secret = _keyed(app, theirs, world.other_user)
    url = S.url(app, "bank_hook.notify", account_id=account.id)
    body = json.dumps({"id": "proof-1", "gateway": "Vietcombank", "transactionDate": "2026-03-10 09:15:00",
                       "accountNumber": account.account_number, "code": None,
                       "content": "NGUYEN VAN PROOF chuyen tien", "transferType": "in", "transferAmount": 250000,
                       "referenceCode": "FTPROOF0001"}).encode()
    signed_in = catalog.client(world.users["treasurer"])
    tries = {
        "no signature": (app.test_client(), {}),
        "no signature, a signed-in session and its CSRF token": (
            signed_in, {"X-CSRFToken": signed_in.csrf_token()}),
        "made-up signature": (app.test_client(), {webhook.SIGNATURE_HEADER: "sha256=" + "0" * 64}),
        "signed with another commune's account key": (
            app.test_client(), {webhook.SIGNATURE_HEADER: webhook.signature(other_secret, body)}),
    }
    before = S.dump()
    for name, (client, headers) in tries.items():
        resp = client.post(url, data=body, content_type="application/json", headers=headers, csrf=False)
        refused.check(resp.status_code == status, f"bank_hook.notify {name}: {resp.status_code}, expected {status}")
    after = S.dump()
    writes.check(not (changed := S.diff(before, after)), f"bank_hook.notify: wrote {changed}")
    resp = app.test_client().post(url, data=body, content_type="application/json", csrf=False,
                                  headers={webhook.SIGNATURE_HEADER: webhook.signature(secret, body)})
    changed = S.diff(after, S.dump())
    controls.check(resp.status_code == 200 and "bank_line" in " ".join(changed),
                   f"bank_hook.notify: signed control {resp.status_code} {changed}")
    return len(exempt)
