"""Login throttling (issue 15, finding 4): a guesser from one address is slowed, with a wait that
doubles, and nobody can lock a person out from another address; unknown names cost the same work."""
import pytest

from app.auth import passwords, throttle
from app.extensions import db
from tests.factories import PASSWORD

WRONG = "sai-mat-khau-1"
ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def limits(app):
    app.config["RATELIMIT_ENABLED"] = True
    from app.extensions import limiter

    limiter.init_app(app)  # re-read the flag; fresh in-memory counters
    return limiter


def _try(app, username, password, addr):
    return app.test_client().post("/dang-nhap", data={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": addr})


def test_five_wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another(app, world, limits, clock):
    codes = [_try(app, "clerk_a", WRONG, ATTACKER).status_code for _ in range(8)]
    assert codes == [422] * 5 + [429] * 3
    # The attacker's address waits even with the right password: the wait comes before the check.
    assert _try(app, "clerk_a", PASSWORD, ATTACKER).status_code == 429
    assert _try(app, "clerk_a", PASSWORD, OWNER).status_code in (302, 303)


def test_the_wait_is_said_in_vietnamese_and_doubles_with_each_failure_up_to_the_cap(app, world, limits, clock):
    app.config.update(LOGIN_DELAY_SECONDS=60, LOGIN_DELAY_MAX_SECONDS=900)
    for _ in range(4):
        assert _try(app, "clerk_a", WRONG, ATTACKER).status_code == 422
    fifth = _try(app, "clerk_a", WRONG, ATTACKER)
    assert fifth.status_code == 422 and "thử lại sau 60 giây" in fifth.get_data(as_text=True)
    waits = []
    for _ in range(6):
        refused = _try(app, "clerk_a", WRONG, ATTACKER)
        assert refused.status_code == 429
        body = refused.get_data(as_text=True)
        assert "Vui lòng thử lại sau" in body and "Bạn đã thử quá nhiều lần" in body
        wait = int(refused.headers["Retry-After"])
        assert f"sau {wait} giây" in body
        waits.append(wait)
        clock.advance(wait)
        assert _try(app, "clerk_a", WRONG, ATTACKER).status_code == 422  # one more guess, then a longer wait
    assert waits == [60, 120, 240, 480, 900, 900]


def test_a_wait_ends_when_its_time_is_up_and_a_right_password_starts_the_count_again(app, world, limits, clock):
    for _ in range(5):
        _try(app, "clerk_a", WRONG, ATTACKER)
    assert _try(app, "clerk_a", PASSWORD, ATTACKER).status_code == 429
    clock.advance(59)
    assert _try(app, "clerk_a", PASSWORD, ATTACKER).status_code == 429
    clock.advance(1)
    assert _try(app, "clerk_a", PASSWORD, ATTACKER).status_code in (302, 303)
    # Counted from zero again: four more mistakes are free.
    assert [_try(app, "clerk_a", WRONG, ATTACKER).status_code for _ in range(5)] == [422] * 5


def test_one_address_is_slowed_for_each_name_alone_and_unknown_names_alike(app, world, limits, clock):
    for _ in range(5):
        _try(app, "khong-co-ai", WRONG, ATTACKER)
    assert _try(app, "khong-co-ai", WRONG, ATTACKER).status_code == 429  # no hint that the name is unknown
    assert _try(app, "clerk_a", PASSWORD, ATTACKER).status_code in (302, 303)


def test_the_per_address_limit_is_generous_but_stops_spraying_over_many_names(app, world, limits, clock):
    # Six different names from one office address within a minute: none refused (the old limit: 5).
    codes = [_try(app, f"nguoi-{i}", WRONG, ATTACKER).status_code for i in range(30)]
    assert 429 not in codes
    assert _try(app, "nguoi-cuoi", WRONG, ATTACKER).status_code == 429  # the 31st in the minute
    assert _try(app, "clerk_a", PASSWORD, OWNER).status_code in (302, 303)


# ---- constant work --------------------------------------------------------------------------------

@pytest.fixture
def hash_checks(monkeypatch):
    """How many password hashes a request checked, wherever the check happens."""
    import app.users.models as user_models

    calls = []
    for module in (passwords, user_models):
        real = module.check_password_hash

        def counting(pwhash, password, _real=real):
            calls.append(pwhash)
            return _real(pwhash, password)

        monkeypatch.setattr(module, "check_password_hash", counting)
    return calls


@pytest.mark.parametrize("who", ["unknown", "inactive", "known"])
def test_every_failed_login_checks_exactly_one_hash_of_the_same_method(client, world, hash_checks, who):
    username = {"unknown": "khong-co-ai", "inactive": "viewer_a", "known": "clerk_a"}[who]
    if who == "inactive":
        world.users["viewer"].active = False
        db.session.commit()
    password = PASSWORD if who == "inactive" else WRONG
    resp = client.post("/dang-nhap", data={"username": username, "password": password})
    assert resp.status_code == 422
    assert len(hash_checks) == 1
    method = world.users["clerk"].password_hash.split("$")[0]
    assert hash_checks[0].split("$")[0] == method


def test_the_dummy_hash_is_made_once_per_process(client, world, monkeypatch):
    import werkzeug.security

    made = []
    real = werkzeug.security.generate_password_hash
    monkeypatch.setattr(werkzeug.security, "generate_password_hash",
                        lambda *a, **k: made.append(1) or real(*a, **k))
    monkeypatch.setattr(passwords, "_dummy_hashes", {})
    for _ in range(3):
        client.post("/dang-nhap", data={"username": "khong-co-ai", "password": WRONG})
    assert made == [1]


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_forwarded_address(app, world, clock):
    from app import create_app
    from tests.conftest import BASE_CONFIG, AppClient

    proxied = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "RATELIMIT_ENABLED": True, "PROXY_HOPS": 1})
    proxied.test_client_class = AppClient

    def via_proxy(client_addr, password):
        with proxied.app_context():
            return proxied.test_client().post(
                "/dang-nhap", data={"username": "clerk_a", "password": password},
                environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": client_addr})

    try:
        assert [via_proxy(ATTACKER, WRONG).status_code for _ in range(6)] == [422] * 5 + [429]
        assert via_proxy(OWNER, PASSWORD).status_code in (302, 303)  # same proxy, another client
    finally:
        with proxied.app_context():
            db.engine.dispose()
